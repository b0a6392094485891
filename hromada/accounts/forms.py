from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from hromada.accounts.models import User

NAME_MAX = User._meta.get_field("last_name").max_length


def _name_field(label, *, required: bool, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=NAME_MAX,
        required=required,
        widget=forms.TextInput(attrs={"autocomplete": autocomplete}),
    )


class SignupForm(forms.Form):
    """Extra fields of the sign-up form (allauth adds e-mail and password)."""

    last_name = _name_field(_("Surname"), required=True, autocomplete="family-name")
    first_name = _name_field(_("First name"), required=True, autocomplete="given-name")
    patronymic = _name_field(_("Patronymic"), required=False, autocomplete="additional-name")
    phone = PhoneNumberField(
        label=_("Phone"),
        required=False,
        region="UA",
        help_text=_("For example +380 67 123 45 67. You may add it later."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    field_order = ["last_name", "first_name", "patronymic", "email", "phone"]

    def signup(self, request, user: User) -> None:
        user.patronymic = self.cleaned_data.get("patronymic", "")
        user.phone = self.cleaned_data.get("phone") or ""
        user.save(update_fields=["patronymic", "phone"])


class ProfileForm(forms.ModelForm):
    """The questionnaire (анкета): what the law asks of an appeal's author."""

    phone = PhoneNumberField(
        label=_("Phone"),
        required=False,
        region="UA",
        help_text=_("For example +380 67 123 45 67."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    class Meta:
        model = User
        fields = ["last_name", "first_name", "patronymic", "postal_address", "phone"]
        widgets = {
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "patronymic": forms.TextInput(attrs={"autocomplete": "additional-name"}),
            "postal_address": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }
