"""Filing a service request through Open311: a real problem report, accepted by the appeals'
own intake (``appeal_submit``), plus the Open311 record of it.

Law 393/96-ВР art. 8 leaves anonymous appeals unconsidered, so a request must name its
resident: the partner organisation files on the resident's behalf and sends ``first_name``,
``last_name`` and an ``email`` or ``phone`` (art. 5: a contact for the answer). The report is
public, like every Open311 request; the resident's name and contacts never are.
"""

import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from hromada.appeals.models import Appeal, Category, Channel, Kind
from hromada.appeals.services import AuthorDetails, appeal_submit
from hromada.core.errors import NotFound, ValidationFailed
from hromada.integrations.models import ApiKey
from hromada.open311 import geocoding
from hromada.open311.models import Datatype, MediaState, Open311Request, ServiceAttribute
from hromada.open311.tasks import open311_media_fetch

DESCRIPTION_MAX = 4000  # the standard's limit
SUBJECT_CHARS = 120


@dataclass(frozen=True)
class RequestIn:
    service_code: str
    lat: float | None = None
    long: float | None = None
    address_string: str = ""
    address_id: str = ""
    description: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    device_id: str = ""
    account_id: str = ""
    media_url: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)


def clean_attributes(category: Category, given: dict[str, list[str]]) -> dict[str, str | list[str]]:
    """The answers to the service's attributes, checked against their datatypes."""
    attributes = {a.code: a for a in ServiceAttribute.objects.filter(category=category)}
    unknown = sorted(set(given) - {code for code, a in attributes.items() if a.variable})
    if unknown:
        raise ValidationFailed(
            _("This service has no attribute %(code)s.") % {"code": unknown[0]},
            field="attribute",
        )
    cleaned: dict[str, str | list[str]] = {}
    for code, attribute in attributes.items():
        values = [v.strip() for v in given.get(code, []) if v and v.strip()]
        if not values:
            if attribute.required and attribute.variable:
                raise ValidationFailed(
                    _("The attribute %(code)s is required.") % {"code": code}, field="attribute"
                )
            continue
        if attribute.datatype != Datatype.MULTIVALUELIST and len(values) > 1:
            raise ValidationFailed(
                _("The attribute %(code)s takes one value.") % {"code": code}, field="attribute"
            )
        for value in values:
            _check_value(attribute, value)
        cleaned[code] = values if attribute.datatype == Datatype.MULTIVALUELIST else values[0]
    return cleaned


def _check_value(attribute: ServiceAttribute, value: str) -> None:
    wrong = False
    if "\x00" in value or len(value) > 4000:
        wrong = True
    elif attribute.datatype == Datatype.NUMBER:
        try:
            wrong = not Decimal(value).is_finite()
        except InvalidOperation:
            wrong = True
    elif attribute.datatype == Datatype.DATETIME:
        try:
            wrong = parse_datetime(value) is None
        except ValueError:
            wrong = True
    elif attribute.datatype in (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST):
        wrong = value not in attribute.keys
    elif attribute.datatype == Datatype.STRING:
        wrong = len(value) > 300
    if wrong:
        raise ValidationFailed(
            _("The attribute %(code)s does not take this value.") % {"code": attribute.code},
            field="attribute",
        )


def _attributes_text(category: Category, answers: dict[str, str | list[str]]) -> str:
    if not answers:
        return ""
    attributes = {a.code: a for a in ServiceAttribute.objects.filter(category=category)}
    lines = []
    for code, value in answers.items():
        attribute = attributes[code]
        names = {str(v.get("key")): str(v.get("name", v.get("key"))) for v in attribute.values}
        shown = [names.get(v, v) for v in ([value] if isinstance(value, str) else value)]
        lines.append(f"{attribute.description}: {', '.join(shown)}")
    return "\n".join(lines)


def _registered_address(code: str, place: str) -> geocoding.Address:
    """The register's address for a request without a point: by its code (address_id) when
    one is sent, which is exact, otherwise by the words of address_string."""
    if code:
        address = geocoding.address_by_code(code)
        if address is None:
            raise ValidationFailed(
                _(
                    "No address with this address_id in the city's address register: send "
                    "the register's code, an address_string, or lat and long."
                ),
                field="address_id",
                code="address_unknown",
            )
        return address
    if not place:
        raise ValidationFailed(
            _("A location is required: lat and long, address_string or address_id."),
            field="lat",
            code="location_required",
        )
    address = geocoding.address_for(place)
    if address is None:
        raise ValidationFailed(
            _(
                "The address_string is not in the city's address register (or names "
                "several addresses): send the street and house number, or lat and long."
            ),
            field="address_string",
            code="address_unknown",
        )
    return address


def open311_request_create(*, api_key: ApiKey, data: RequestIn) -> Open311Request:
    """File the request as a public problem report on the resident's behalf."""
    category = Category.objects.filter(
        slug=data.service_code, is_active=True, for_problem_reports=True
    ).first()
    if category is None:
        raise NotFound(_("No service with this code."))
    latitude, longitude, place = data.lat, data.long, data.address_string.strip()
    if latitude is None or longitude is None:
        address = _registered_address(data.address_id.strip(), place)
        latitude, longitude, place = address.latitude, address.longitude, str(address)
    description = (data.description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ValidationFailed(
            _("The description is at most %(max)d characters (now %(count)d).")
            % {"max": DESCRIPTION_MAX, "count": len(description)},
            field="description",
        )
    first_name, last_name = data.first_name.strip(), data.last_name.strip()
    email, phone = data.email.strip(), data.phone.strip()
    if not (first_name and last_name):
        raise ValidationFailed(
            _(
                "Law 393/96-ВР does not consider anonymous appeals (art. 8): send the "
                "resident's first_name and last_name."
            ),
            field="last_name",
        )
    if not (email or phone):
        raise ValidationFailed(
            _("Send the resident's email or phone: the answer goes there (art. 5)."),
            field="email",
        )
    if email:
        try:
            EmailValidator()(email)
        except ValidationError as exc:
            raise ValidationFailed(_("The email is not valid."), field="email") from exc
    if data.media_url:
        try:
            URLValidator(schemes=["http", "https"])(data.media_url)
        except ValidationError as exc:
            raise ValidationFailed(
                _("The media_url is not a web address."), field="media_url"
            ) from exc
        if len(data.media_url) > 500:
            raise ValidationFailed(_("The media_url is too long."), field="media_url")
    for name in ("device_id", "account_id", "address_id"):
        if len(getattr(data, name)) > 200:
            raise ValidationFailed(_("%(name)s is too long.") % {"name": name}, field=name)
    answers = clean_attributes(category, data.attributes)
    text = (
        "\n\n".join(part for part in (description, _attributes_text(category, answers)) if part)
        or category.name
    )
    first_line = (description.splitlines() or [""])[0]
    subject = f"{category.name}: {first_line}" if first_line else category.name
    if len(subject) > SUBJECT_CHARS:
        subject = subject[: SUBJECT_CHARS - 1].rstrip() + "…"
    with transaction.atomic():
        appeal: Appeal = appeal_submit(
            actor=None,
            kind=Kind.PROBLEM_REPORT,
            subject=subject,
            text=text,
            channel=Channel.API,
            category=category,
            latitude=latitude,
            longitude=longitude,
            location_text=place[:300],
            is_public=True,
            on_behalf=AuthorDetails(
                last_name=last_name[:100],
                first_name=first_name[:100],
                email=email[:254],
                phone=phone[:32],
            ),
            via_partner=True,
        )
        created = Open311Request.objects.create(
            appeal=appeal,
            token=secrets.token_urlsafe(24),
            api_key=api_key,
            partner=api_key.partner,
            device_id=data.device_id,
            account_id=data.account_id,
            address_id=data.address_id,
            media_url=data.media_url,
            media_state=MediaState.PENDING if data.media_url else "",
            attributes=answers,
        )
        if data.media_url:
            transaction.on_commit(lambda: open311_media_fetch.enqueue(created.pk))
        return created
