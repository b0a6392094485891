"""Administration of queues: services, the booking form, hours, monthly rules, exceptions,
vacations, horizons and limits. Bookings are read here and changed only through services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hromada.core.admin import AuditedAdmin
from hromada.core.errors import ApplicationError
from hromada.directory.admin import HoursForm
from hromada.equeue import services
from hromada.equeue.models import (
    Booking,
    Closure,
    Event,
    FormField,
    MonthlyRule,
    Queue,
    QueueException,
    Service,
    WeeklyHours,
)

# The resident's pages take these words after /queue/.
RESERVED_SLUGS = {"mine", "tickets"}


class QueueForm(forms.ModelForm):
    class Meta:
        model = Queue
        fields = [
            "addressee",
            "name",
            "slug",
            "description",
            "location",
            "is_active",
            "ticket_prefix",
            "slot_step_minutes",
            "horizon_days",
            "min_notice_minutes",
            "cutoff_hours",
            "active_limit",
            "closed_on_public_holidays",
            "order",
        ]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise ValidationError(_("This code is taken by the site's pages; choose another."))
        return slug


class FormFieldForm(forms.ModelForm):
    class Meta:
        model = FormField
        fields = ["label", "kind", "help_text", "is_required", "choices", "order"]

    def clean(self):
        data = super().clean()
        if data.get("kind") == FormField.Kind.CHOICE and not (data.get("choices") or "").strip():
            raise ValidationError({"choices": _("Give the answers to choose from, one per line.")})
        return data


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0


class FormFieldInline(admin.TabularInline):
    model = FormField
    form = FormFieldForm
    extra = 0


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    form = HoursForm
    extra = 0


class MonthlyRuleInline(admin.TabularInline):
    model = MonthlyRule
    form = HoursForm
    extra = 0


class ExceptionInline(admin.TabularInline):
    model = QueueException
    form = HoursForm
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


@admin.register(Queue)
class QueueAdmin(AuditedAdmin):
    form = QueueForm
    list_display = ["name", "addressee", "slug", "horizon_days", "active_limit", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["addressee"]
    search_fields = ["name", "slug", "addressee__name"]
    autocomplete_fields = ["addressee"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [
        ServiceInline,
        FormFieldInline,
        WeeklyHoursInline,
        MonthlyRuleInline,
        ExceptionInline,
        ClosureInline,
    ]
    fieldsets = [
        (None, {"fields": ["addressee", "name", "slug", "description", "location", "is_active"]}),
        (
            _("Booking rules"),
            {
                "fields": [
                    "ticket_prefix",
                    "slot_step_minutes",
                    "horizon_days",
                    "min_notice_minutes",
                    "cutoff_hours",
                    "active_limit",
                    "closed_on_public_holidays",
                    "order",
                ]
            },
        ),
    ]


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "actor", "from_state", "to_state", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only: a booking changes through the services (the desk, the ticket page)."""

    list_display = ["number", "day", "starts_at", "queue", "service", "citizen_name", "state"]
    list_filter = ["state", "queue"]
    list_select_related = ["queue", "service"]
    search_fields = ["number", "citizen_name", "citizen_email", "code"]
    date_hierarchy = "starts_at"
    readonly_fields = [f.name for f in Booking._meta.fields]
    inlines = [EventInline]
    actions = ["cancel"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Cancel the chosen bookings (the residents are told)"))
    def cancel(self, request, queryset):
        done = 0
        for booking in queryset:
            try:
                services.booking_cancel(actor=request.user, booking_id=booking.pk)
            except ApplicationError as exc:
                self.message_user(request, f"{booking}: {exc.message}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, _("Cancelled: %(count)d.") % {"count": done})
