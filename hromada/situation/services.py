"""Writing in the situation centre: supports, problem reports filed from the map, addresses.

A problem report is accepted by the one intake of appeals (appeal_submit); filing here only
checks first what the map form adds: photos that are pictures, and not too many at once.
"""

from collections.abc import Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hromada.accounts.models import User
from hromada.appeals.models import Appeal, Category, Kind
from hromada.appeals.services import appeal_submit
from hromada.core.audit import audit_event_record
from hromada.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hromada.core.files import validate_image
from hromada.situation.models import OPEN_STATUSES, Address, AppealFact, Support


def _public_report_locked(appeal_id: int) -> Appeal:
    appeal = (
        Appeal.objects.select_for_update()
        .filter(pk=appeal_id, kind=Kind.PROBLEM_REPORT, is_public=True)
        .first()
    )
    if appeal is None:
        raise NotFound(_("No such report on the public map."))
    return appeal


def _refuse_anonymous(actor: User | None) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Sign in to support a report."), code="not_authenticated")


def support_add(*, actor: User | None, appeal_id: int) -> Support:
    """Support a public problem report: once per person; the count raises its priority."""
    _refuse_anonymous(actor)
    with transaction.atomic():
        appeal = _public_report_locked(appeal_id)
        if not actor.has_perm("situation.support_report", appeal):
            raise PermissionDenied(
                _("You filed this report yourself; it already counts for you."),
                code="own_report",
            )
        fact = AppealFact.objects.filter(pk=appeal.pk).first()
        if fact is not None and fact.status not in OPEN_STATUSES:
            raise Conflict(_("This report is already closed; it can no longer be supported."))
        try:
            with transaction.atomic():
                support = Support.objects.create(appeal=appeal, user=actor)
        except IntegrityError as exc:
            raise Conflict(_("You already support this report."), code="already_supported") from exc
        Appeal.objects.filter(pk=appeal.pk).update(support_count=F("support_count") + 1)
        AppealFact.objects.filter(pk=appeal.pk).update(support_count=F("support_count") + 1)
        audit_event_record(actor=actor, action="situation.support_added", target=appeal)
    return support


def support_withdraw(*, actor: User | None, appeal_id: int) -> None:
    _refuse_anonymous(actor)
    with transaction.atomic():
        appeal = _public_report_locked(appeal_id)
        deleted, _rows = Support.objects.filter(appeal=appeal, user=actor).delete()
        if not deleted:
            raise Conflict(_("You do not support this report."), code="not_supported")
        Appeal.objects.filter(pk=appeal.pk, support_count__gt=0).update(
            support_count=F("support_count") - 1
        )
        AppealFact.objects.filter(pk=appeal.pk, support_count__gt=0).update(
            support_count=F("support_count") - 1
        )
        audit_event_record(actor=actor, action="situation.support_withdrawn", target=appeal)


def check_photos(photos: Sequence[UploadedFile]) -> None:
    limit = settings.SITUATION_PHOTOS_MAX
    if len(photos) > limit:
        raise ValidationFailed(
            ngettext(
                "At most %(count)d photo at once; you chose %(chosen)d.",
                "At most %(count)d photos at once; you chose %(chosen)d.",
                limit,
            )
            % {"count": limit, "chosen": len(photos)},
            field="photos",
        )
    for photo in photos:
        try:
            validate_image(photo, max_bytes=settings.APPEAL_ATTACHMENT_MAX_BYTES, field="photos")
        except ValidationFailed as exc:
            raise ValidationFailed(
                _("«%(name)s»: %(problem)s") % {"name": photo.name, "problem": exc.message},
                field="photos",
            ) from exc


def problem_report_file(
    *,
    actor: User | None,
    category: Category | None,
    subject: str,
    text: str,
    latitude: float | None,
    longitude: float | None,
    location_text: str = "",
    is_public: bool = True,
    photos: Sequence[UploadedFile] = (),
    channel: str = "web",
) -> Appeal:
    """File a problem report from the map: the photos checked, then the appeals' intake."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to report a problem."), code="not_authenticated")
    photos = list(photos)
    check_photos(photos)
    return appeal_submit(
        actor=actor,
        kind=Kind.PROBLEM_REPORT,
        subject=subject,
        text=text,
        channel=channel,
        category=category,
        latitude=latitude,
        longitude=longitude,
        location_text=location_text,
        is_public=is_public,
        files=photos,
    )


def address_clean(
    *, street: str, house: str, latitude: float, longitude: float, code: str | None = None
) -> dict:
    """The address's fields as the register keeps them, or the refusal of the first bad one."""
    street, house = street.strip(), house.strip()
    if not street or not house:
        raise ValidationFailed(_("Give the street and the house number."), field="street")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationFailed(_("The point has impossible coordinates."), field="latitude")
    values = {
        "street": street,
        "house": house,
        "latitude": latitude,
        "longitude": longitude,
        "search_text": f"{street} {house}".lower()[:240],
    }
    if code is not None:
        code = code.strip()
        if len(code) > 64:
            raise ValidationFailed(_("The register code is at most 64 characters."), field="code")
        values["code"] = code
    return values


def address_upsert(
    *,
    street: str,
    house: str,
    latitude: float,
    longitude: float,
    code: str | None = None,
    address: Address | None = None,
) -> Address:
    """Add an address to the register, or change it: ``address`` when one row is edited (its
    street may change too), otherwise the row of this street and house. ``code`` is the
    address's id in the city's master register; None keeps the code it has, "" clears it."""
    values = address_clean(
        street=street, house=house, latitude=latitude, longitude=longitude, code=code
    )
    try:
        with transaction.atomic():
            return _address_write(address=address, values=values)
    except IntegrityError as exc:  # another writer took the address or the code just now
        raise Conflict(
            _("Another address has this street and house number, or this register code.")
        ) from exc


def _address_write(*, address: Address | None, values: dict) -> Address:
    if address is None:
        address = (
            Address.objects.select_for_update()
            .filter(street=values["street"], house=values["house"])
            .first()
        )
    code = values.get("code")
    if code:
        holder = Address.objects.select_for_update().with_code(code)
        holder = (holder.exclude(pk=address.pk) if address else holder).first()
        if holder is not None:
            raise ValidationFailed(
                _("The register code %(code)s is already given to %(address)s.")
                % {"code": code, "address": holder},
                field="code",
                code="code_taken",
            )
    if address is None:
        return Address.objects.create(**values)
    for name, value in values.items():
        setattr(address, name, value)
    address.save()
    return address
