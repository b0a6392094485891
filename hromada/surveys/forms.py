"""The builder's forms and the answer form, built from the survey's questions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hromada.surveys.models import Category, Question, Survey


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = [
            "title",
            "description",
            "addressee",
            "category",
            "show_on_addressee_page",
            "queue",
            "offer_after_ticket",
            "offer_after_answer",
            "results_visibility",
            "allow_anonymous",
            "opens_at",
            "closes_at",
            "report_period",
            "report_emails",
        ]
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "report_emails": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, addressees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if addressees is not None:
            self.fields["addressee"].queryset = addressees
        self.fields["category"].queryset = Category.objects.all()
        self.fields["queue"].queryset = self.fields["queue"].queryset.select_related("addressee")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("addressee", "category", "queue"):
            value = data.pop(name)
            data[f"{name}_id"] = value.pk if value else None
        return data


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=500)
    help_text = forms.CharField(label=_("Hint"), max_length=500, required=False)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a list: one option per line."),
    )
    is_required = forms.BooleanField(label=_("Required"), required=False)
    allow_other = forms.BooleanField(label=_("With “other”"), required=False)
    counts_for_quality = forms.BooleanField(
        label=_("Counts in the addressee's quality score"), required=False
    )
    section = forms.TypedChoiceField(
        label=_("Section"), required=False, coerce=int, empty_value=None
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, required=False)
    show_if_options = forms.TypedMultipleChoiceField(
        label=_("Ask only after these answers"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick answers of one earlier question (e.g. 1 and 2 stars to ask “why?”). "
            "Leave all empty to ask always."
        ),
    )

    def __init__(self, *args, survey: Survey, question: Question | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", "—")] + [
            (s.pk, s.title) for s in survey.sections.all()
        ]
        earlier = survey.questions.filter(
            kind__in=[*Question.CHOICE_KINDS, *Question.NUMBER_KINDS]
        ).prefetch_related("options")
        if question is not None:
            earlier = earlier.exclude(pk=question.pk)
        self.fields["show_if_options"].choices = [
            (q.text, [(o.pk, o.label) for o in q.options.all()]) for q in earlier
        ]
        if not self.fields["show_if_options"].choices:
            del self.fields["show_if_options"]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["options"] = (data.get("options") or "").splitlines()
        data["section_id"] = data.pop("section")
        data["show_if_options"] = data.get("show_if_options") or []
        return data


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=0)


def answers_from_post(data, survey_sections: list[dict]) -> dict:
    """The POSTed answers in the service's shape: {"q<id>": value or [values], …}."""
    answers = {}
    for block in survey_sections:
        for question in block["questions"]:
            if question.kind == Question.Kind.MULTIPLE:
                answers[question.key] = data.getlist(question.key)
            else:
                answers[question.key] = data.get(question.key, "")
            if question.allow_other:
                answers[f"{question.key}_other"] = data.get(f"{question.key}_other", "")
    return answers
