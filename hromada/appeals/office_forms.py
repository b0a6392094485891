"""Forms of the back office: they parse what staff typed into the arguments of one service.

Validation of the domain (states, rights, deadlines, files) stays in services.py; these forms
only check the shape of the input and look up the objects it names.
"""

from datetime import date

from django import forms
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hromada.accounts.models import User
from hromada.appeals import selectors
from hromada.appeals.models import Appeal, CallBack, Category, Channel, Kind, State
from hromada.appeals.services import (
    COMMENT_MAX,
    NOT_CONSIDERED_REASONS,
    STAFF_CHANNELS,
    SUBJECT_MAX,
    TEXT_MAX,
    AuthorDetails,
)
from hromada.core import deadlines
from hromada.core.errors import ValidationFailed
from hromada.core.models import District
from hromada.core.widgets import QuickSelect
from hromada.directory.models import Addressee, Membership

# A journal for more than a year is a report, not an export; and it must stay a quick one.
JOURNAL_MAX_MONTHS = 12
BULK_MAX = 200


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; their content is checked by the service."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class IdListField(forms.Field):
    """The ticked rows of the queue: a list of appeal ids."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        try:
            ids = [int(item) for item in value]
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(_("The list of appeals is not valid.")) from exc
        if any(not 0 < pk < 2**31 for pk in ids):
            raise forms.ValidationError(_("The list of appeals is not valid."))
        return list(dict.fromkeys(ids))


def _addressees():
    return Addressee.objects.only("pk", "name").order_by("name", "pk")


def addressee_names() -> list[tuple[int, str]]:
    """(pk, name) of every addressee, for the pickers of the queue page: read once per page
    and shared by its forms, without building a model instance per option."""
    return list(_addressees().values_list("pk", "name"))


def _text(label, *, required=False, max_length=COMMENT_MAX, rows=3, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _blank(label, choices):
    return [("", label), *choices]


# --- The queue --------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    queue = forms.ChoiceField(
        choices=list(selectors.QUEUES.items()),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("No such queue.")},
    )
    q = forms.CharField(
        label=_("Number, text or author"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=_blank(_("Any kind"), Kind.choices),
        widget=QuickSelect,
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=_blank(_("Any state"), State.choices),
        widget=QuickSelect,
    )
    addressee = forms.ModelChoiceField(
        label=_("Addressee"),
        required=False,
        queryset=_addressees(),
        empty_label=_("Any addressee"),
        widget=QuickSelect,
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.order_by("order", "name"),
        empty_label=_("Any category"),
        widget=QuickSelect,
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        required=False,
        queryset=District.objects.order_by("name"),
        empty_label=_("Any district"),
        widget=QuickSelect,
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=_blank(_("Any channel"), Channel.choices),
        widget=QuickSelect,
    )
    received_from = forms.DateField(label=_("Received from"), required=False, widget=DateInput)
    received_to = forms.DateField(label=_("Received to"), required=False, widget=DateInput)
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("", _("Earliest deadline first")),
            ("support", _("Most supported first")),
        ],
        error_messages={"invalid_choice": _("Choose the order from the list.")},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("The end of the period comes before its start."))
        return cleaned

    def __init__(self, *args, addressees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if addressees is not None:
            self.fields["addressee"].choices = _blank(_("Any addressee"), addressees)

    def filters(self) -> selectors.Filters:
        data = self.cleaned_data
        return selectors.Filters(
            kind=data["kind"],
            state=data["state"],
            addressee_id=data["addressee"].pk if data["addressee"] else None,
            category_id=data["category"].pk if data["category"] else None,
            district_id=data["district"].pk if data["district"] else None,
            channel=data["channel"],
            received_from=data["received_from"],
            received_to=data["received_to"],
            query=data["q"],
            sort=data["sort"],
        )

    @property
    def is_filtering(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(value for name, value in data.items() if name != "queue")

    @property
    def narrows(self) -> bool:
        """Whether a filter beyond the search box is set (the page unfolds them)."""
        data = getattr(self, "cleaned_data", {})
        return any(value for name, value in data.items() if name not in ("queue", "q"))


BULK_CHOICES = [
    ("assign", _("Assign to an executor")),
    ("route", _("Send to another addressee")),
    ("start", _("Take into work")),
    ("close", _("Close (answered)")),
]


class BulkForm(forms.Form):
    appeals = IdListField(label=_("Appeals"), required=False)
    action = forms.ChoiceField(
        label=_("Action"), choices=_blank(_("Choose…"), BULK_CHOICES), widget=QuickSelect
    )
    executor = forms.ModelChoiceField(
        label=_("Executor"),
        required=False,
        queryset=User.objects.filter(memberships__isnull=False, is_active=True).distinct(),
        help_text=_("For “assign”: a member of staff of each appeal's addressee."),
        widget=QuickSelect,
    )
    addressee = forms.ModelChoiceField(
        label=_("Addressee"),
        required=False,
        queryset=_addressees(),
        empty_label=_("Choose…"),
        help_text=_("For “send to another addressee”."),
        widget=QuickSelect,
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=COMMENT_MAX)
    # The queue's filters, to come back to the same list.
    return_query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, executors=None, addressees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if executors is not None:
            self.fields["executor"].choices = executors
        if addressees is not None:
            self.fields["addressee"].choices = _blank(_("Choose…"), addressees)

    def clean(self):
        cleaned = super().clean()
        ids = cleaned.get("appeals")
        if "appeals" in cleaned and not ids:
            self.add_error(None, _("Tick at least one appeal."))
        elif ids and len(ids) > BULK_MAX:
            self.add_error(None, _("At most %(count)d appeals at once.") % {"count": BULK_MAX})
        action = cleaned.get("action")
        if action == "assign" and not cleaned.get("executor"):
            self.add_error("executor", _("Choose the executor."))
        if action == "route" and not cleaned.get("addressee"):
            self.add_error("addressee", _("Choose the addressee."))
        return cleaned

    def arguments(self) -> dict:
        data = self.cleaned_data
        action = data["action"]
        if action == "assign":
            return {"executor": data["executor"], "comment": data["comment"]}
        if action == "route":
            return {"addressee": data["addressee"], "comment": data["comment"]}
        if action == "close":
            return {"comment": data["comment"]}
        return {}


def executor_choices(addressee_ids) -> list:
    """Staff of these addressees, grouped by addressee, for the bulk "assign" select."""
    groups: dict[str, list] = {}
    memberships = (
        Membership.objects.filter(addressee_id__in=addressee_ids, user__is_active=True)
        .select_related("user", "addressee")
        .order_by("addressee__name", "user__last_name", "user__first_name")
    )
    for membership in memberships:
        groups.setdefault(membership.addressee.name, []).append(
            (membership.user_id, str(membership.user))
        )
    return [("", _("Choose…")), *groups.items()]


# --- One appeal's actions ---------------------------------------------------------------------


class ActionForm(forms.Form):
    """A form of one action on ``appeal`` by ``user``; ``arguments()`` feeds the service."""

    def __init__(self, *args, appeal: Appeal, user: User, **kwargs):
        self.appeal = appeal
        self.user = user
        super().__init__(*args, **kwargs)

    def arguments(self) -> dict:
        return dict(self.cleaned_data)


class RegisterForm(ActionForm):
    addressee = forms.ModelChoiceField(
        label=_("Addressee"),
        required=False,
        queryset=_addressees(),
        empty_label=_("Keep the one routing chose"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("Keep as it is"),
    )
    is_simple = forms.BooleanField(required=False)
    comment = _text(_("Internal note (staff only)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressee"].initial = self.appeal.addressee_id
        if self.appeal.addressee_id is None:
            self.fields["addressee"].empty_label = _("Choose…")
        self.fields["category"].initial = self.appeal.category_id
        offer_simple(self)

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "addressee": data["addressee"],
            "category": data["category"],
            "is_simple": data["is_simple"] if "is_simple" in self.fields else None,
            "comment": data["comment"],
        }


class RouteForm(ActionForm):
    addressee = forms.ModelChoiceField(label=_("Send to"), queryset=_addressees())
    comment = _text(_("Why (internal)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.appeal.addressee_id:
            self.fields["addressee"].queryset = _addressees().exclude(pk=self.appeal.addressee_id)


def offer_simple(form) -> None:
    """The "needs no extra study" choice, where the law allows it (art. 20: 15 days) and the
    deadline was not extended yet."""
    if form.appeal.kind in deadlines.APPEAL_KINDS and not form.appeal.extended_at:
        form.fields["is_simple"].initial = form.appeal.is_simple
        form.fields["is_simple"].label = ngettext(
            "Needs no extra study: answer within %(days)d day (Law 393/96-ВР art. 20)",
            "Needs no extra study: answer within %(days)d days (Law 393/96-ВР art. 20)",
            settings.APPEAL_SIMPLE_DEADLINE_DAYS,
        ) % {"days": settings.APPEAL_SIMPLE_DEADLINE_DAYS}
    else:
        del form.fields["is_simple"]


class AssignForm(ActionForm):
    executor = forms.ModelChoiceField(label=_("Executor"), queryset=User.objects.none())
    is_simple = forms.BooleanField(required=False)
    comment = _text(_("Note for the executor (staff only)"))

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "executor": data["executor"],
            "is_simple": data["is_simple"] if "is_simple" in self.fields else None,
            "comment": data["comment"],
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_simple(self)
        self.fields["executor"].queryset = User.objects.filter(
            memberships__addressee_id=self.appeal.addressee_id, is_active=True
        ).order_by("last_name", "first_name", "pk")
        self.fields["executor"].help_text = _("Staff of %(addressee)s.") % {
            "addressee": self.appeal.addressee
        }
        self.fields["executor"].initial = self.appeal.executor_id


class StartForm(ActionForm):
    pass


class AnswerForm(ActionForm):
    text = _text(_("Answer"), required=True, max_length=TEXT_MAX, rows=8)
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_("Pictures, PDF or office documents."),
    )


def extension_limit(appeal: Appeal) -> tuple[date | None, str]:
    """The latest due date the law allows for this appeal, or why it cannot be extended."""
    if appeal.is_urgent:
        return None, str(_("An urgent request cannot be extended."))
    current = deadlines.Deadline(appeal.due_at, "", working_days=False)
    try:
        latest = deadlines.extend(current, appeal.term_start, kind=appeal.kind)
    except ValidationFailed as exc:
        return None, exc.message
    return latest.due_at.astimezone(deadlines.KYIV).date(), str(latest.basis)


class ExtendForm(ActionForm):
    new_due = forms.DateField(label=_("New due date"), required=False, widget=DateInput)
    reason = _text(_("Reason (the author is told)"), required=True)

    def __init__(self, *args, limit: date | None = None, basis: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if limit:
            self.fields["new_due"].help_text = _(
                "Empty: the latest the law allows, %(date)s. %(basis)s."
            ) % {"date": formats.date_format(limit), "basis": basis}
            self.fields["new_due"].widget.attrs["max"] = limit.isoformat()


def _term(limit: deadlines.Deadline) -> str:
    """A statutory term as help text: until which day, and why."""
    return _("Until %(date)s. %(basis)s.") % {
        "date": formats.date_format(limit.due_at.astimezone(deadlines.KYIV).date()),
        "basis": limit.basis,
    }


class ReturnForm(ActionForm):
    comment = _text(_("What is missing (the author is told)"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = deadlines.appeal_return_deadline(self.appeal.received_at)
        self.fields["comment"].help_text = _term(limit)

    def arguments(self) -> dict:
        return {"explanation": self.cleaned_data["comment"]}


class ForwardForm(ActionForm):
    forwarded_to = forms.CharField(label=_("To which body"), max_length=300)
    comment = _text(_("Comment for the author"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = deadlines.appeal_forward_deadline(self.appeal.received_at)
        self.fields["forwarded_to"].help_text = _term(limit)

    def arguments(self) -> dict:
        return {"to": self.cleaned_data["forwarded_to"], "comment": self.cleaned_data["comment"]}


class NotConsiderForm(ActionForm):
    reason = forms.ChoiceField(
        label=_("Case of Law 393/96-ВР art. 8"),
        choices=list(NOT_CONSIDERED_REASONS.items()),
        widget=forms.RadioSelect,
    )
    comment = _text(_("Comment for the author"))


class DuplicateForm(ActionForm):
    original = forms.CharField(
        label=_("Number of the original appeal"),
        max_length=40,
        help_text=_("For example Х-2026-000123."),
    )
    comment = _text(_("Comment for the author"))

    def clean_original(self) -> Appeal:
        number = self.cleaned_data["original"].strip()
        # Exact matches use the unique index; numbers are issued in upper case.
        original = (
            selectors.appeals_visible_to(self.user)
            .filter(number__in={number, number.upper()})
            .first()
        )
        if original is None:
            raise forms.ValidationError(_("No appeal you may see has this number."))
        return original

    def arguments(self) -> dict:
        return {
            "original_id": self.cleaned_data["original"].pk,
            "comment": self.cleaned_data["comment"],
        }


class ReopenForm(ActionForm):
    reason = _text(_("Why it is considered again"), required=True)


class CloseForm(ActionForm):
    comment = _text(_("Comment"))


class CallBackForm(ActionForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CallBack.Outcome.choices, widget=forms.RadioSelect
    )
    note = _text(_("Note"))


class CommentForm(ActionForm):
    comment = _text(_("Internal note (staff only)"), required=True)


# --- Registration on behalf of a citizen ------------------------------------------------------


def kinds_registrable_by(user: User) -> list[tuple[str, str]]:
    return [
        (value, label)
        for value, label in Kind.choices
        if user.has_perm("appeals.register_appeal", Appeal(kind=value))
    ]


class OnBehalfForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[(c.value, c.label) for c in STAFF_CHANNELS],
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(label=_("Kind"))
    last_name = forms.CharField(label=_("Surname"), required=False, max_length=100)
    first_name = forms.CharField(label=_("First name"), required=False, max_length=100)
    patronymic = forms.CharField(label=_("Patronymic"), required=False, max_length=100)
    address = forms.CharField(label=_("Place of residence"), required=False, max_length=300)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    is_anonymous = forms.BooleanField(
        label=_("Anonymous report of possible corruption"), required=False
    )
    has_benefits = forms.BooleanField(
        label=_("The author has statutory benefits (served first)"), required=False
    )
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    text = _text(_("Text of the appeal"), required=True, max_length=TEXT_MAX, rows=8)
    addressee = forms.ModelChoiceField(
        label=_("Addressee"),
        required=False,
        queryset=_addressees(),
        empty_label=_("Route by category and place"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("None"),
    )
    location_text = forms.CharField(label=_("Address or place"), required=False, max_length=300)
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        help_text=_("For a problem report: the point on the map."),
    )
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    is_urgent = forms.BooleanField(
        label=_("Urgent request for public information (48 hours)"), required=False
    )
    urgency_reason = _text(_("Why it is urgent"))
    decision_date = forms.DateField(
        label=_("Complaint: date of the decision"), required=False, widget=DateInput
    )
    learned_date = forms.DateField(
        label=_("Complaint: date the author learned of it"), required=False, widget=DateInput
    )
    files = MultipleFileField(
        label=_("Scans and files"),
        required=False,
        help_text=_("Pictures, PDF or office documents."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        kinds = kinds_registrable_by(user)
        self.fields["kind"].choices = kinds
        if Kind.CORRUPTION_REPORT not in dict(kinds):
            del self.fields["is_anonymous"]

    def clean(self):
        cleaned = super().clean()
        anonymous = cleaned.get("is_anonymous", False)
        if anonymous and cleaned.get("kind") != Kind.CORRUPTION_REPORT:
            self.add_error(
                "is_anonymous", _("Only a report of possible corruption may be anonymous.")
            )
        if anonymous and any(
            cleaned.get(name) for name in ("last_name", "first_name", "patronymic")
        ):
            self.add_error("is_anonymous", _("An anonymous report is registered without a name."))
        return cleaned

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "channel": data["channel"],
            "subject": data["subject"],
            "text": data["text"],
            "addressee": data["addressee"],
            "category": data["category"],
            "location_text": data["location_text"],
            "latitude": data["latitude"],
            "longitude": data["longitude"],
            "is_urgent": data["is_urgent"],
            "urgency_reason": data["urgency_reason"],
            "is_anonymous": data.get("is_anonymous", False),
            "has_benefits": data["has_benefits"],
            "decision_date": data["decision_date"],
            "learned_date": data["learned_date"],
            "files": data["files"],
            "on_behalf": AuthorDetails(
                last_name=data["last_name"],
                first_name=data["first_name"],
                patronymic=data["patronymic"],
                address=data["address"],
                email=data["email"],
                phone=data["phone"],
            ),
        }


# --- The journal ------------------------------------------------------------------------------


class JournalForm(forms.Form):
    received_from = forms.DateField(label=_("Received from"), widget=DateInput)
    received_to = forms.DateField(label=_("Received to"), widget=DateInput)
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("csv", _("CSV (text, for any program)")), ("xlsx", _("Excel workbook (XLSX)"))],
        widget=forms.RadioSelect,
        initial="csv",
        required=False,
    )

    def clean_format(self) -> str:
        return self.cleaned_data["format"] or "csv"

    @classmethod
    def initial_period(cls) -> dict:
        today = timezone.localdate()
        return {"received_from": today.replace(day=1), "received_to": today, "format": "csv"}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end:
            if start > end:
                self.add_error("received_to", _("The end of the period comes before its start."))
            elif end >= deadlines.add_months(start, JOURNAL_MAX_MONTHS):
                self.add_error("received_to", _("A journal covers one year at most."))
        return cleaned
