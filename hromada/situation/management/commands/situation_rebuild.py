from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from hromada.situation.dashboard import recurring_problems_refresh
from hromada.situation.facts import facts_rebuild


class Command(BaseCommand):
    help = (
        "Recount the situation centre's facts, daily counts and map cells from the appeals "
        "(after an import, an upgrade that adds a kind of count, or to repair)."
    )

    def handle(self, *args, **options):
        facts = facts_rebuild()
        recurring_problems_refresh()
        self.stdout.write(_("Recounted %(facts)d appeals.") % {"facts": facts})
