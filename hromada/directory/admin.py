from itertools import pairwise

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hromada.core.admin import AuditedAdmin
from hromada.core.errors import ApplicationError
from hromada.core.files import validate_image
from hromada.directory import exchange, selectors, services
from hromada.directory.models import (
    Absence,
    Addressee,
    AddresseeGroup,
    Competency,
    Membership,
    Schedule,
    ScheduleDay,
    ScheduleException,
)
from hromada.directory.schedules import validate_hours


def as_form_error(exc: ApplicationError, form_fields) -> ValidationError:
    """A service's refusal, shown beside its field when the form has that field."""
    if exc.field and exc.field in form_fields:
        return ValidationError({exc.field: exc.message})
    return ValidationError(exc.message)


class LinesField(forms.CharField):
    """Several values, one per line (phones, e-mails)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class AddresseeForm(forms.ModelForm):
    phones = LinesField(label=_("Phones"), required=False, help_text=_("One per line."))
    emails = LinesField(label=_("E-mails"), required=False, help_text=_("One per line."))
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Addressee
        fields = [
            "parent",
            "kind",
            "name",
            "slug",
            "position",
            "person_name",
            "description",
            "competencies",
            "groups",
            "phones",
            "emails",
            "website",
            "office_address",
            "latitude",
            "longitude",
            "photo",
            "order",
            "is_published",
        ]

    def clean(self):
        data = super().clean()
        try:
            data["phones"] = services.clean_phones(data.get("phones", []))
            data["emails"] = services.clean_emails(data.get("emails", []))
            services.clean_point(data.get("latitude"), data.get("longitude"))
            services.check_parent(self.instance, data.get("parent"))
            if "slug" in data:
                services.clean_code(data["slug"])
        except ApplicationError as exc:
            raise as_form_error(exc, self.fields) from exc
        return data

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo is not self.initial.get("photo") and hasattr(photo, "content_type"):
            try:
                validate_image(photo, max_bytes=services.PHOTO_MAX_BYTES)
            except ApplicationError as exc:
                raise ValidationError(exc.message) from exc
        return photo


class HoursForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        try:
            validate_hours(
                opens=data.get("opens"),
                closes=data.get("closes"),
                break_starts=data.get("break_starts"),
                break_ends=data.get("break_ends"),
            )
        except ApplicationError as exc:
            raise as_form_error(exc, self.fields) from exc
        return data


class AbsenceForm(forms.ModelForm):
    class Meta:
        model = Absence
        fields = ["kind", "starts_on", "ends_on", "substitute", "note"]

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and self.instance.addressee_id:
            try:
                services.check_absence(
                    addressee=self.instance.addressee,
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    substitute=data.get("substitute"),
                    exclude_pk=self.instance.pk,
                )
            except ApplicationError as exc:
                raise as_form_error(exc, self.fields) from exc
        return data


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "is_responsible"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        if not user.is_staff:
            raise ValidationError(
                _("Only staff can work for an addressee: give the person a role first.")
            )
        return user


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 0
    autocomplete_fields = ["user"]


class AbsenceFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        periods = sorted(
            (form.cleaned_data["starts_on"], form.cleaned_data["ends_on"])
            for form in _kept_forms(self)
            if form.cleaned_data.get("starts_on") and form.cleaned_data.get("ends_on")
        )
        for (_starts, ends), (next_starts, _next_ends) in pairwise(periods):
            if next_starts <= ends:
                raise ValidationError(
                    _("Two absences of this addressee overlap; change the dates of one of them.")
                )


class AbsenceInline(admin.TabularInline):
    model = Absence
    form = AbsenceForm
    formset = AbsenceFormSet
    fk_name = "addressee"
    extra = 0
    autocomplete_fields = ["substitute"]


def _kept_forms(formset) -> list:
    """The valid forms of a formset that will be saved: filled in and not marked deleted."""
    return [
        form
        for form in formset.forms
        if getattr(form, "cleaned_data", None)
        and not (formset.can_delete and formset._should_delete_form(form))
    ]


class ScheduleFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        primary = [form for form in _kept_forms(self) if form.cleaned_data.get("is_primary")]
        if len(primary) > 1:
            raise ValidationError(
                _("Only one schedule can decide “open now”: tick it for one schedule only.")
            )


class ScheduleInline(admin.TabularInline):
    model = Schedule
    formset = ScheduleFormSet
    extra = 0
    fields = ["name", "is_primary", "valid_from", "valid_until", "closed_on_public_holidays"]
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A new row does not take "open now" over by default; the model's default (True) is
        # for a first schedule created by the services.
        formset.form.base_fields["is_primary"].initial = False
        return formset


class _Refused(Exception):
    """A service refused the save after the form was valid; the view reports it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@admin.register(Addressee)
class AddresseeAdmin(AuditedAdmin):
    form = AddresseeForm
    change_list_template = "admin/directory/addressee/change_list.html"
    list_display = ["name", "kind", "parent", "person_name", "is_published", "order"]
    list_filter = ["kind", "groups", "is_published"]
    list_select_related = ["parent"]
    search_fields = ["name", "person_name", "position", "slug", "search_text"]
    autocomplete_fields = ["parent", "competencies"]

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"slug": ["name"]}

    def get_readonly_fields(self, request, obj=None):
        # The code identifies the addressee in imports and addresses: it is set once.
        return ["slug"] if obj else []

    filter_horizontal = ["groups"]
    inlines = [ScheduleInline, AbsenceInline, MembershipInline]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused as refused:
            # The transaction of the form was rolled back; show why, on the same form.
            self.message_user(request, refused.message, level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        # The form ran the same checks the services do, so a refusal here is rare (a change
        # made meanwhile by someone else, a right taken away): it is reported, not a crash.
        try:
            self._save_through_services(request, obj, form)
        except ApplicationError as exc:
            raise _Refused(exc.message) from exc

    def _save_through_services(self, request, obj, form):
        data = form.cleaned_data
        saved = services.addressee_upsert(
            slug=obj.slug,
            kind=data["kind"],
            name=data["name"],
            parent=data.get("parent"),
            position=data.get("position", ""),
            person_name=data.get("person_name", ""),
            description=data.get("description", ""),
            competencies=[c.name for c in data.get("competencies", [])],
            groups=[g.slug for g in data.get("groups", [])],
            phones=data.get("phones", []),
            emails=data.get("emails", []),
            website=data.get("website", ""),
            office_address=data.get("office_address", ""),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            order=data.get("order") or 0,
            is_published=data.get("is_published", True),
            actor=request.user,
        )
        if "photo" in form.changed_data:
            services.addressee_set_photo(
                addressee=saved, upload=data.get("photo") or None, actor=request.user
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # The service set the groups and competencies; only the inlines are left to save.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def get_urls(self):
        own = [
            path("tree/", self.admin_site.admin_view(self.tree_view), name="directory_tree"),
            path("import/", self.admin_site.admin_view(self.import_view), name="directory_import"),
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name="directory_export",
            ),
        ]
        return own + super().get_urls()

    def tree_view(self, request):
        if not self.has_view_permission(request):
            return redirect("admin:index")
        addressees = list(Addressee.objects.only(*selectors.CATALOGUE_FIELDS, "is_published"))
        addressees.sort(key=lambda a: (a.order, a.name, a.pk))
        rows = selectors.tree_rows(selectors.build_tree(addressees))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Directory as a tree"),
            "rows": rows,
        }
        return TemplateResponse(request, "admin/directory/addressee/tree.html", context)

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            return redirect("admin:index")
        result = None
        if request.method == "POST" and request.FILES.get("file"):
            upload = request.FILES["file"]
            if upload.size > 20_000_000:
                self.message_user(request, _("The file is too large."), level=messages.ERROR)
            else:
                result = exchange.import_directory(upload.read(), actor=request.user)
                if result.ok:
                    self.message_user(
                        request,
                        _("Imported: %(created)d new, %(updated)d updated.")
                        % {"created": result.created, "updated": result.updated},
                    )
                    return redirect("admin:directory_addressee_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import the directory"),
            "result": result,
            "columns": exchange.COLUMNS,
        }
        return TemplateResponse(request, "admin/directory/addressee/import.html", context)

    def export_view(self, request, fmt: str):
        if not self.has_view_permission(request) or fmt not in ("csv", "xlsx"):
            return redirect("admin:index")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if fmt == "csv":
            body, content_type = exchange.export_directory_csv(), "text/csv; charset=utf-8"
        else:
            body = exchange.export_directory_xlsx()
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="directory-{stamp}.{fmt}"'
        return response

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "tree_url": reverse("admin:directory_tree"),
            "import_url": reverse("admin:directory_import"),
            "export_csv_url": reverse("admin:directory_export", args=["csv"]),
            "export_xlsx_url": reverse("admin:directory_export", args=["xlsx"]),
        }
        return super().changelist_view(request, extra_context)


class ScheduleDayInline(admin.TabularInline):
    model = ScheduleDay
    form = HoursForm
    extra = 0
    max_num = 7


class ScheduleExceptionInline(admin.TabularInline):
    model = ScheduleException
    form = HoursForm
    extra = 0


@admin.register(Schedule)
class ScheduleAdmin(AuditedAdmin):
    list_display = ["addressee", "name", "is_primary", "valid_from", "valid_until"]
    list_filter = ["is_primary"]
    list_select_related = ["addressee"]
    search_fields = ["addressee__name", "name"]
    autocomplete_fields = ["addressee"]
    inlines = [ScheduleDayInline, ScheduleExceptionInline]


@admin.register(AddresseeGroup)
class AddresseeGroupAdmin(AuditedAdmin):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Competency)
class CompetencyAdmin(AuditedAdmin):
    search_fields = ["name"]

    # Competencies are part of the addressees' search text: keep it up to date.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.addressees_refresh_search_texts(services.competency_addressee_ids([obj]))

    def delete_model(self, request, obj):
        affected = services.competency_addressee_ids([obj])
        super().delete_model(request, obj)
        services.addressees_refresh_search_texts(affected)

    def delete_queryset(self, request, queryset):
        affected = services.competency_addressee_ids(queryset)
        super().delete_queryset(request, queryset)
        services.addressees_refresh_search_texts(affected)
