"""The whole directory as CSV or XLSX, both ways: a city arrives with its phone book.

One row per addressee. An import is checked whole before anything is written, then applied in
one transaction through the same services the admin uses, so the same rules hold everywhere.
"""

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from hromada.accounts.models import User
from hromada.core.errors import ValidationFailed
from hromada.directory import services
from hromada.directory.models import Addressee, AddresseeGroup, Competency, Schedule
from hromada.directory.schedules import DayHours, validate_hours

COLUMNS = [
    "code",
    "parent_code",
    "kind",
    "name",
    "position",
    "person_name",
    "description",
    "competencies",
    "groups",
    "phones",
    "emails",
    "website",
    "office_address",
    "latitude",
    "longitude",
    "order",
    "published",
    "schedule",
]
# Any other column may be left out: on import its values then stay as they are.
REQUIRED_COLUMNS = ["code", "kind", "name"]
MAX_ROWS = 20_000
# Separates several values in one cell (competencies, groups, phones, e-mails).
LIST_SEPARATOR = ";"

# PositiveIntegerField's ceiling on PostgreSQL.
MAX_ORDER = 2_147_483_647
TRUE_WORDS = {"yes", "true", "1", "так"}
FALSE_WORDS = {"no", "false", "0", "ні"}
# Invisible characters that copy-paste brings along and an XLSX file cannot hold.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ZIP_SIGNATURE = b"PK\x03\x04"
# The old binary .xls (and encrypted workbooks) are OLE2 compound files.
# Limits on a workbook's size once unpacked, and on what is read of a sheet.
MAX_UNPACKED_BYTES = 100_000_000
MAX_EXTRA_COLUMNS = 10  # unknown columns are reported, not read without end
MAX_BLANK_ROWS = 1_000
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Field named by a service's ValidationFailed → the column a person fixes.
FIELD_COLUMN = {
    "slug": "code",
    "parent": "parent_code",
    "is_published": "published",
    "weekday": "schedule",
    "opens": "schedule",
    "closes": "schedule",
    "break_starts": "schedule",
    "break_ends": "schedule",
}


@dataclass(frozen=True)
class Problem:
    """One reason to refuse a file."""

    line: int  # as a person sees it in the file, the header being line 1; 0: the whole file
    column: str  # "" when the problem is not in one column
    message: str

    def __str__(self) -> str:
        if not self.line:
            return self.message
        if not self.column:
            return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}
        return _("line %(line)d, %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


class _Refused(Exception):
    """Stops reading or applying a file; carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


# --- The weekly schedule as text ----------------------------------------------------------

DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# Accepted on import too, because a city's own tables say "пн-пт" or spell the days out.
DAY_ALIASES = {
    **{name: day for day, name in enumerate(DAY_NAMES)},
    **{
        name: day
        for day, name in enumerate(
            ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        )
    },
    **{name: day for day, name in enumerate(["пн", "вт", "ср", "чт", "пт", "сб", "нд"])},
}
CLOSED_WORDS = {"closed", "вихідний"}
BREAK_WORDS = {"break", "перерва"}
# "8", "8:00", "08.00": the hour alone means on the hour.
_TIME = r"[0-9]{1,2}(?:[:.][0-9]{2})?"
_DAY_GROUP = re.compile(
    rf"(?P<days>.+?):? (?:(?P<closed>{'|'.join(CLOSED_WORDS)})"
    rf"|(?P<opens>{_TIME}) ?- ?(?P<closes>{_TIME})"
    rf"(?: (?:{'|'.join(BREAK_WORDS)}) (?P<break_starts>{_TIME}) ?- ?(?P<break_ends>{_TIME}))?)"
)
EXAMPLE_WEEK = "mon-thu 08:00-17:00 break 12:00-12:45; fri 08:00-15:45 break 12:00-12:45"


def parse_week(text: str) -> dict[int, DayHours]:
    """Read `mon-thu 08:00-17:00 break 12:00-12:45; fri 08:00-15:45` into open days.

    Days left out, or marked `closed`, are closed; `closed` alone is a week without hours.
    Raises ValidationFailed (field "schedule") with a reason a person can act on.
    """
    normalized = " ".join(text.replace("–", "-").replace("—", "-").casefold().split())
    if normalized in CLOSED_WORDS:
        return {}
    groups = [group.strip() for group in normalized.split(";") if group.strip()]
    if not groups:
        raise ValidationFailed(_("The schedule is empty."), field="schedule")
    week: dict[int, DayHours] = {}
    seen: set[int] = set()
    for group in groups:
        match = _DAY_GROUP.fullmatch(group)
        if match is None:
            raise ValidationFailed(
                _("“%(value)s” cannot be read as days and hours, e.g. “%(example)s”.")
                % {"value": group, "example": EXAMPLE_WEEK},
                field="schedule",
            )
        days = _parse_days(match["days"])
        for day in days:
            if day in seen:
                raise ValidationFailed(
                    _("“%(day)s” appears twice in the schedule.") % {"day": DAY_NAMES[day]},
                    field="schedule",
                )
            seen.add(day)
        if match["closed"]:
            continue
        hours = DayHours(
            opens=_parse_time(match["opens"]),
            closes=_parse_time(match["closes"]),
            break_starts=_parse_time(match["break_starts"]),
            break_ends=_parse_time(match["break_ends"]),
        )
        try:
            validate_hours(**vars(hours))
        except ValidationFailed as exc:
            raise ValidationFailed(f"{match['days']}: {exc.message}", field="schedule") from exc
        week.update(dict.fromkeys(days, hours))
    return dict(sorted(week.items()))


def _parse_days(text: str) -> list[int]:
    days = []
    for item in text.split(","):
        ends = [end.strip() for end in item.split("-")]
        if len(ends) > 2 or not all(ends):
            raise ValidationFailed(
                _("“%(value)s” is not a day or a range of days, e.g. “mon-fri”.")
                % {"value": item.strip()},
                field="schedule",
            )
        first, last = _parse_day(ends[0]), _parse_day(ends[-1])
        if last < first:
            raise ValidationFailed(
                _("“%(value)s” runs backwards: name the days from Monday towards Sunday.")
                % {"value": item.strip()},
                field="schedule",
            )
        days.extend(range(first, last + 1))
    return days


def _parse_day(name: str) -> int:
    if name not in DAY_ALIASES:
        raise ValidationFailed(
            _("“%(value)s” is not a day of the week; use %(days)s.")
            % {"value": name, "days": ", ".join(DAY_NAMES)},
            field="schedule",
        )
    return DAY_ALIASES[name]


def _parse_time(text: str | None) -> time | None:
    if text is None:
        return None
    hour, _colon, minute = text.replace(".", ":").partition(":")
    hours, minutes = int(hour), int(minute or 0)
    if hours > 23 or minutes > 59:
        raise ValidationFailed(
            _("“%(value)s” is not a time of day (HH:MM).") % {"value": text}, field="schedule"
        )
    return time(hours, minutes)


def format_week(week: dict[int, DayHours]) -> str:
    """The text parse_week reads: consecutive days with the same hours become one range."""
    runs: list[tuple[int, int, DayHours]] = []
    for day, hours in sorted(week.items()):
        if hours.opens is None:
            continue
        if runs and runs[-1][1] == day - 1 and runs[-1][2] == hours:
            runs[-1] = (runs[-1][0], day, hours)
        else:
            runs.append((day, day, hours))
    if not runs:
        return "closed"
    parts = []
    for first, last, hours in runs:
        days = DAY_NAMES[first] if first == last else f"{DAY_NAMES[first]}-{DAY_NAMES[last]}"
        text = f"{days} {hours.opens:%H:%M}-{hours.closes:%H:%M}"
        if hours.break_starts is not None:
            text += f" break {hours.break_starts:%H:%M}-{hours.break_ends:%H:%M}"
        parts.append(text)
    return "; ".join(parts)


# --- Reading a file -----------------------------------------------------------------------


def _not_a_table() -> _Refused:
    return _Refused(
        Problem(
            0,
            "",
            _(
                "The file is neither CSV in UTF-8 nor an XLSX workbook. In the spreadsheet, "
                "save it as “CSV UTF-8” or as “Excel workbook (.xlsx)”."
            ),
        )
    )


def _cell_text(value: Any) -> str:
    """A cell of either format as the text a person typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    text = str(value)
    if text.startswith("'") and text[1:2] in FORMULA_STARTS:
        text = text[1:]  # the quote the export put before a would-be formula
    return CONTROL_CHARACTERS.sub("", text).strip()


# A cell starting with one of these is run as a formula by spreadsheets (CSV injection): the
# export puts a quote before it, and the import takes that quote away again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _defuse(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_a_table() from None
    if "\x00" in text:
        raise _not_a_table()
    # Excel with a Ukrainian locale separates with ";"; the header alone tells which it is,
    # since no column name contains either.
    header = text.split("\n", 1)[0]
    delimiter = ";" if ";" in header and "," not in header else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    # The line a record starts on: a quoted value may span several lines.
    line = 1
    try:
        for cells in reader:
            yield line, [_cell_text(cell) for cell in cells]
            line = reader.line_num + 1
    except csv.Error:
        raise _Refused(
            Problem(line, "", _("This line breaks the CSV format (a quote left open?)."))
        ) from None


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    # A damaged or foreign zip fails in many ways inside openpyxl (zip, XML, KeyError),
    # so any failure to open or read it means the same to the person: not a workbook.
    try:
        unpacked = sum(item.file_size for item in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError):
        raise _not_a_table() from None
    if unpacked > MAX_UNPACKED_BYTES:  # a zip bomb, or a directory no council has
        raise _Refused(Problem(0, "", _("The workbook is too large; import it in parts.")))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise _not_a_table() from None
    try:
        if not workbook.worksheets:
            raise _not_a_table()
        sheet = workbook.worksheets[0]
        try:
            # A sheet may declare 16,384 columns and a million rows while holding three;
            # read only the columns the format has and rows up to the limit.
            rows = sheet.iter_rows(
                max_col=len(COLUMNS) + MAX_EXTRA_COLUMNS,
                max_row=MAX_ROWS + 1 + MAX_BLANK_ROWS,
                values_only=True,
            )
            for line, values in enumerate(rows, start=1):
                yield line, [_cell_text(value) for value in values]
        except Exception:
            raise _not_a_table() from None
    finally:
        workbook.close()


def _read(data: bytes) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """(header line, header, data rows with their line numbers); blank rows are skipped."""
    if data.startswith(OLE2_SIGNATURE):
        raise _Refused(
            Problem(0, "", _("Old Excel files (.xls) are not read; save it as .xlsx or CSV."))
        )
    rows = _xlsx_rows(data) if data.startswith(ZIP_SIGNATURE) else _csv_rows(data)
    header: tuple[int, list[str]] | None = None
    body = []
    blank = 0
    for line, cells in rows:
        if not any(cells):
            blank += 1
            if blank > MAX_BLANK_ROWS:
                break  # the rest of a sheet padded with emptiness
            continue
        if header is None:
            header = (line, cells)
            continue
        if len(body) == MAX_ROWS:
            raise _Refused(
                Problem(
                    0,
                    "",
                    _("The file has more than %(limit)d rows; import it in parts.")
                    % {"limit": MAX_ROWS},
                )
            )
        body.append((line, cells))
    if header is None:
        raise _Refused(Problem(0, "", _("The file is empty.")))
    if not body:
        raise _Refused(Problem(0, "", _("The file has a header but no addressees.")))
    return header[0], [name.strip().lower() for name in header[1]], body


# --- Checking ----------------------------------------------------------------------------


@dataclass
class _Row:
    line: int
    code: str
    parent_code: str | None  # None: the file has no parent_code column, the parent stays
    values: dict[str, Any]  # keyword arguments of addressee_upsert that the file gives
    week: dict[int, DayHours] | None  # None: leave the schedules as they are


class _Checker:
    """Checks every row, collecting every problem, before anything is written."""

    def __init__(self, header_line: int, header: list[str]) -> None:
        self.header_line = header_line
        self.header = header
        self.problems: list[Problem] = []
        self.group_slugs = set(AddresseeGroup.objects.values_list("slug", flat=True))
        self.lengths = {
            name: Addressee._meta.get_field(name).max_length
            for name in ("slug", "name", "position", "person_name", "office_address", "website")
        }
        self.competency_length = Competency._meta.get_field("name").max_length

    def report(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(line, column, message))

    def check_header(self) -> bool:
        """Report what is wrong with the header; whether the rows can still be read under it."""
        readable = True
        seen: set[str] = set()
        for name in self.header:
            if not name:
                continue
            if name in seen:
                self.report(self.header_line, name, _("This column appears twice."))
                readable = False
            elif name not in COLUMNS:
                self.report(
                    self.header_line,
                    name,
                    _("Unknown column; the columns are: %(columns)s.")
                    % {"columns": ", ".join(COLUMNS)},
                )
            seen.add(name)
        for name in REQUIRED_COLUMNS:
            if name not in seen:
                self.report(self.header_line, name, _("The header lacks this required column."))
                readable = False
        return readable

    def check_length(self, line: int, column: str, value: str, limit: int | None) -> None:
        if limit is not None and len(value) > limit:
            self.report(
                line,
                column,
                _("At most %(limit)d characters are allowed, this has %(length)d.")
                % {"limit": limit, "length": len(value)},
            )

    def check_row(self, line: int, cells: list[str]) -> _Row:
        given = {name: "" for name in self.header if name in COLUMNS}
        stray = False
        for index, value in enumerate(cells):
            name = self.header[index] if index < len(self.header) else ""
            if name in given:
                given[name] = value
            elif value and not name:
                stray = True
        if stray:
            self.report(line, "", _("This line has a value under no column of the header."))
        values: dict[str, Any] = {}

        code = given["code"]
        if not code:
            self.report(line, "code", _("A value is required here."))
        elif not services.CODE.fullmatch(code):
            self.report(
                line, "code", _("A code may contain only small Latin letters, digits, - and _.")
            )
        elif code in services.RESERVED_SLUGS:
            # The same words as services.addressee_upsert uses.
            self.report(line, "code", _("This code is reserved; choose another."))
        else:
            self.check_length(line, "code", code, self.lengths["slug"])

        kind = given["kind"]
        if not kind:
            self.report(line, "kind", _("A value is required here."))
        elif kind not in Addressee.Kind.values:
            self.report(
                line,
                "kind",
                _("Unknown kind “%(value)s”; the kinds are: %(kinds)s.")
                % {"value": kind, "kinds": ", ".join(Addressee.Kind.values)},
            )
        values["kind"] = kind

        if not given["name"]:
            self.report(line, "name", _("A value is required here."))
        for name in ("name", "position", "person_name", "description", "office_address"):
            if name in given:
                self.check_length(line, name, given[name], self.lengths.get(name))
                values[name] = given[name]

        if "competencies" in given:
            values["competencies"] = _split(given["competencies"])
            for competency in values["competencies"]:
                self.check_length(line, "competencies", competency, self.competency_length)
        if "groups" in given:
            values["groups"] = _split(given["groups"])
            unknown = sorted(set(values["groups"]) - self.group_slugs)
            if unknown:
                # The same words as services.addressee_upsert uses.
                self.report(line, "groups", _("Unknown groups: %s") % ", ".join(unknown))
        for name, clean in (("phones", services.clean_phones), ("emails", services.clean_emails)):
            if name in given:
                values[name] = _split(given[name])
                for value in values[name]:
                    try:
                        clean([value])
                    except ValidationFailed as exc:
                        self.report(line, name, exc.message)
        if "website" in given:
            values["website"] = given["website"]
            self.check_website(line, given["website"])
        self.check_point(line, given, values)

        if "order" in given:
            order = given["order"] or "0"
            if re.fullmatch("[0-9]+", order) and int(order) <= MAX_ORDER:
                values["order"] = int(order)
            else:
                self.report(
                    line,
                    "order",
                    _("“%(value)s” is not a whole number from 0 up.") % {"value": order},
                )
        if "published" in given:
            word = given["published"].casefold()
            if word in FALSE_WORDS:
                values["is_published"] = False
            elif not word or word in TRUE_WORDS:
                values["is_published"] = True
            else:
                self.report(
                    line,
                    "published",
                    _("“%(value)s” is neither yes nor no (yes/no, true/false, 1/0, так/ні).")
                    % {"value": given["published"]},
                )

        week = None
        if given.get("schedule"):
            try:
                week = parse_week(given["schedule"])
            except ValidationFailed as exc:
                self.report(line, "schedule", exc.message)
        return _Row(line, code, given.get("parent_code"), values, week)

    def check_website(self, line: int, website: str) -> None:
        if not website:
            return
        try:
            URLValidator()(website)
        except ValidationError:
            # The same words as services.addressee_upsert uses.
            self.report(line, "website", _("The website address is not valid."))
            return
        self.check_length(line, "website", website, self.lengths["website"])

    def check_point(self, line: int, given: dict[str, str], values: dict[str, Any]) -> None:
        point: dict[str, float | None] = {}
        for name in ("latitude", "longitude"):
            if name not in given:
                continue
            try:
                point[name] = _parse_number(given[name])
            except ValueError:
                self.report(line, name, _("“%(value)s” is not a number.") % {"value": given[name]})
        values.update(point)
        if len(point) < 2:
            return
        latitude, longitude = point["latitude"], point["longitude"]
        try:
            services.clean_point(latitude, longitude)
        except ValidationFailed as exc:
            if (latitude is None) != (longitude is None):
                self.report(line, "latitude" if latitude is None else "longitude", exc.message)
            else:
                self.report(line, _column(exc.field), exc.message)

    def check_tree(self, rows: list[_Row]) -> dict[str, int]:
        """Codes unique, parents known, no circles; the depth of each code, parents first."""
        database = dict(Addressee.objects.values_list("slug", "parent__slug"))
        first_line: dict[str, int] = {}
        for row in rows:
            if not row.code:
                continue
            if row.code in first_line:
                self.report(
                    row.line,
                    "code",
                    _("The code “%(code)s” is already used on line %(line)d.")
                    % {"code": row.code, "line": first_line[row.code]},
                )
            else:
                first_line[row.code] = row.line
        # The tree as it would be after the import: the file's parents over the database's.
        parents: dict[str, str | None] = dict(database)
        for row in rows:
            if not row.code or first_line[row.code] != row.line or row.parent_code is None:
                continue
            known = row.parent_code in first_line or row.parent_code in database
            if row.parent_code and not known:
                self.report(
                    row.line,
                    "parent_code",
                    _("No addressee has the code “%(code)s”, in the file or in the directory.")
                    % {"code": row.parent_code},
                )
                parents[row.code] = None
            else:
                parents[row.code] = row.parent_code or None
        depth: dict[str, int] = {}
        for start in first_line:
            path: list[str] = []
            on_path: dict[str, int] = {}
            node: str | None = start
            while node is not None and node not in depth and node not in on_path:
                on_path[node] = len(path)
                path.append(node)
                node = parents.get(node)
            if node is not None and node in on_path:
                self.report_circle(path[on_path[node] :], first_line)
                base = 0  # nothing is written when there is a circle; any depth will do
            else:
                base = -1 if node is None else depth[node]
            for offset, member in enumerate(reversed(path), start=1):
                depth[member] = base + offset
        return depth

    def report_circle(self, circle: list[str], first_line: dict[str, int]) -> None:
        # Every row in the circle is told, each seeing the circle from itself.
        for index, member in enumerate(circle):
            if member in first_line:
                around = [*circle[index:], *circle[:index], member]
                self.report(
                    first_line[member],
                    "parent_code",
                    _("The parents go round in a circle: %(circle)s.")
                    % {"circle": " → ".join(around)},
                )


def _split(text: str) -> list[str]:
    return [value.strip() for value in text.split(LIST_SEPARATOR) if value.strip()]


def _parse_number(text: str) -> float | None:
    """A decimal number, with a point or (as people in Ukraine write) a comma."""
    if not text:
        return None
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)", text):
        raise ValueError(text)
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def _column(field_name: str | None) -> str:
    column = FIELD_COLUMN.get(field_name or "", field_name or "")
    return column if column in COLUMNS else ""


def _column_order(problem: Problem) -> tuple[int, int]:
    position = COLUMNS.index(problem.column) if problem.column in COLUMNS else len(COLUMNS)
    return problem.line, position


# --- Importing ---------------------------------------------------------------------------


def import_directory(data: bytes, *, actor: User | None = None) -> ImportResult:
    """Check the whole file; only if every row is right, write them all in one transaction.

    The format is told by the content (an XLSX workbook is a zip), never by a file name.
    """
    try:
        header_line, header, body = _read(data)
    except _Refused as refused:
        return ImportResult(problems=[refused.problem])
    checker = _Checker(header_line, header)
    if not checker.check_header():
        return ImportResult(problems=checker.problems)
    rows = [checker.check_row(line, cells) for line, cells in body]
    checker.check_tree(rows)
    if checker.problems:
        return ImportResult(problems=sorted(checker.problems, key=_column_order))
    return _apply(rows, actor)


def _apply(rows: list[_Row], actor: User | None) -> ImportResult:
    entries = [
        services.AddresseeEntry(
            slug=row.code, values=row.values, parent_slug=row.parent_code, week=row.week
        )
        for row in rows
    ]
    lines = {row.code: row.line for row in rows}
    try:
        created, updated = services.addressees_bulk_upsert(entries=entries, actor=actor)
    except services.EntryRefused as refused:
        problem = Problem(lines[refused.slug], _column(refused.field), refused.message)
        return ImportResult(problems=[problem])
    except IntegrityError:
        message = _("The directory changed while the file was imported; import it again.")
        return ImportResult(problems=[Problem(0, "", message)])
    return ImportResult(created=created, updated=updated)


# --- Exporting ---------------------------------------------------------------------------


def _export_rows() -> list[list[Any]]:
    """Every addressee, published or not, each parent before its children (tree order)."""
    primary = Prefetch(
        "schedules",
        queryset=Schedule.objects.filter(is_primary=True).prefetch_related("days"),
        to_attr="primary_schedules",
    )
    addressees = list(
        Addressee.objects.prefetch_related("competencies", "groups", primary).order_by(
            "order", "name", "pk"
        )
    )
    codes = {addressee.pk: addressee.slug for addressee in addressees}
    children: dict[int | None, list[Addressee]] = {}
    for addressee in addressees:
        children.setdefault(addressee.parent_id, []).append(addressee)
    rows = []
    # Depth-first without recursion: a deep tree must not hit Python's recursion limit.
    stack = list(reversed(children.get(None, [])))
    while stack:
        addressee = stack.pop()
        rows.append(_export_row(addressee, codes))
        stack.extend(reversed(children.get(addressee.pk, [])))
    return rows


def _export_row(addressee: Addressee, codes: dict[int, str]) -> list[Any]:
    schedules = addressee.primary_schedules  # type: ignore[attr-defined]
    week = ""
    if schedules:
        week = format_week(
            {
                day.weekday: DayHours(day.opens, day.closes, day.break_starts, day.break_ends)
                for day in schedules[0].days.all()
            }
        )
    separator = f"{LIST_SEPARATOR} "
    return [
        addressee.slug,
        codes.get(addressee.parent_id, "") if addressee.parent_id else "",
        addressee.kind,
        addressee.name,
        addressee.position,
        addressee.person_name,
        addressee.description,
        separator.join(competency.name for competency in addressee.competencies.all()),
        separator.join(group.slug for group in addressee.groups.all()),
        separator.join(addressee.phones),
        separator.join(addressee.emails),
        addressee.website,
        addressee.office_address,
        addressee.latitude,
        addressee.longitude,
        addressee.order,
        "yes" if addressee.is_published else "no",
        week,
    ]


def export_directory_csv() -> bytes:
    """UTF-8 with a BOM, so that Excel shows Ukrainian letters rather than mojibake."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in _export_rows():
        writer.writerow(
            [
                "" if value is None else _defuse(value) if isinstance(value, str) else value
                for value in row
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def export_directory_xlsx() -> bytes:
    rows = _export_rows()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Addressees"))
    sheet.freeze_panes = "A2"
    widths = [len(name) for name in COLUMNS]
    for row in rows:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(str(value)) if value is not None else 0)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width, 50) + 2
    bold = Font(bold=True)
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_value(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_value(sheet: Any, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    # A quote before a would-be formula: openpyxl would store "=…" as a formula, which Excel
    # runs and the import cannot read back.
    return _defuse(ILLEGAL_CHARACTERS_RE.sub("", value))
