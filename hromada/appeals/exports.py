"""The journal of appeals (журнал реєстрації) as CSV or an Excel workbook.

Rows come from selectors.journal, which already leaves out what the person may not see
(corruption reports for everybody but the designated officers). Both formats are written
row by row, so a year of a big city's appeals never sits in memory.
"""

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from hromada.appeals.models import Appeal
from hromada.core.deadlines import KYIV

CHUNK = 2000
# A cell starting with one of these is run as a formula by spreadsheets (CSV injection): a
# quote before it keeps it text, as the directory's export does.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _local(moment: datetime | None) -> datetime | None:
    # Spreadsheets know no time zones: the community's own clock.
    return moment.astimezone(KYIV).replace(tzinfo=None, microsecond=0) if moment else None


def _on_time(appeal: Appeal) -> str:
    if appeal.answered_at is None:
        return ""
    return _("yes") if appeal.answered_at <= appeal.due_at else _("no")


def _author(appeal: Appeal) -> str:
    return _("anonymous") if appeal.is_anonymous else appeal.author_name


# (header, width in the workbook, value)
COLUMNS: list[tuple[Any, int, Callable[[Appeal], Any]]] = [
    (gettext_lazy("Number"), 16, lambda a: a.number),
    (gettext_lazy("Received"), 17, lambda a: _local(a.received_at)),
    (gettext_lazy("Kind"), 24, lambda a: a.get_kind_display()),
    (gettext_lazy("Channel"), 16, lambda a: a.get_channel_display()),
    (gettext_lazy("Author"), 30, _author),
    (gettext_lazy("Subject"), 40, lambda a: a.subject),
    (gettext_lazy("Category"), 20, lambda a: a.category.name if a.category else ""),
    (gettext_lazy("District"), 16, lambda a: a.district.name if a.district else ""),
    (gettext_lazy("Addressee"), 30, lambda a: a.addressee.name if a.addressee else ""),
    (gettext_lazy("Executor"), 24, lambda a: a.executor.full_name if a.executor else ""),
    (gettext_lazy("State"), 18, lambda a: a.get_state_display()),
    (gettext_lazy("Due"), 11, lambda a: _local(a.due_at).date()),
    (gettext_lazy("Answered"), 17, lambda a: _local(a.answered_at)),
    (gettext_lazy("Answered on time"), 10, _on_time),
]


def defuse(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _rows(appeals: QuerySet[Appeal]) -> Iterator[list[Any]]:
    for appeal in appeals.iterator(chunk_size=CHUNK):
        yield [value(appeal) for _header, _width, value in COLUMNS]


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return defuse(str(value))


class _Echo:
    """csv.writer writes into this and gets the line back, to be streamed."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(appeals: QuerySet[Appeal], language: str) -> Iterable[str]:
    # The body is produced after the view returned: keep the request's language for it.
    with translation.override(language):
        writer = csv.writer(_Echo())
        # A BOM, so that Excel shows Ukrainian letters rather than mojibake.
        yield "\ufeff" + writer.writerow([str(header) for header, _w, _v in COLUMNS])
        for row in _rows(appeals):
            yield writer.writerow([_csv_text(value) for value in row])


def journal_csv(appeals: QuerySet[Appeal], *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _csv_lines(appeals, translation.get_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx_value(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    # openpyxl would store "=…" as a formula, which Excel runs.
    return defuse(ILLEGAL_CHARACTERS_RE.sub("", value))


def journal_xlsx(appeals: QuerySet[Appeal], *, filename: str) -> FileResponse:
    """Written by openpyxl's write-only mode into a temporary file, then sent from it."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Journal"))
    sheet.freeze_panes = "A2"
    for index, (_header, width, _value) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for name, _width, _value in COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(name))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in _rows(appeals):
        sheet.append([_xlsx_value(value) for value in row])
    # Handed to the response, which closes it once sent.
    out = tempfile.SpooledTemporaryFile(max_size=20_000_000)  # noqa: SIM115
    workbook.save(out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
