from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "hromada.messaging"
    verbose_name = _("Notifications and mailings")

    def ready(self) -> None:
        # The rules register permissions; mailings registers its renderer.
        from hromada.messaging import mailings, rules  # noqa: F401
