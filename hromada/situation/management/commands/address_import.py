from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hromada.core.errors import ValidationFailed
from hromada.situation.addresses import addresses_import


class Command(BaseCommand):
    help = (
        "Import the city's address register from a CSV file (UTF-8): street, house, latitude, "
        "longitude and an optional district. Nothing is written unless every line is right; "
        "the problems are listed by line. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The CSV file to import.")

    def handle(self, *args, file: Path, **options):
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}
            ) from exc
        try:
            result = addresses_import(actor=None, content=content)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(
                ngettext(
                    "Nothing was imported: the file has %(count)d problem.",
                    "Nothing was imported: the file has %(count)d problems.",
                    len(result.problems),
                )
                % {"count": len(result.problems)}
            )
        self.stdout.write(
            _("Addresses created: %(created)d, updated: %(updated)d, unchanged: %(unchanged)d.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        )
