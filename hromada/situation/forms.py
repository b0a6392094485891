"""Forms of the three steps of filing a problem report from a phone."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hromada.appeals.models import Category
from hromada.appeals.services import SUBJECT_MAX, TEXT_MAX
from hromada.situation.models import Address


class PointForm(forms.Form):
    """Step 1: the point, from the map (tap or location) or from the address register."""

    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    address = forms.ModelChoiceField(
        label=_("Or choose the address"),
        queryset=Address.objects.all(),
        required=False,
        widget=forms.HiddenInput,
    )
    address_query = forms.CharField(
        label=_("Street and house number"),
        required=False,
        max_length=100,
        help_text=_("For example: Шевченка 12"),
    )
    location_text = forms.CharField(
        label=_("Where exactly (in words)"),
        required=False,
        max_length=300,
        help_text=_("The entrance, the yard, a landmark: helps the crew find it."),
    )

    def clean(self):
        data = super().clean()
        if data.get("address") is not None:
            address = data["address"]
            data["latitude"], data["longitude"] = address.latitude, address.longitude
            if not data.get("location_text"):
                data["location_text"] = str(address)
        elif data.get("latitude") is None or data.get("longitude") is None:
            raise forms.ValidationError(
                _("Put the point on the map, use your location, or choose an address.")
            )
        return data


class CategoryForm(forms.Form):
    """Step 2: what kind of problem."""

    category = forms.ModelChoiceField(
        label=_("What is the problem?"),
        queryset=Category.objects.filter(is_active=True, for_problem_reports=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose the category of the problem.")},
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service judges them (pictures only, how many)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class DescriptionForm(forms.Form):
    """Step 3: what happened, and photos."""

    subject = forms.CharField(
        label=_("In a few words"),
        max_length=SUBJECT_MAX,
        help_text=_("For example: a pothole in the road at the bus stop"),
    )
    text = forms.CharField(
        label=_("Description"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is wrong, since when, whom it endangers."),
    )
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG or WebP pictures."),
    )
    is_public = forms.BooleanField(
        label=_("Show the report on the public city map (without your name)"),
        required=False,
        initial=True,
    )
