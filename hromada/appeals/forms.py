"""The citizen's forms: filing an appeal, rating an answer, disputing it.

The forms only parse what was typed; every rule of the law is checked by the services, whose
refusals the views put beside the field they concern.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hromada.appeals.models import Appeal, Category, Kind
from hromada.appeals.services import COMMENT_MAX, SUBJECT_MAX, TEXT_MAX
from hromada.core import deadlines
from hromada.directory.models import Addressee

# What each kind means, in plain words, for a person choosing one.
KIND_EXPLANATIONS = {
    Kind.PROPOSAL: _(
        "An idea or a remark on how the council, its services or the city could work better."
    ),
    Kind.APPLICATION: _(
        "A request to help you exercise a right or solve a question: a repair, a certificate, "
        "a permit, help."
    ),
    Kind.COMPLAINT: _(
        "You disagree with a decision, an action or an inaction of an official, or with an "
        "answer you were given, and ask to put it right."
    ),
    Kind.PROBLEM_REPORT: _(
        "Something in the city is broken or dangerous: a pothole, a dark street lamp, rubbish "
        "not taken away. Put it on the map and add a photo."
    ),
    Kind.PUBLIC_INFORMATION: _(
        "Ask for documents or information the council holds (Law on Access to Public Information)."
    ),
    Kind.CORRUPTION_REPORT: _(
        "Report possible corruption of an official. You may stay anonymous; who you are is "
        "kept confidential."
    ),
}
# Which fields a kind uses: the page shows them for that kind only (all of them without
# JavaScript, each with a hint saying for which kind it is).
KIND_FIELDS = {
    "location": (Kind.PROBLEM_REPORT,),
    "urgency": (Kind.PUBLIC_INFORMATION,),
    "complaint": (Kind.COMPLAINT,),
    "anonymity": (Kind.CORRUPTION_REPORT,),
    "co_signers": (
        Kind.PROPOSAL,
        Kind.APPLICATION,
        Kind.COMPLAINT,
        Kind.PROBLEM_REPORT,
        Kind.PUBLIC_INFORMATION,
    ),
}
# Service refusals name a field the form calls otherwise.
FIELD_ALIASES = {"location": "latitude", "learned_on": "learned_date"}
# What the file picker offers; the content is what the service checks.
ACCEPTED_FILES = ",".join(
    [
        "image/jpeg",
        "image/png",
        "image/webp",
        "application/pdf",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".ppt",
        ".pptx",
        ".odt",
        ".ods",
        ".odp",
    ]
)


def kind_guide() -> list[dict]:
    """Each kind with its explanation and its legal deadline as of now."""
    now = timezone.now()
    guide = []
    for value, label in Kind.choices:
        basis = deadlines.deadline_for(value, now).basis
        urgent = (
            deadlines.deadline_for(value, now, urgent=True).basis
            if value == Kind.PUBLIC_INFORMATION
            else ""
        )
        guide.append(
            {
                "value": value,
                "label": label,
                "explanation": KIND_EXPLANATIONS[value],
                "deadline": basis,
                "urgent_deadline": urgent,
            }
        )
    return guide


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the count and the size are checked here, the content by
    the service."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > settings.APPEAL_ATTACHMENTS_MAX:
            raise ValidationError(
                ngettext(
                    "At most %(count)d file may be attached.",
                    "At most %(count)d files may be attached.",
                    settings.APPEAL_ATTACHMENTS_MAX,
                ),
                params={"count": settings.APPEAL_ATTACHMENTS_MAX},
            )
        limit = settings.APPEAL_ATTACHMENT_MAX_BYTES
        for upload in files:
            super().clean(upload, initial)
            if upload.size > limit:
                raise ValidationError(
                    _("«%(name)s» is too large: at most %(size)d MB."),
                    params={"name": upload.name, "size": limit // 1_000_000},
                )
        return files


def files_help() -> str:
    return ngettext(
        "Photos (JPEG, PNG, WebP), PDF or office documents; one file of at most %(size)d MB.",
        "Photos (JPEG, PNG, WebP), PDF or office documents; up to %(count)d files, each at "
        "most %(size)d MB.",
        settings.APPEAL_ATTACHMENTS_MAX,
    ) % {
        "count": settings.APPEAL_ATTACHMENTS_MAX,
        "size": settings.APPEAL_ATTACHMENT_MAX_BYTES // 1_000_000,
    }


class AddresseeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Addressee) -> str:
        if obj.person_name and obj.person_name not in obj.name:
            return f"{obj.name} ({obj.person_name})"
        return obj.name


class AppealForm(forms.Form):
    """An appeal of any kind from a signed-in resident with a complete profile."""

    kind = forms.ChoiceField(
        label=_("Kind of appeal"),
        choices=[("", _("Choose the kind")), *Kind.choices],
        help_text=_("What each kind means, and when the answer is due, is told below the list."),
    )
    addressee = AddresseeChoiceField(
        label=_("To whom"),
        queryset=Addressee.objects.none(),
        required=False,
        empty_label=_("Let the platform decide (electronic dispatcher)"),
        help_text=_(
            "If you do not know whom to write to, leave the electronic dispatcher: it sends the "
            "appeal by its category and place, or the appeals department does."
        ),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("No category"),
        help_text=_("Required for a problem report; helps to route any appeal."),
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX,
        help_text=_("In a few words, for example: “The street lamp at Shevchenka St. 5 is off”."),
    )
    text = forms.CharField(
        label=_("Text of the appeal"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happened, where and since when, and what you ask for."),
    )
    # Problem reports.
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text=_("For example 49.0667."),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text=_("For example 33.4167."),
    )
    location_text = forms.CharField(
        label=_("Address or place"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("For example: the yard of Soborna St. 12, by the playground."),
    )
    is_public = forms.BooleanField(
        label=_("Show the problem on the public city map"),
        required=False,
        help_text=_("Your name is never shown; the place, the text and the photos are."),
    )
    # Requests for public information.
    is_urgent = forms.BooleanField(
        label=_("Urgent: answer within 48 hours"),
        required=False,
        help_text=_(
            "Only when the information is needed to protect life or liberty, or concerns the "
            "environment, food safety, an accident or an emergency."
        ),
    )
    urgency_reason = forms.CharField(
        label=_("Why it is urgent"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Complaints (Law 393/96-ВР art. 17).
    decision_date = forms.DateField(
        label=_("Date of the decision you complain of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    learned_date = forms.DateField(
        label=_("Date you learned of it"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "A complaint is filed within a year of the decision and no later than a month "
            "after you learned of it."
        ),
    )
    # Reports of possible corruption.
    is_anonymous = forms.BooleanField(
        label=_("File anonymously"),
        required=False,
        help_text=_(
            "Your name is not sent with the report. You will not be able to follow it or get "
            "an answer."
        ),
    )
    has_benefits = forms.BooleanField(
        label=_("I have statutory benefits"),
        required=False,
        help_text=_(
            "War veterans, persons with disabilities and others the law names are served "
            "first (Law 393/96-ВР art. 20)."
        ),
    )
    co_signers = forms.CharField(
        label=_("Co-signers’ e-mails"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text=_(
            "For a collective appeal: one e-mail a line. Each co-signer must have an account "
            "here and confirms from it."
        ),
    )
    files = MultipleFileField(label=_("Files"))
    complaint_about = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressee"].queryset = Addressee.objects.filter(is_published=True).order_by(
            "name", "pk"
        )
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["files"].help_text = files_help()

    def clean_co_signers(self) -> list[str]:
        emails = [line.strip() for line in self.cleaned_data["co_signers"].splitlines()]
        emails = [email for email in emails if email]
        wrong = []
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                wrong.append(email)
        if wrong:
            raise ValidationError(
                ngettext(
                    "Not an e-mail address: %(emails)s.",
                    "Not e-mail addresses: %(emails)s.",
                    len(wrong),
                ),
                params={"emails": ", ".join(wrong)},
            )
        return emails

    def service_arguments(self, complaint_about: Appeal | None) -> dict:
        """What appeal_submit takes, with the fields of other kinds left out."""
        data = self.cleaned_data
        kind = data["kind"]
        arguments = {
            "kind": kind,
            "subject": data["subject"],
            "text": data["text"],
            "addressee": data["addressee"],
            "category": data["category"],
            "has_benefits": data["has_benefits"] and kind != Kind.CORRUPTION_REPORT,
            "is_anonymous": data["is_anonymous"] and kind == Kind.CORRUPTION_REPORT,
        }
        if kind == Kind.PROBLEM_REPORT:
            arguments.update(
                latitude=data["latitude"],
                longitude=data["longitude"],
                location_text=data["location_text"],
                is_public=data["is_public"],
            )
        if kind == Kind.PUBLIC_INFORMATION:
            arguments.update(is_urgent=data["is_urgent"], urgency_reason=data["urgency_reason"])
        if kind == Kind.COMPLAINT:
            arguments.update(
                decision_date=data["decision_date"],
                learned_date=data["learned_date"],
                complaint_about=complaint_about,
            )
        if kind in KIND_FIELDS["co_signers"] and not arguments["is_anonymous"]:
            arguments["co_signers"] = data["co_signers"]
        return arguments


class AnonymousReportForm(forms.Form):
    """The one appeal a person may file without an account: an anonymous report of possible
    corruption (Law on Prevention of Corruption)."""

    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    text = forms.CharField(
        label=_("What happened"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Who, what, where and when, as precisely as you can: the report is checked on what "
            "it says, and nobody can ask you for more."
        ),
    )
    files = MultipleFileField(label=_("Files"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = files_help()


SCORES = [(score, str(score)) for score in range(1, 6)]


def _score_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=SCORES, coerce=int, widget=forms.RadioSelect(attrs={"class": "score"})
    )


class RatingForm(forms.Form):
    quality = _score_field(_("Quality of the answer"))
    speed = _score_field(_("Speed"))
    completeness = _score_field(_("Completeness"))
    comment = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="rating", **kwargs)


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the answer does not resolve your question"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="dispute", **kwargs)
