from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from hromada.accounts.models import User
from hromada.accounts.roles import Role
from hromada.accounts.services import user_set_roles
from hromada.core.errors import ApplicationError


class UserAdminForm(UserChangeForm):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A person without roles is a resident. Staff roles require 2FA."),
    )

    class Meta(UserChangeForm.Meta):
        model = User
        fields = [
            "email",
            "password",
            "last_name",
            "first_name",
            "patronymic",
            "postal_address",
            "phone",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            roles = set(self.instance.roles)
            if self.instance.is_superuser:  # e.g. made by createsuperuser
                roles.add(Role.ADMINISTRATOR)
            self.fields["roles"].initial = sorted(roles)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserAdminForm
    ordering = ["email"]
    list_display = ["email", "last_name", "first_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["email", "last_name", "first_name", "phone"]
    readonly_fields = ["is_staff", "is_superuser", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {"fields": ["last_name", "first_name", "patronymic", "postal_address", "phone"]},
        ),
        (_("Roles"), {"fields": ["roles", "is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "roles" in form.cleaned_data:
            try:
                user_set_roles(
                    user=form.instance, roles=form.cleaned_data["roles"], actor=request.user
                )
            except ApplicationError as exc:
                self.message_user(request, exc.message, level=messages.ERROR)
