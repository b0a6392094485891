"""The forms parse what was typed; the services check every rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hromada.accounts.roles import Role
from hromada.core.models import District
from hromada.messaging.channels import channel_classes
from hromada.messaging.models import Channel, Frequency, Kind, Mailing, MailingTemplate
from hromada.messaging.planning import CHOOSABLE_KINDS


def channel_choices():
    return [
        (code, Channel(code).label if code in Channel.values else code)
        for code in channel_classes()
    ]


class PreferencesForm(forms.Form):
    """For each kind: its channels and its frequency; then quiet hours and the district."""

    quiet_from = forms.TimeField(
        label=_("Quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_to = forms.TimeField(
        label=_("Quiet hours until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Kyiv time. Nothing but the cabinet's inbox reaches you in these hours."),
    )
    district = forms.ModelChoiceField(
        label=_("My district"),
        queryset=District.objects.all(),
        required=False,
        help_text=_("For the council's mailings to residents of a district."),
    )

    def __init__(self, *args, preferences: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = []
        for row in preferences:
            kind = row["kind"]
            self.fields[f"{kind}-channels"] = forms.MultipleChoiceField(
                label=_("Channels"),
                choices=channel_choices(),
                required=False,
                initial=row["channels"],
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"{kind}-frequency"] = forms.ChoiceField(
                label=_("How often"),
                choices=Frequency.choices,
                initial=row["frequency"],
                required=False,
            )
            self.kinds.append(
                {
                    "label": row["label"],
                    "channels": self[f"{kind}-channels"],
                    "frequency": self[f"{kind}-frequency"],
                }
            )

    def choices(self) -> dict[str, dict]:
        return {
            kind: {
                "channels": self.cleaned_data[f"{kind}-channels"],
                "frequency": self.cleaned_data[f"{kind}-frequency"] or Frequency.IMMEDIATE,
            }
            for kind in CHOOSABLE_KINDS
            if f"{kind}-channels" in self.cleaned_data
        }


class MailingTemplateForm(forms.ModelForm):
    class Meta:
        model = MailingTemplate
        fields = ["name", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "body": _(
                "Placeholders: {{ first_name }}, {{ last_name }}, {{ patronymic }}, "
                "{{ full_name }}, {{ email }}, {{ city }}."
            )
        }


class MailingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    template = forms.ModelChoiceField(label=_("Template"), queryset=MailingTemplate.objects.all())
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=channel_choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Channel.EMAIL, Channel.INBOX],
    )
    audience = forms.ChoiceField(
        label=_("Recipients"), choices=Mailing.Audience.choices, widget=forms.RadioSelect
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False
    )
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.choices], required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *Kind.choices], required=False)
    file = forms.FileField(
        label=_("List of e-mail addresses (CSV)"),
        required=False,
        help_text=_("One address a line, or a column of addresses; UTF-8."),
    )
    scheduled_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: at once."),
    )
