"""The news' forms: they parse what was typed; the services check every rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hromada.core.widgets import QuickSelect
from hromada.news import selectors
from hromada.news.models import Category, Channel, Frequency, Post
from hromada.news.services import ALT_MAX, BODY_MAX, QUERY_MAX, TITLE_MAX


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; the services judge each by its content."""

    def __init__(self, *args, accept: str = "", **kwargs):
        attrs = {"accept": accept} if accept else {}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class DigestFilterForm(forms.Form):
    """The digest's filter, read from the address (codes, not ids, so links stay readable)."""

    q = forms.CharField(label=_("Search"), max_length=QUERY_MAX, required=False)
    addressee = forms.CharField(label=_("Addressee"), required=False, widget=QuickSelect)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *Category.choices]
    )
    district = forms.CharField(label=_("District"), required=False, widget=QuickSelect)
    tag = forms.CharField(label=_("Topic"), required=False, widget=QuickSelect)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data=None, *, with_choices: bool = True, **kwargs):
        """``with_choices`` fills the page's pickers with every addressee, district and topic
        in use; without it (the API, the feeds, subscribing) only the codes given are looked
        up, one indexed query each, instead of listing everything on every request."""
        if data is not None:
            data = data.copy()
            # The address says from= and to=; the form's fields are named for their labels.
            for short, name in (("from", "date_from"), ("to", "date_to")):
                if short in data and name not in data:
                    data[name] = data[short]
        super().__init__(data, **kwargs)
        self.with_choices = with_choices
        if not with_choices:
            return
        self.addressees = {a.slug: a for a in selectors.addressees_with_posts()}
        self.districts = {d.slug: d for d in selectors.districts()}
        self.tags = {t.slug: t for t in selectors.tags_in_use()}
        everything = [("", _("All"))]
        self.fields["addressee"].widget.choices = everything + [
            (slug, a.name) for slug, a in self.addressees.items()
        ]
        self.fields["district"].widget.choices = everything + [
            (slug, d.name) for slug, d in self.districts.items()
        ]
        self.fields["tag"].widget.choices = everything + [
            (slug, t.name) for slug, t in self.tags.items()
        ]

    def clean_addressee(self):
        slug = self.cleaned_data.get("addressee") or ""
        if not slug:
            return None
        found = self.addressees.get(slug) if self.with_choices else None
        # One may follow an addressee that has not written yet (from its page).
        found = found or selectors.published_addressee(slug)
        if found is None:
            raise forms.ValidationError(_("No such addressee."))
        return found

    def clean_district(self):
        slug = self.cleaned_data.get("district") or ""
        if not slug:
            return None
        found = self.districts.get(slug) if self.with_choices else selectors.district_by_slug(slug)
        if found is None:
            raise forms.ValidationError(_("No such district."))
        return found

    def clean_tag(self):
        slug = self.cleaned_data.get("tag") or ""
        if not slug:
            return None
        found = self.tags.get(slug) if self.with_choices else None
        # One may follow a topic before any published post carries it.
        found = found or selectors.tag_by_slug(slug)
        if found is None:
            raise forms.ValidationError(_("No such topic."))
        return found

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def digest_filter(self) -> selectors.DigestFilter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return selectors.DigestFilter(
            addressee=data.get("addressee"),
            category=data.get("category") or "",
            district=data.get("district"),
            tag=data.get("tag"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            query=(data.get("q") or "").strip(),
        )


class ChannelsForm(forms.Form):
    """How and how often a subscription tells the person."""

    channels = forms.MultipleChoiceField(
        label=_("How to tell me"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Channel.INBOX, Channel.EMAIL],
        error_messages={"required": _("Choose at least one way to be told.")},
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        initial=Frequency.IMMEDIATE,
    )


class PostForm(forms.Form):
    addressee = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=None, widget=QuickSelect, empty_label=None
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text; an empty line starts a new paragraph."),
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=None,
        required=False,
        empty_label=_("The whole community"),
    )
    tags = forms.CharField(
        label=_("Topics"),
        required=False,
        max_length=700,
        help_text=_("Separated by commas, for example: тепло, ремонт доріг."),
    )
    images = MultipleFileField(
        label=_("Pictures"),
        required=False,
        accept="image/jpeg,image/png,image/webp",
        help_text=_("JPEG, PNG or WebP."),
    )
    image_alt = forms.CharField(
        label=_("What the pictures show"),
        required=False,
        max_length=ALT_MAX,
        help_text=_("For people who cannot see them."),
    )
    attachments = MultipleFileField(
        label=_("Documents"),
        required=False,
        help_text=_("PDF or office documents."),
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("For a scheduled post; leave empty to publish now or keep a draft."),
    )

    def __init__(self, *args, addressees, districts, editing: Post | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressee"].queryset = addressees
        self.fields["district"].queryset = districts
        if editing is not None:
            del self.fields["addressee"]
            del self.fields["publish_at"]
            self.fields["remove_files"] = forms.TypedMultipleChoiceField(
                label=_("Remove files"),
                required=False,
                coerce=int,
                choices=[(f.pk, f.name) for f in editing.files.all()],
                widget=forms.CheckboxSelectMultiple,
            )
