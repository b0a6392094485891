"""Administration: mailings and their templates through the same services as the back office;
deliveries, suppressed addresses and push subscriptions to read (and retry a mailing)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from hromada.core.admin import AuditedAdmin
from hromada.core.errors import ApplicationError
from hromada.messaging import mailings as mailing_services
from hromada.messaging.models import (
    Delivery,
    Mailing,
    MailingTemplate,
    PushSubscription,
    SuppressedAddress,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "user", "address", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "message__kind"]
    search_fields = ["address", "user__email", "message__source", "message__subject"]
    list_select_related = ["user"]
    raw_id_fields = ["message", "user", "digest"]
    date_hierarchy = "created_at"


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(AuditedAdmin):
    """Delete a row to send to the address again (after its owner fixed the mailbox)."""

    list_display = ["address", "kind", "reason", "created_at"]
    list_filter = ["reason", "kind"]
    search_fields = ["address"]

    def has_add_permission(self, request):
        return False


@admin.register(PushSubscription)
class PushSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["user", "user_agent", "created_at", "expired_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]


class TemplateForm(forms.ModelForm):
    class Meta:
        model = MailingTemplate
        fields = ["name", "subject", "body"]

    def clean(self):
        data = super().clean()
        try:
            mailing_services.placeholders_check(data.get("subject", ""), data.get("body", ""))
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc
        return data


@admin.register(MailingTemplate)
class MailingTemplateAdmin(AuditedAdmin):
    form = TemplateForm
    list_display = ["name", "subject", "updated_at"]
    search_fields = ["name", "subject"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Mailing)
class MailingAdmin(ReadOnlyAdmin):
    """Mailings are prepared in the back office (Office → Mailings); here they are read,
    retried and cancelled."""

    list_display = ["title", "scheduled_at", "state", "audience", "recipients_count"]
    list_filter = ["state", "audience"]
    search_fields = ["title"]
    actions = ["retry_failed", "cancel"]

    @admin.action(description=_("Retry the failed deliveries"))
    def retry_failed(self, request, queryset):
        for mailing in queryset:
            try:
                count = mailing_services.mailing_retry_failed(
                    actor=request.user, mailing_id=mailing.pk
                )
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, f"{mailing}: {count}")

    @admin.action(description=_("Cancel (not started yet)"))
    def cancel(self, request, queryset):
        for mailing in queryset:
            try:
                mailing_services.mailing_cancel(actor=request.user, mailing_id=mailing.pk)
            except ApplicationError as exc:
                self.message_user(request, f"{mailing}: {exc.message}", messages.ERROR)
