"""The attributes Open311 services ask for, and the record of requests partners filed."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hromada.core.admin import AuditedAdmin
from hromada.open311.models import LIST_DATATYPES, Open311Request, ServiceAttribute


class ServiceAttributeForm(forms.ModelForm):
    class Meta:
        model = ServiceAttribute
        fields = [
            "category",
            "code",
            "description",
            "datatype",
            "datatype_description",
            "required",
            "variable",
            "order",
            "values",
        ]

    def clean(self):
        data = super().clean()
        values = data.get("values") or []
        if not isinstance(values, list) or not all(
            isinstance(v, dict) and str(v.get("key", "")).strip() for v in values
        ):
            raise forms.ValidationError(_('Choices are a list of {"key": …, "name": …} objects.'))
        if data.get("datatype") in LIST_DATATYPES and not values:
            raise forms.ValidationError(_("A list type needs its choices."))
        return data


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(AuditedAdmin):
    form = ServiceAttributeForm
    list_display = ["category", "code", "description", "datatype", "required", "order"]
    list_filter = ["category", "datatype"]
    list_select_related = ["category"]


@admin.register(Open311Request)
class Open311RequestAdmin(admin.ModelAdmin):
    list_display = ["appeal", "partner", "token", "media_state", "created_at"]
    list_filter = ["partner", "media_state"]
    list_select_related = ["appeal", "partner"]
    search_fields = ["token", "appeal__number"]
    readonly_fields = [
        "appeal",
        "token",
        "api_key",
        "partner",
        "device_id",
        "account_id",
        "address_id",
        "media_url",
        "media_state",
        "media_note",
        "attributes",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
