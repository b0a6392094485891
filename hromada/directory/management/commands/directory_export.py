from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hromada.directory.exchange import export_directory_csv, export_directory_xlsx
from hromada.directory.models import Addressee

EXPORTERS = {".csv": export_directory_csv, ".xlsx": export_directory_xlsx}


class Command(BaseCommand):
    help = (
        "Export every addressee (published or not) to a CSV or XLSX file, by the file name's "
        "suffix; the file imports back with directory_import."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Where to write: NAME.csv or NAME.xlsx.")

    def handle(self, *args, file: Path, **options):
        exporter = EXPORTERS.get(file.suffix.lower())
        if exporter is None:
            raise CommandError(_("Name the file .csv or .xlsx: the name decides the format."))
        try:
            file.write_bytes(exporter())
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}
            ) from exc
        count = Addressee.objects.count()
        self.stdout.write(
            ngettext(
                "Exported %(count)d addressee to %(file)s.",
                "Exported %(count)d addressees to %(file)s.",
                count,
            )
            % {"count": count, "file": file}
        )
