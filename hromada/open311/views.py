"""Open311 GeoReport v2 at /open311/v2/: thin views that parse the standard's parameters,
call a selector or the service, and answer in the format the URL's suffix names.

Errors follow the standard: a list of {code, description}; 404 for an unknown service,
request, token or jurisdiction, 403 for a bad api_key, 400 for everything else (and 429 when
a key or an address sends too many requests).
"""

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from hromada.core.deadlines import KYIV
from hromada.core.errors import ApplicationError, NotFound, PermissionDenied, TooManyRequests
from hromada.integrations import limits
from hromada.integrations import selectors as key_selectors
from hromada.integrations.models import Scope
from hromada.open311 import selectors, services
from hromada.open311.formats import FORMATS, errors, respond
from hromada.open311.records import iso, request_record
from hromada.open311.selectors import Filters

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
RANGE_MAX = timedelta(days=90)  # the standard's longest start_date..end_date span
VOLUME = 1000  # the standard's default volume, and our page_size ceiling
ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


class BadRequest(ApplicationError):
    status = 400


def open311_view(methods=("GET",)):
    """Answers refusals in the standard's shape and counts the client's requests."""

    def decorate(view):
        @csrf_exempt
        @require_http_methods(list(methods))
        def wrapped(request, fmt: str, **kwargs):
            # Texts (status_notes, errors) in the client's Accept-Language; Ukrainian without.
            with translation.override(translation.get_language_from_request(request)):
                return _answer(view, request, fmt, **kwargs)

        return wrapped

    return decorate


def _answer(view, request, fmt: str, **kwargs):
    try:
        address = limits.client_address(request)
        if not limits.consume(f"address:{address}", limit=settings.API_RATE_LIMIT_PER_ADDRESS):
            raise TooManyRequests(_("Too many requests from this address; wait a minute."))
        jurisdiction = _param(request, "jurisdiction_id")
        if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION_ID:
            return errors(404, _("Unknown jurisdiction_id."), fmt=fmt)
        return view(request, fmt, **kwargs)
    except ApplicationError as exc:
        status = exc.status if exc.status in (403, 404, 429) else 400
        response = errors(status, exc.message, fmt=fmt)
        if status == 429:
            response["Retry-After"] = str(limits.window_remaining())
        return response


def _param(request, name: str) -> str:
    """The standard: an empty optional parameter counts as absent."""
    source = request.POST if request.method == "POST" else request.GET
    return (source.get(name) or "").strip()


def _moment(value: str, name: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is not None:
                moment = datetime(day.year, day.month, day.day)
    except ValueError:
        moment = None
    if moment is None:
        raise BadRequest(
            _("%(name)s is not an ISO 8601 date and time.") % {"name": name}, field=name
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, KYIV)
    return moment


def _positive(value: str, name: str, *, default: int, ceiling: int) -> int:
    if not value:
        return default
    if not value.isdigit() or not 1 <= int(value) <= ceiling:
        raise BadRequest(
            _("%(name)s is a whole number from 1 to %(max)d.") % {"name": name, "max": ceiling},
            field=name,
        )
    return int(value)


# --- Discovery and services -----------------------------------------------------------------


@open311_view()
def discovery(request, fmt: str):
    base = request.build_absolute_uri(reverse("open311:root"))
    return respond(
        {
            "changeset": iso(settings.OPEN311_CHANGESET),
            "contact": settings.OPEN311_CONTACT,
            "key_service": settings.OPEN311_KEY_SERVICE,
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base.rstrip("/"),
                    "changeset": iso(settings.OPEN311_CHANGESET),
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
        fmt=fmt,
        root="discovery",
    )


@open311_view()
def service_list(request, fmt: str):
    return respond(
        [
            {
                "service_code": category.slug,
                "service_name": category.name,
                "description": category.description,
                "metadata": category.has_attributes,
                "type": "realtime",
                "keywords": "",
                "group": "",
            }
            for category in selectors.services().order_by("order", "name")
        ],
        fmt=fmt,
        root="services",
    )


@open311_view()
def service_definition(request, fmt: str, code: str):
    category = selectors.service(code)
    if category is None:
        return errors(404, _("No service with this code."), fmt=fmt)
    return respond(
        {
            "service_code": category.slug,
            "attributes": [
                {
                    "variable": attribute.variable,
                    "code": attribute.code,
                    "datatype": attribute.datatype,
                    "required": attribute.required,
                    "datatype_description": attribute.datatype_description,
                    "order": attribute.order,
                    "description": attribute.description,
                    "values": [
                        {"key": str(v.get("key", "")), "name": str(v.get("name", ""))}
                        for v in attribute.values or []
                    ],
                }
                for attribute in category.open311_attributes.all()
            ],
        },
        fmt=fmt,
        root="service_definition",
    )


# --- Requests -------------------------------------------------------------------------------


@open311_view(methods=("GET", "POST"))
def requests(request, fmt: str):
    if request.method == "POST":
        return _create(request, fmt)
    ids_param = _param(request, "service_request_id")
    page = _positive(_param(request, "page"), "page", default=1, ceiling=1_000_000)
    page_size = _positive(_param(request, "page_size"), "page_size", default=VOLUME, ceiling=VOLUME)
    if ids_param:
        ids = [int(i) for i in (p.strip() for p in ids_param.split(",")) if i.isdigit()]
        filters = Filters(ids=ids[:VOLUME])
    else:
        filters = _filters(request)
    appeals = selectors.requests(filters, offset=(page - 1) * page_size, limit=page_size)
    return respond([request_record(appeal) for appeal in appeals], fmt=fmt, root="service_requests")


def _filters(request) -> Filters:
    categories: list[int] = []
    codes = [c.strip() for c in _param(request, "service_code").split(",") if c.strip()]
    if codes:
        known = dict(selectors.services().filter(slug__in=codes).values_list("slug", "pk"))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise NotFound(_("No service with the code %(code)s.") % {"code": unknown[0]})
        categories = list(known.values())
    start = _moment(_param(request, "start_date"), "start_date")
    end = _moment(_param(request, "end_date"), "end_date")
    if start and end:
        if end < start:
            raise BadRequest(_("end_date is before start_date."), field="end_date")
        if end - start > RANGE_MAX:
            raise BadRequest(
                _("start_date and end_date may span at most 90 days."), field="end_date"
            )
    elif start:
        end = start + RANGE_MAX
    elif end:
        start = end - RANGE_MAX
    else:
        # The standard's default volume: the last 90 days (and at most 1000 records).
        start = timezone.now() - RANGE_MAX
    statuses = [s.strip() for s in _param(request, "status").split(",") if s.strip()]
    if any(s not in ("open", "closed") for s in statuses):
        raise BadRequest(_("status is open or closed."), field="status")
    return Filters(categories=categories, start=start, end=end, statuses=statuses)


def _create(request, fmt: str):
    plain = _param(request, "api_key")
    key = key_selectors.api_key_for(plain, scope=Scope.OPEN311) if plain else None
    if key is None:
        raise PermissionDenied(_("The api_key is missing, unknown or revoked."))
    if not limits.consume(f"key:{key.pk}", limit=key.rate_limit):
        raise TooManyRequests(_("This api_key sent too many requests; wait a minute."))
    attributes: dict[str, list[str]] = {}
    for name in request.POST:
        match = ATTRIBUTE.match(name)
        if match:
            attributes.setdefault(match.group(1), []).extend(request.POST.getlist(name))
    data = services.RequestIn(
        service_code=_param(request, "service_code"),
        lat=_coordinate(request, "lat"),
        long=_coordinate(request, "long"),
        address_string=_param(request, "address_string"),
        address_id=_param(request, "address_id"),
        description=_param(request, "description"),
        first_name=_param(request, "first_name"),
        last_name=_param(request, "last_name"),
        email=_param(request, "email"),
        phone=_param(request, "phone"),
        device_id=_param(request, "device_id"),
        account_id=_param(request, "account_id"),
        media_url=_param(request, "media_url"),
        attributes=attributes,
    )
    if not data.service_code:
        raise BadRequest(_("service_code is required."), field="service_code")
    created = services.open311_request_create(api_key=key, data=data)
    return respond(
        [
            {
                "service_request_id": str(created.appeal_id),
                "token": created.token,
                "service_notice": _("Registered as %(number)s; answer due by %(due)s.")
                % {
                    "number": created.appeal.number,
                    "due": timezone.localtime(created.appeal.due_at, KYIV).strftime("%d.%m.%Y"),
                },
                "account_id": created.account_id or None,
            }
        ],
        fmt=fmt,
        root="service_requests",
        status=201,
    )


def _coordinate(request, name: str) -> float | None:
    value = _param(request, name)
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if number != number or number in (float("inf"), float("-inf")):
        raise BadRequest(_("%(name)s is not a number.") % {"name": name}, field=name)
    return number


@open311_view()
def request_detail(request, fmt: str, pk: str):
    appeal = selectors.request(int(pk)) if pk.isdigit() and len(pk) < 19 else None
    if appeal is None:
        return errors(404, _("No request with this id."), fmt=fmt)
    # The standard: one request is answered as a list of one.
    return respond([request_record(appeal)], fmt=fmt, root="service_requests")


@open311_view()
def token(request, fmt: str, token: str):
    request_id = selectors.request_id_for_token(token)
    if request_id is None:
        return errors(404, _("No request with this token."), fmt=fmt)
    return respond(
        [{"service_request_id": str(request_id), "token": token}],
        fmt=fmt,
        root="service_requests",
    )


@csrf_exempt
def unknown(request, rest: str = ""):
    fmt = "json" if rest.endswith(".json") else "xml"
    return errors(404, _("No such Open311 method."), fmt=fmt)


assert set(FORMATS) == {"xml", "json"}
