from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EqueueConfig(AppConfig):
    name = "hromada.equeue"
    verbose_name = _("Electronic queue")

    def ready(self) -> None:
        from hromada.directory.blocks import register_block
        from hromada.equeue.blocks import addressee_queues_block
        from hromada.equeue.notifications import render
        from hromada.messaging.rendering import register_renderer

        register_block(addressee_queues_block)
        register_renderer("equeue", render)
