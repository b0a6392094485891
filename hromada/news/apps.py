from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "hromada.news"
    verbose_name = _("City news")

    def ready(self) -> None:
        from hromada.directory.blocks import register_block
        from hromada.news import rules  # noqa: F401 - registers the permissions
        from hromada.news.blocks import addressee_posts_block

        register_block(addressee_posts_block)
