from django.utils.translation import gettext as _
from ninja import Router, Schema
from phonenumber_field.phonenumber import to_python
from pydantic import Field, field_validator

from hromada.accounts.selectors import profile_missing_fields
from hromada.accounts.services import user_profile_update

router = Router(tags=["accounts"])


class ProfileOut(Schema):
    email: str
    last_name: str
    first_name: str
    patronymic: str
    postal_address: str
    phone: str
    roles: list[str]
    missing_for_appeal: list[str]


class ProfileIn(Schema):
    last_name: str = Field(None, max_length=100)  # type: ignore[assignment]
    first_name: str = Field(None, max_length=100)  # type: ignore[assignment]
    patronymic: str = Field(None, max_length=100)  # type: ignore[assignment]
    postal_address: str = Field(None, max_length=300)  # type: ignore[assignment]
    phone: str = Field(None, max_length=32)  # type: ignore[assignment]

    @field_validator("last_name", "first_name", "patronymic", "postal_address", "phone")
    @classmethod
    def plain_text(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if "\x00" in value:
            raise ValueError(_("The text contains a character that is not allowed."))
        return value.strip()

    @field_validator("phone")
    @classmethod
    def valid_phone(cls, value: str | None) -> str | None:
        if not value:
            return value
        number = to_python(value, region="UA")
        if number is None or not number.is_valid():
            raise ValueError(_("Enter a valid phone number, for example +380 67 123 45 67."))
        return number.as_e164


def _profile(user) -> ProfileOut:
    return ProfileOut(
        email=user.email,
        last_name=user.last_name,
        first_name=user.first_name,
        patronymic=user.patronymic,
        postal_address=user.postal_address,
        phone=user.phone.as_e164 if user.phone else "",
        roles=sorted(user.roles),
        missing_for_appeal=[name for name, _label in profile_missing_fields(user)],
    )


@router.get("/me", response=ProfileOut, summary="The signed-in person's profile")
def me(request):
    return _profile(request.auth)


@router.patch("/me", response=ProfileOut, summary="Change the signed-in person's profile")
def update_me(request, payload: ProfileIn):
    user = user_profile_update(
        user=request.auth, actor=request.auth, **payload.dict(exclude_unset=True)
    )
    return _profile(user)
