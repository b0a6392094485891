from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hromada.directory.exchange import import_directory


class Command(BaseCommand):
    help = (
        "Import the whole directory of addressees from a CSV (UTF-8) or XLSX file, told apart "
        "by content. Nothing is written unless every row is right; the problems are listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The CSV or XLSX file to import.")

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}
            ) from exc
        result = import_directory(data)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                ngettext(
                    "Nothing was imported: the file has %(count)d problem.",
                    "Nothing was imported: the file has %(count)d problems.",
                    len(result.problems),
                )
                % {"count": len(result.problems)}
            )
        self.stdout.write(
            _("Created: %(created)d, updated: %(updated)d.")
            % {"created": result.created, "updated": result.updated}
        )
