"""The queue's forms: they parse what was typed; the services check every rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hromada.equeue.models import FormField, Queue
from hromada.equeue.services import ANSWER_MAX, COMMENT_MAX, NAME_MAX


def _extra_field(field: FormField) -> forms.Field:
    common = {"label": field.label, "required": field.is_required, "help_text": field.help_text}
    if field.kind == FormField.Kind.TEXTAREA:
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 3}), max_length=ANSWER_MAX, **common
        )
    if field.kind == FormField.Kind.NUMBER:
        return forms.DecimalField(**common)
    if field.kind == FormField.Kind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if field.kind == FormField.Kind.CHOICE:
        choices = [("", "—")] + [(c, c) for c in field.choice_list()]
        return forms.ChoiceField(choices=choices, **common)
    if field.kind == FormField.Kind.CHECKBOX:
        return forms.BooleanField(**common)
    return forms.CharField(max_length=ANSWER_MAX, **common)


class BookingForm(forms.Form):
    """The resident's details and the queue's extra questions."""

    name = forms.CharField(
        label=_("Surname, name and patronymic"),
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )

    def __init__(self, *args, queue: Queue, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra_fields = list(queue.form_fields.all())
        for field in self.extra_fields:
            self.fields[field.key] = _extra_field(field)

    def answers(self) -> dict[str, str]:
        result = {}
        for field in self.extra_fields:
            value = self.cleaned_data.get(field.key)
            if field.kind == FormField.Kind.CHECKBOX:
                result[field.key] = "on" if value else ""
            else:
                result[field.key] = "" if value is None else str(value)
        return result


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LookupForm(forms.Form):
    number = forms.CharField(
        label=_("Ticket number"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "А-001"}),
    )
