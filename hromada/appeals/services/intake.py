"""Accepting appeals: from a citizen, or registered by an operator on a citizen's behalf."""

from collections.abc import Sequence
from datetime import date, datetime
from functools import partial

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.accounts.models import User
from hromada.accounts.selectors import profile_missing_fields
from hromada.appeals import routing
from hromada.appeals.models import (
    OPEN_STATES,
    Appeal,
    Category,
    Channel,
    Event,
    Kind,
    Signer,
    State,
)
from hromada.appeals.notifications import (
    addressee_recipients,
    author_recipients,
    department_recipients,
    notify,
)
from hromada.appeals.services.common import (
    STAFF_CHANNELS,
    SUBJECT_MAX,
    TEXT_MAX,
    AuthorDetails,
    _check_files,
    _clean_text,
    _event,
    _files_removed_on_failure,
    _flag_if_repeated,
    _lock,
    _next_number,
    _search_text,
    _store_attachments,
)
from hromada.core import deadlines
from hromada.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hromada.core.selectors import district_for_point
from hromada.directory.models import Addressee
from hromada.integrations import hooks as webhook_hooks


def appeal_submit(
    *,
    actor: User | None,
    kind: str,
    subject: str,
    text: str,
    channel: str = Channel.WEB,
    addressee: Addressee | None = None,
    category: Category | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    location_text: str = "",
    is_public: bool = False,
    is_urgent: bool = False,
    urgency_reason: str = "",
    is_anonymous: bool = False,
    has_benefits: bool = False,
    co_signers: Sequence[str] = (),
    complaint_about: Appeal | None = None,
    decision_date: date | None = None,
    learned_date: date | None = None,
    files: Sequence[UploadedFile] = (),
    on_behalf: AuthorDetails | None = None,
    via_partner: bool = False,
    received_at: datetime | None = None,
    origin: dict | None = None,
    origin_note: str = "",
) -> Appeal:
    """Accept an appeal from a citizen (``actor``), or register one an operator received by
    phone, post, e-mail or in person (``on_behalf``): number, route, deadline, notify.

    ``via_partner``: a partner organisation's system files ``on_behalf`` of a resident through
    the API (Open311); the caller has checked the partner's API key, which vouches for it.

    ``origin`` (stored with the submitted event) and ``origin_note`` (shown on the timeline)
    say where another app took the appeal in, e.g. a survey's complaint form."""
    if kind not in Kind.values:
        raise ValidationFailed(_("Choose the kind of appeal."), field="kind")
    subject = _clean_text(subject, field="subject", label=_("subject"), max_length=SUBJECT_MAX)
    text = _clean_text(text, field="text", label=_("text of the appeal"), max_length=TEXT_MAX)
    location_text = _clean_text(
        location_text,
        field="location_text",
        label=_("address or place"),
        max_length=300,
        required=False,
    )
    signed_in = actor is not None and actor.is_authenticated
    author: User | None = None
    registered_by: User | None = None

    if is_anonymous and kind != Kind.CORRUPTION_REPORT:
        raise ValidationFailed(
            _(
                "Only a report of possible corruption may be anonymous (the Law on Prevention "
                "of Corruption); Law 393/96-ВР art. 8 leaves other anonymous appeals "
                "unconsidered."
            ),
            field="is_anonymous",
        )
    if on_behalf is not None:
        if via_partner:
            if channel != Channel.API or is_anonymous:
                raise ValidationFailed(_("A partner files through the API, never anonymously."))
        elif not signed_in or not actor.has_perm("appeals.register_appeal", Appeal(kind=kind)):
            raise PermissionDenied(_("Only the appeals department registers appeals for citizens."))
        elif channel not in STAFF_CHANNELS:
            raise ValidationFailed(
                _("Say how the appeal was received: phone, post, e-mail or in person."),
                field="channel",
            )
        else:
            registered_by = actor
        details = AuthorDetails(last_name="", first_name="") if is_anonymous else on_behalf
        if kind != Kind.CORRUPTION_REPORT and not (details.last_name and details.first_name):
            raise ValidationFailed(
                _("Law 393/96-ВР art. 5: write down the author's surname and first name."),
                field="last_name",
            )
        if kind != Kind.CORRUPTION_REPORT and not (
            details.address or details.email or details.phone
        ):
            raise ValidationFailed(
                _("Write down where to send the answer: an address, an e-mail or a phone."),
                field="address",
            )
        # The resident follows it in their cabinet when the e-mail is an account's verified
        # one: the notices go to that address anyway, so the link reveals nothing more.
        # Not for a partner: anyone could type a resident's e-mail into a partner's app.
        if details.email and not is_anonymous and not via_partner:
            author = _account_with_verified_email(details.email)
    elif is_anonymous:
        details = AuthorDetails(last_name="", first_name="")
        # The reporter's identity is recorded nowhere, not even as the actor of an event.
        actor = None
    else:
        if not signed_in:
            raise PermissionDenied(_("Sign in to file an appeal."))
        missing = profile_missing_fields(actor)
        if missing:
            raise ValidationFailed(
                _("Complete your profile first; missing: %(fields)s.")
                % {"fields": ", ".join(str(label) for _name, label in missing)},
                code="profile_incomplete",
                extra={"missing": [name for name, _label in missing]},
            )
        author = actor
        details = AuthorDetails(
            last_name=actor.last_name,
            first_name=actor.first_name,
            patronymic=actor.patronymic,
            address=actor.postal_address,
            email=actor.email,
            phone=str(actor.phone or ""),
        )
        if channel in STAFF_CHANNELS:
            channel = Channel.WEB

    if is_public and kind != Kind.PROBLEM_REPORT:
        raise ValidationFailed(_("Only a problem report can be public."), field="is_public")
    if is_urgent and kind != Kind.PUBLIC_INFORMATION:
        raise ValidationFailed(
            _("Only a request for public information can be urgent."), field="is_urgent"
        )
    if is_urgent:
        urgency_reason = _clean_text(
            urgency_reason, field="urgency_reason", label=_("why it is urgent"), max_length=2000
        )
    else:
        urgency_reason = ""
    if category is not None and not category.is_active:
        raise ValidationFailed(_("This category is no longer offered."), field="category")
    if kind == Kind.PROBLEM_REPORT and category is not None and not category.for_problem_reports:
        raise ValidationFailed(
            _("This category is not for problem reports; choose another."), field="category"
        )
    if (
        kind == Kind.PROBLEM_REPORT
        and category is None
        and Category.objects.filter(is_active=True, for_problem_reports=True).exists()
    ):
        raise ValidationFailed(_("Choose the category of the problem."), field="category")

    if (latitude is None) != (longitude is None):
        raise ValidationFailed(_("Give both the latitude and the longitude."), field="location")
    district = None
    if latitude is not None:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValidationFailed(_("The point has impossible coordinates."), field="location")
        district = district_for_point(lat=latitude, lon=longitude)
        if district is None:
            raise ValidationFailed(
                _("The point lies outside the community: choose a place within it."),
                field="location",
            )
    elif kind == Kind.PROBLEM_REPORT:
        raise ValidationFailed(_("Put the problem on the map."), field="location")

    if addressee is not None and not addressee.is_published and registered_by is None:
        raise ValidationFailed(_("This addressee does not accept appeals."), field="addressee")
    if kind == Kind.COMPLAINT:
        today = timezone.localdate()
        for name, value in (("decision_date", decision_date), ("learned_date", learned_date)):
            if value and value > today:
                raise ValidationFailed(_("The date cannot be in the future."), field=name)
        if decision_date and learned_date and learned_date < decision_date:
            raise ValidationFailed(
                _("One cannot learn of a decision before it was taken."), field="learned_date"
            )
    if complaint_about is not None and (
        kind != Kind.COMPLAINT
        or complaint_about.author_id is None
        or complaint_about.author_id != (author.pk if author else None)
    ):
        raise ValidationFailed(
            _("A complaint about an answer is filed by that appeal's author."),
            field="complaint_about",
        )
    files = list(files)
    _check_files(files)
    signer_users = _co_signers(co_signers, author=author) if co_signers else []

    received_at = received_at or timezone.now()
    with _files_removed_on_failure(), transaction.atomic():
        if kind == Kind.CORRUPTION_REPORT:
            decision = routing.Decision(
                None,
                None,
                _("A report of possible corruption goes to the designated officers only."),
            )
            if addressee is not None:
                decision = routing.Decision(addressee, None, _("Chosen by the author."))
        elif addressee is not None:
            decision = routing.Decision(addressee, None, _("Chosen by the author."))
        else:
            decision = routing.route(category=category, district=district)
        deadline = deadlines.deadline_for(kind, received_at, urgent=is_urgent)
        direct = (
            settings.APPEAL_PROCESSING_MODE == "direct" or registered_by is not None
        ) and decision.addressee is not None
        appeal = Appeal(
            number=_next_number(kind=kind, last_name=details.last_name, received_at=received_at),
            kind=kind,
            state=State.REGISTERED if direct else State.SUBMITTED,
            channel=channel,
            is_collective=bool(signer_users),
            subject=subject,
            text=text,
            category=category,
            addressee=decision.addressee,
            district=district,
            latitude=latitude,
            longitude=longitude,
            location_text=location_text,
            is_public=is_public,
            is_urgent=is_urgent,
            urgency_reason=urgency_reason,
            has_benefits=has_benefits,
            complaint_about=complaint_about,
            decision_date=decision_date if kind == Kind.COMPLAINT else None,
            learned_date=learned_date if kind == Kind.COMPLAINT else None,
            author=author,
            author_last_name=details.last_name.strip()[:100],
            author_first_name=details.first_name.strip()[:100],
            author_patronymic=details.patronymic.strip()[:100],
            author_address=details.address.strip()[:300],
            author_email=details.email.strip()[:254],
            author_phone=details.phone.strip()[:32],
            is_anonymous=is_anonymous,
            registered_by=registered_by,
            received_at=received_at,
            registered_at=received_at if direct else None,
            due_at=deadline.due_at,
            routing_rule=decision.rule,
            routing_reason=decision.reason[:300],
        )
        appeal.search_text = _search_text(appeal)
        appeal.save()
        _store_attachments(appeal, files, actor=actor)
        for user in signer_users:
            Signer.objects.create(appeal=appeal, user=user)
        submitted = _event(
            appeal,
            actor=actor,
            action=Event.Action.SUBMITTED,
            to_state=State.SUBMITTED,
            comment=origin_note,
            channel=channel,
            registered_by=registered_by.pk if registered_by else None,
            **({"origin": origin} if origin else {}),
        )
        _event(
            appeal,
            actor=None,
            action=Event.Action.ROUTED,
            to_state=State.SUBMITTED,
            is_public=False,
            addressee=decision.addressee.pk if decision.addressee else None,
            rule=decision.rule.pk if decision.rule else None,
            reason=decision.reason,
        )
        if direct:
            _event(
                appeal,
                actor=registered_by,
                action=Event.Action.REGISTERED,
                from_state=State.SUBMITTED,
            )
        if (
            kind == Kind.COMPLAINT
            and decision_date
            and learned_date
            and not deadlines.complaint_filed_in_time(
                decision_date, learned_date, received_at.astimezone(deadlines.KYIV).date()
            )
        ):
            _event(
                appeal,
                actor=None,
                action=Event.Action.COMMENTED,
                is_public=False,
                comment=_(
                    "Filed after the term of Law 393/96-ВР art. 17: it may be left "
                    "unconsidered (art. 8)."
                ),
            )
        _flag_if_repeated(appeal)

        notify(
            appeal=appeal,
            template="accepted",
            recipients=author_recipients(appeal),
            event=submitted,
        )
        for user in signer_users:
            notify(appeal=appeal, template="sign_request", recipients=[user.email], event=submitted)
        # The officers hear of every report of possible corruption at once; nobody else does.
        if direct or kind == Kind.CORRUPTION_REPORT:
            notify(
                appeal=appeal,
                template="new_for_addressee",
                recipients=addressee_recipients(appeal),
                event=submitted,
            )
        notify(
            appeal=appeal,
            template="department_copy",
            recipients=department_recipients(appeal),
            event=submitted,
        )
        transaction.on_commit(partial(webhook_hooks.appeal_created, appeal.pk), robust=True)
    return appeal


def _co_signers(emails: Sequence[str], *, author: User | None) -> list[User]:
    if author is None:
        raise ValidationFailed(
            _("Only a signed-in author can invite co-signers."), field="co_signers"
        )
    wanted = list(dict.fromkeys(e.strip().lower() for e in emails if e and e.strip()))
    if len(wanted) > 100:
        raise ValidationFailed(_("At most 100 co-signers."), field="co_signers")
    # E-mails are stored as typed and unique case-insensitively.
    users = {
        user.email_lower: user
        for user in User.objects.annotate(email_lower=Lower("email")).filter(
            email_lower__in=wanted, is_active=True
        )
    }
    unknown = [e for e in wanted if e not in users]
    if unknown:
        raise ValidationFailed(
            _(
                "No resident is registered with: %(emails)s. Co-signers confirm from their own "
                "accounts."
            )
            % {"emails": ", ".join(unknown)},
            field="co_signers",
        )
    if author.email.lower() in users:
        raise ValidationFailed(_("You are the author; do not list yourself."), field="co_signers")
    return list(users.values())


def _account_with_verified_email(email: str) -> User | None:
    address = (
        EmailAddress.objects.filter(
            email__iexact=email.strip(), verified=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    return address.user if address else None


def signer_confirm(*, appeal_id: int, user: User) -> Signer:
    with transaction.atomic():
        appeal = _lock(appeal_id)
        signer = Signer.objects.filter(appeal=appeal, user=user).first()
        if signer is None:
            raise NotFound(_("No such appeal."))
        if signer.confirmed_at:
            raise Conflict(_("You have already signed this appeal."))
        # Law 393/96-ВР art. 5: each signer of a collective appeal gives what an author does.
        missing = profile_missing_fields(user)
        if missing:
            raise ValidationFailed(
                _("Complete your profile first; missing: %(fields)s.")
                % {"fields": ", ".join(str(label) for _name, label in missing)},
                code="profile_incomplete",
                extra={"missing": [name for name, _label in missing]},
            )
        if appeal.state not in OPEN_STATES:
            raise Conflict(_("The appeal is already decided; it can no longer be signed."))
        signer.confirmed_at = timezone.now()
        signer.save(update_fields=["confirmed_at"])
        _event(appeal, actor=user, action=Event.Action.SIGNED, is_public=True)
    return signer


# --- Transitions ----------------------------------------------------------------------------
