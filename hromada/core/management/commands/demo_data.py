from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = (
        "Load the demo city (districts, users of every role, and what later capabilities add). "
        "Safe to run again: it creates only what is missing. Refused unless DEBUG is on."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is never loaded in production (DEBUG is off).")
        with transaction.atomic():
            for path in settings.DEMO_LOADERS:
                import_string(path)(stdout=self.stdout)
