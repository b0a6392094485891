from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "hromada.appeals"
    verbose_name = _("Appeals")

    def ready(self) -> None:
        from hromada.appeals.blocks import addressee_appeals_block
        from hromada.appeals.notifications import render
        from hromada.directory.blocks import register_block
        from hromada.messaging.rendering import register_renderer

        register_block(addressee_appeals_block)
        register_renderer("appeals", render)
