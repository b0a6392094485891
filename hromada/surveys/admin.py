"""Administration of surveys: categories, a survey's settings (saved through the services),
its questions read here and built on the builder's page, publishing, closing, replacing and
archiving as actions. Responses and counters are read-only: they change only by answering."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from hromada.core.admin import AuditedAdmin
from hromada.core.errors import ApplicationError
from hromada.surveys import services
from hromada.surveys.models import Category, QualityScore, Question, Response, Survey

SETTINGS = [
    "title",
    "description",
    "category",
    "addressee",
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


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    can_delete = False
    fields = ["order", "text", "kind", "is_required", "show_if_question", "answered_count"]
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


def _service_fields(cleaned: dict) -> dict:
    data = {name: cleaned.get(name) for name in SETTINGS}
    for name in ("category", "addressee", "queue"):
        value = data.pop(name)
        data[f"{name}_id"] = value.pk if value else None
    return data


class SurveyAdminForm(forms.ModelForm):
    actor = None

    class Meta:
        model = Survey
        fields = SETTINGS

    def clean(self):
        data = super().clean()
        try:
            services.check_survey_fields(self.actor, _service_fields(data))
            if data.get("allow_anonymous") and self.instance.pk:
                services.refuse_anonymous_appeals(self.instance)
        except ApplicationError as exc:
            raise ValidationError(
                {exc.field: exc.message} if exc.field in SETTINGS else exc.message
            ) from None
        return data


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    form = SurveyAdminForm
    list_display = ["title", "addressee", "category", "state", "builtin", "response_count"]
    list_filter = ["state", "category", "builtin"]
    list_select_related = ["addressee", "category"]
    search_fields = ["title", "slug", "addressee__name"]
    autocomplete_fields = ["addressee"]
    fields = [*SETTINGS, "builder", "state", "slug", "builtin", "replaces", "response_count"]
    readonly_fields = ["builder", "state", "slug", "builtin", "replaces", "response_count"]
    inlines = [QuestionInline]
    actions = ["publish", "close", "archive", "replace"]

    @admin.display(description=_("Questions"))
    def builder(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the survey, then add its questions in the builder.")
        url = reverse("surveys:office_edit", kwargs={"slug": obj.slug})
        return format_html('<a href="{}">{}</a>', url, _("Open in the survey builder"))

    def has_delete_permission(self, request, obj=None):
        return False  # results are never lost: archive instead

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        # Checked already by the form's clean(), with the same function the service uses.
        data = _service_fields(form.cleaned_data)
        if change:
            saved = services.survey_update(request.user, survey_id=obj.pk, **data)
        else:
            saved = services.survey_create(request.user, **data)
        obj.pk, obj.slug = saved.pk, saved.slug

    def _act(self, request, queryset, service, done):
        count = 0
        for survey in queryset:
            try:
                service(request.user, survey_id=survey.pk)
            except ApplicationError as exc:
                self.message_user(request, f"{survey}: {exc.message}", messages.WARNING)
            else:
                count += 1
        self.message_user(request, done % {"count": count})

    @admin.action(description=_("Publish the chosen surveys"))
    def publish(self, request, queryset):
        self._act(request, queryset, services.survey_publish, _("Published: %(count)d."))

    @admin.action(description=_("Close the chosen surveys"))
    def close(self, request, queryset):
        self._act(request, queryset, services.survey_close, _("Closed: %(count)d."))

    @admin.action(description=_("Move the chosen surveys to the archive"))
    def archive(self, request, queryset):
        self._act(request, queryset, services.survey_archive, _("Archived: %(count)d."))

    @admin.action(description=_("Make a new version of the chosen surveys"))
    def replace(self, request, queryset):
        self._act(request, queryset, services.survey_replace, _("New versions: %(count)d."))


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Read-only: a response is written only by answering, with its counts."""

    list_display = ["pk", "survey", "submitted_at", "subject", "filed_appeal"]
    list_filter = ["survey"]
    list_select_related = ["survey", "filed_appeal"]
    # Who answered stays out of sight: the row keeps the person only for "once per person".
    fields = ["survey", "submitted_at", "subject", "addressee", "filed_appeal"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(QualityScore)
class QualityScoreAdmin(admin.ModelAdmin):
    list_display = ["addressee", "month", "ratings", "stars", "average"]
    list_select_related = ["addressee"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
