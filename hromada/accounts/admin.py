from allauth.mfa.admin import AuthenticatorAdmin as BaseAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from hromada.accounts.models import User
from hromada.accounts.roles import Role
from hromada.accounts.services import user_set_roles
from hromada.core.admin import AuditedAdmin


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

    editor = None  # set by the admin: who is saving the form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            roles = set(self.instance.roles)
            if self.instance.is_superuser:  # e.g. made by createsuperuser
                roles.add(Role.ADMINISTRATOR)
            self.fields["roles"].initial = sorted(roles)

    def clean_roles(self):
        roles = self.cleaned_data["roles"]
        # The same rule as user_set_roles, checked here so that the whole form is refused.
        if (
            self.editor is not None
            and self.instance.pk == self.editor.pk
            and Role.ADMINISTRATOR not in roles
        ):
            raise ValidationError(_("You cannot take the administrator role from yourself."))
        return roles


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["email"]

    def clean_email(self):
        # Addresses are kept in lower case; allauth looks them up that way.
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("A user with this e-mail already exists."))
        return email


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    form = UserAdminForm
    add_form = UserCreationAdminForm
    ordering = ["email"]
    list_display = ["email", "last_name", "first_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["email", "last_name", "first_name", "phone"]
    readonly_fields = ["is_staff", "is_superuser", "last_login", "date_joined"]

    def get_readonly_fields(self, request, obj=None):
        # A person changes their own e-mail through the verified flow of their account;
        # changed here, the old address would still log in and receive password resets.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "email"] if obj else fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.editor = request.user
        return form

    def user_change_password(self, request, id, form_url=""):
        # Setting someone else's password would let an administrator become that person.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

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
            user_set_roles(user=form.instance, roles=form.cleaned_data["roles"], actor=request.user)


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(AuditedAdmin, BaseAuthenticatorAdmin):
    """Read-only: deleting someone's second factor would let its deleter become them.

    Only a superuser (the break-glass account) may remove a lost authenticator.
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
