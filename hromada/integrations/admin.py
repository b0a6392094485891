"""Partners, their keys and webhooks in the admin. A key is issued through the service: its
plain value is shown once, in the message after saving, and never again."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from hromada.core.admin import AuditedAdmin
from hromada.core.errors import ApplicationError
from hromada.integrations import services
from hromada.integrations.models import (
    ApiKey,
    Partner,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)


class ManagedByAdministrators:
    """The admin's model permissions plus the object rule: administrators only."""

    def has_module_permission(self, request):
        return request.user.has_perm(
            "integrations.manage_partners"
        ) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(
            "integrations.manage_partners"
        ) and super().has_view_permission(request, obj)


@admin.register(Partner)
class PartnerAdmin(ManagedByAdministrators, AuditedAdmin):
    list_display = ["name", "slug", "contact_email", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", "contact_email"]
    prepopulated_fields = {"slug": ["name"]}


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["name", "partner", "user", "scope", "rate_limit"]


@admin.register(ApiKey)
class ApiKeyAdmin(ManagedByAdministrators, AuditedAdmin):
    form = ApiKeyForm
    list_display = [
        "name",
        "prefix",
        "partner",
        "user",
        "scope",
        "rate_limit",
        "state",
        "last_used_at",
    ]
    list_filter = ["scope", "partner"]
    search_fields = ["name", "prefix", "partner__name", "user__email"]
    list_select_related = ["partner", "user"]
    raw_id_fields = ["user"]  # a plain labelled input: thousands of residents
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # An issued key's owner and scope never change: issue a new one instead.
        return [
            "name",
            "partner",
            "user",
            "scope",
            "prefix",
            "created_at",
            "created_by",
            "revoked_at",
            "last_used_at",
        ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "partner", "user", "scope", "rate_limit"]
        return [
            "name",
            "partner",
            "user",
            "scope",
            "rate_limit",
            "prefix",
            "created_at",
            "created_by",
            "revoked_at",
            "last_used_at",
        ]

    def get_changeform_initial_data(self, request):
        from django.conf import settings

        return {"rate_limit": settings.API_KEY_DEFAULT_RATE_LIMIT}

    @admin.display(description=_("state"))
    def state(self, obj):
        return _("revoked") if obj.revoked_at else _("active")

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        try:
            key, plain = services.api_key_issue(
                actor=request.user,
                name=obj.name,
                scope=obj.scope,
                partner=obj.partner,
                user=obj.user,
                rate_limit=obj.rate_limit,
            )
        except ApplicationError as exc:
            raise DjangoPermissionDenied(exc.message) from exc
        obj.pk = key.pk
        obj.prefix, obj.secret_hash, obj.created_at = key.prefix, key.secret_hash, key.created_at
        self.message_user(
            request,
            format_html(
                "{} <code>{}</code>",
                _("The key, shown only now; copy it to the partner:"),
                plain,
            ),
            messages.WARNING,
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoked keys stay on record

    @admin.action(description=_("Revoke the chosen keys (at once)"))
    def revoke(self, request, queryset):
        done = 0
        for key in queryset.filter(revoked_at__isnull=True):
            try:
                services.api_key_revoke(actor=request.user, key_id=key.pk)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        self.message_user(request, _("Keys revoked: %(count)d.") % {"count": done})


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ["partner", "url", "events", "secret", "is_active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        from django.conf import settings

        if url.startswith("http://") and not settings.WEBHOOKS_ALLOW_HTTP:
            raise forms.ValidationError(
                _("Webhooks are signed but not encrypted over http: use https://.")
            )
        return url


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ManagedByAdministrators, AuditedAdmin):
    form = WebhookSubscriptionForm
    list_display = ["partner", "url", "events", "is_active", "created_at"]
    list_filter = ["is_active", "partner"]
    list_select_related = ["partner"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ManagedByAdministrators, admin.ModelAdmin):
    """Read-only: what was sent, when, and what the partner's server answered."""

    list_display = [
        "created_at",
        "event",
        "subscription",
        "state",
        "attempts",
        "response_status",
        "last_attempt_at",
        "next_attempt_at",
    ]
    list_filter = ["state", "event", "subscription__partner"]
    list_select_related = ["subscription__partner"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "subscription",
        "event",
        "state",
        "created_at",
        "attempts",
        "last_attempt_at",
        "next_attempt_at",
        "delivered_at",
        "response_status",
        "response_excerpt",
        "error",
        "body",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
