"""Responses as CSV and XLSX for the survey's managers: one row per response, one column per
question. Formula-like cells are neutralised, as in the appeals' journal."""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from hromada.appeals.exports import _Echo, _xlsx_value, defuse
from hromada.surveys.models import Answer, Question, Response, Survey

CHUNK = 2000


def _header(questions: list[Question]) -> list[str]:
    return [_("Response"), _("Submitted"), _("Signed in"), _("Rates"), _("Appeal")] + [
        q.text for q in questions
    ]


def _rows(survey: Survey, questions: list[Question]) -> Iterator[list[Any]]:
    """Responses in chunks, each chunk's answers in one query."""
    position = {q.pk: i for i, q in enumerate(questions)}
    ids = list(Response.objects.filter(survey=survey).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        responses = Response.objects.filter(pk__in=chunk).select_related("filed_appeal")
        responses = responses.order_by("pk")
        cells: dict[int, list[list[str]]] = {pk: [[] for _q in questions] for pk in chunk}
        answers = Answer.objects.filter(response_id__in=chunk).select_related("option")
        for answer in answers.order_by("pk"):
            value = answer.option.label if answer.option_id else answer.text
            if answer.date:
                value = answer.date.isoformat()
            cells[answer.response_id][position[answer.question_id]].append(value)
        for response in responses:
            submitted = timezone.localtime(response.submitted_at).replace(tzinfo=None)
            yield [
                response.pk,
                submitted.replace(microsecond=0),
                _("yes") if response.respondent_id else _("no"),
                response.subject,
                response.filed_appeal.number if response.filed_appeal_id else "",
                *["; ".join(values) for values in cells[response.pk]],
            ]


def _csv_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return defuse(str(value))


def _lines(survey: Survey, language: str) -> Iterable[str]:
    with translation.override(language):
        questions = list(survey.questions.all())
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow([defuse(h) for h in _header(questions)])
        for row in _rows(survey, questions):
            yield writer.writerow([_csv_text(value) for value in row])


def responses_csv(survey: Survey) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _lines(survey, translation.get_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{survey.slug}.csv"'
    return response


def responses_xlsx(survey: Survey) -> FileResponse:
    questions = list(survey.questions.all())
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Responses"))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in _header(questions):
        cell = WriteOnlyCell(sheet, value=_xlsx_value(str(name)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in _rows(survey, questions):
        sheet.append([_xlsx_value(value) for value in row])
    out = tempfile.SpooledTemporaryFile(max_size=20_000_000)  # noqa: SIM115
    workbook.save(out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"{survey.slug}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
