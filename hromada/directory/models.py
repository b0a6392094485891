"""The directory of addressees (адресати): who the council is, how to reach them, when."""

from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AddresseeGroup(models.Model):
    """A set of addressees the administrator defines (Виконком, ЦНАП, Депутати, …).

    An addressee can be in several groups; a public link can show one group only.
    """

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("code"), max_length=64, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("addressee group")
        verbose_name_plural = _("addressee groups")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Competency(models.Model):
    """A topic an addressee handles (вивіз сміття, тепло, земельні питання); routing uses it."""

    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Addressee(models.Model):
    """An organisation, a unit or one official: anyone a resident may write to or visit.

    Addressees form a tree of any depth (organisation → unit → official).
    """

    class Kind(models.TextChoices):
        COUNCIL = "council", _("Council")
        EXECUTIVE_COMMITTEE = "executive_committee", _("Executive committee")
        HEAD = "head", _("Mayor")
        DEPUTY_HEAD = "deputy_head", _("Deputy mayor")
        DEPARTMENT = "department", _("Department")
        UNIT = "unit", _("Unit")
        COMMUNAL_ENTERPRISE = "communal_enterprise", _("Communal enterprise")
        SERVICE_CENTRE = "service_centre", _("Administrative services centre")
        COUNCIL_DEPUTY = "council_deputy", _("Council deputy")
        OFFICIAL = "official", _("Official")
        OTHER = "other", _("Other organisation")

    parent = models.ForeignKey(
        "self",
        verbose_name=_("belongs to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("code"), max_length=100, unique=True)
    position = models.CharField(
        _("position"), max_length=300, blank=True, help_text=_("For an official.")
    )
    person_name = models.CharField(
        _("full name of the person"), max_length=300, blank=True, help_text=_("For an official.")
    )
    description = models.TextField(_("activity and duties"), blank=True)
    competencies = models.ManyToManyField(
        Competency, verbose_name=_("competencies"), blank=True, related_name="addressees"
    )
    groups = models.ManyToManyField(
        AddresseeGroup, verbose_name=_("groups"), blank=True, related_name="addressees"
    )
    phones = models.JSONField(_("phones"), default=list, blank=True)
    emails = models.JSONField(_("e-mails"), default=list, blank=True)
    website = models.URLField(_("website"), blank=True)
    office_address = models.CharField(_("office address"), max_length=300, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    photo = models.ImageField(
        _("photo or logo"), upload_to="directory/photos/", blank=True, max_length=200
    )
    order = models.PositiveIntegerField(_("order among siblings"), default=0)
    is_published = models.BooleanField(_("shown in the public catalogue"), default=True)
    # Lower-cased text with one kind of apostrophe, kept by the services for search.
    search_text = models.TextField(editable=False, default="")
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="addressees",
        verbose_name=_("staff"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("addressee")
        verbose_name_plural = _("addressees")
        ordering = ["order", "name"]
        indexes = [models.Index(fields=["parent", "order", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="addressee_not_its_own_parent"
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__gte=-90, latitude__lte=90)
                    & Q(longitude__gte=-180, longitude__lte=180)
                ),
                name="addressee_point_is_complete_and_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{addressee_url_prefix()}{self.slug}/"

    @property
    def photo_version(self) -> str:
        """Changes whenever the photo does (each upload gets a new random name), so the
        photo's address can carry it and be cached for good."""
        return PurePosixPath(self.photo.name).stem if self.photo else ""

    def get_photo_url(self) -> str:
        from django.urls import reverse

        path = reverse("directory:photo", kwargs={"slug": self.slug})
        return f"{path}?v={self.photo_version}" if self.photo else ""


def addressee_url_prefix() -> str:
    """Every addressee's address is this prefix plus its code: one reverse() for long lists."""
    return reverse("directory:addressee", kwargs={"slug": "x"})[:-2]


class Membership(models.Model):
    """A member of staff works for an addressee; the responsible ones receive its work."""

    addressee = models.ForeignKey(Addressee, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    is_responsible = models.BooleanField(
        _("responsible (moderator)"),
        default=False,
        help_text=_("Receives the addressee's appeals, bookings and survey results."),
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.UniqueConstraint(fields=["addressee", "user"], name="membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.addressee}"


class Schedule(models.Model):
    """A weekly timetable of an addressee: office hours, reception of citizens, …

    The primary schedule decides whether the addressee is open now.
    """

    addressee = models.ForeignKey(Addressee, on_delete=models.CASCADE, related_name="schedules")
    name = models.CharField(_("name"), max_length=200, default=_("Working hours"))
    is_primary = models.BooleanField(_("decides 'open now'"), default=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    closed_on_public_holidays = models.BooleanField(
        _("closed on public holidays"),
        default=True,
        help_text=_(
            "Uses the official calendar of Ukraine. Under martial law public holidays are "
            "working days, and the calendar already says so."
        ),
    )

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["addressee"],
                condition=Q(is_primary=True),
                name="one_primary_schedule_per_addressee",
                violation_error_message=_(
                    "This addressee already has a primary schedule; untick it there first."
                ),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="schedule_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.addressee}: {self.name}"


class Hours(models.Model):
    """Opening hours with an optional break; shared shape of weekly days and exceptions."""

    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    break_starts = models.TimeField(_("break from"), null=True, blank=True)
    break_ends = models.TimeField(_("break until"), null=True, blank=True)

    class Meta:
        abstract = True


class ScheduleDay(Hours):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="days")
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)

    class Meta:
        verbose_name = _("working day")
        verbose_name_plural = _("working days")
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "weekday"], name="one_row_per_weekday"),
        ]

    def __str__(self) -> str:
        return self.get_weekday_display()


class ScheduleException(Hours):
    """One date that differs from the week: a holiday, a short pre-holiday day, a closure.

    Empty hours mean closed that day.
    """

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"))
    note = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("exception")
        verbose_name_plural = _("exceptions")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "date"], name="one_exception_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.note}"


class Absence(models.Model):
    """An official away (vacation, sick leave, business trip), with who stands in."""

    class Kind(models.TextChoices):
        VACATION = "vacation", _("Vacation")
        SICK_LEAVE = "sick_leave", _("Sick leave")
        BUSINESS_TRIP = "business_trip", _("Business trip")
        OTHER = "other", _("Absence")

    addressee = models.ForeignKey(Addressee, on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (inclusive)"))
    substitute = models.ForeignKey(
        Addressee,
        verbose_name=_("stands in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="substitutions",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="absence_period_in_order"
            ),
            models.CheckConstraint(
                condition=~Q(substitute=F("addressee")), name="absence_substitute_is_another"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.addressee}: {self.starts_on}–{self.ends_on}"
