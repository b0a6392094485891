from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "hromada.surveys"
    verbose_name = _("Surveys and quality assessment")

    def ready(self) -> None:
        from hromada.directory.blocks import register_block
        from hromada.surveys import rules  # noqa: F401  (registers the permissions)
        from hromada.surveys.blocks import addressee_surveys_block

        register_block(addressee_surveys_block)
