from django import forms
from django.contrib import admin

from hromada.core.audit import audit_event_record
from hromada.core.errors import ApplicationError
from hromada.core.geo import boundary_geometry
from hromada.core.models import AuditEvent, District, WorkerHeartbeat
from hromada.core.services import district_upsert


class AuditedAdmin(admin.ModelAdmin):
    """Every add, change (inlines included) and deletion in the admin joins the audit trail."""

    def _audit(self, request, obj, what: str, message="") -> None:
        label = obj._meta.label_lower
        audit_event_record(
            actor=request.user, action=f"{label}.admin_{what}", target=obj, change=message
        )

    def log_addition(self, request, obj, message):
        self._audit(request, obj, "added", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, "changed", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj, "deleted", str(obj))
        return super().log_deletions(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["created_at", "action", "actor", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_id", "request_id", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "target_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DistrictForm(forms.ModelForm):
    class Meta:
        model = District
        fields = ["name", "slug", "kind", "boundary"]

    def clean_boundary(self):
        boundary = self.cleaned_data["boundary"]
        try:
            boundary_geometry(boundary)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc
        return boundary


@admin.register(District)
class DistrictAdmin(AuditedAdmin):
    form = DistrictForm
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False  # appeals and reports will refer to districts

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []  # the code identifies the district in imports

    def save_model(self, request, obj, form, change):
        saved = district_upsert(
            actor=request.user, slug=obj.slug, name=obj.name, kind=obj.kind, boundary=obj.boundary
        )
        obj.pk = saved.pk


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker_id", "hostname", "pid", "started_at", "last_seen_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
