"""The electronic queue (електронна черга): queues of an addressee, their services and
schedules, and the bookings (tickets) residents make in them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hromada.directory.models import Addressee, Hours, ScheduleDay


class Queue(models.Model):
    """One queue of an addressee: a specialist's reception, a service window, a deputy's
    reception days. An addressee may have any number of them."""

    addressee = models.ForeignKey(
        Addressee, verbose_name=_("addressee"), on_delete=models.PROTECT, related_name="queues"
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("code"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(
        _("address and room"),
        max_length=300,
        blank=True,
        help_text=_("Where to come; the addressee's office address when empty."),
    )
    ticket_prefix = models.CharField(
        _("ticket prefix"), max_length=4, default="А", help_text=_("Tickets read А-001, А-002…")
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        _("slot step, minutes"),
        default=15,
        help_text=_("Appointments start at multiples of this from the opening time."),
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon, days"), default=14, help_text=_("How many days ahead one may book.")
    )
    min_notice_minutes = models.PositiveIntegerField(
        _("book at least this many minutes ahead"), default=30
    )
    cutoff_hours = models.PositiveSmallIntegerField(
        _("cancel or move up to, hours before"), default=2
    )
    active_limit = models.PositiveSmallIntegerField(
        _("active bookings per person"),
        default=1,
        help_text=_("How many future bookings one person may hold in this queue at once."),
    )
    closed_on_public_holidays = models.BooleanField(
        _("closed on public holidays"),
        default=True,
        help_text=_(
            "Uses the official calendar of Ukraine. Under martial law public holidays are "
            "working days, and the calendar already says so."
        ),
    )
    is_active = models.BooleanField(_("open for booking"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_step_minutes__gte=5) & Q(horizon_days__gte=1),
                name="equeue_queue_step_and_horizon",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("equeue:queue", kwargs={"slug": self.slug})

    @property
    def place(self) -> str:
        return self.location or self.addressee.office_address


class Service(models.Model):
    """What a resident comes for, and how long it takes."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration, minutes"), default=15)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=480),
                name="equeue_service_duration",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FormField(models.Model):
    """An extra question on the queue's booking form, defined by the administrator."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Line of text")
        TEXTAREA = "textarea", _("Paragraph of text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        CHOICE = "choice", _("One of a list")
        CHECKBOX = "checkbox", _("Tick box")

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="form_fields")
    label = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.TEXT)
    help_text = models.CharField(_("hint"), max_length=300, blank=True)
    is_required = models.BooleanField(_("required"), default=False)
    choices = models.TextField(_("choices"), blank=True, help_text=_("One per line."))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("booking form field")
        verbose_name_plural = _("booking form fields")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def key(self) -> str:
        return f"field_{self.pk}"

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class WeeklyHours(Hours):
    """The queue's usual hours on one day of the week, with an optional break."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="week")
    weekday = models.PositiveSmallIntegerField(
        _("day of the week"), choices=ScheduleDay.Weekday.choices
    )

    class Meta:
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["queue", "weekday"], name="equeue_one_row_per_weekday")
        ]

    def __str__(self) -> str:
        return self.get_weekday_display()


class MonthlyRule(Hours):
    """Hours on the n-th weekday of every month ("the first Thursday, 10:00–13:00"): a
    deputy's reception. Computed for any month, so it extends itself with no end date."""

    class Ordinal(models.IntegerChoices):
        FIRST = 1, _("first")
        SECOND = 2, _("second")
        THIRD = 3, _("third")
        FOURTH = 4, _("fourth")
        LAST = -1, _("last")

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="monthly_rules")
    ordinal = models.SmallIntegerField(_("which"), choices=Ordinal.choices)
    weekday = models.PositiveSmallIntegerField(
        _("day of the week"), choices=ScheduleDay.Weekday.choices
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty: no end."))

    class Meta:
        verbose_name = _("monthly rule")
        verbose_name_plural = _("monthly rules")
        ordering = ["ordinal", "weekday"]

    def __str__(self) -> str:
        return f"{self.get_ordinal_display()} {self.get_weekday_display()}"


class QueueException(Hours):
    """One date that differs: a holiday, a short day, extra hours. Empty hours: closed."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"))
    note = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("exception")
        verbose_name_plural = _("exceptions")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["queue", "date"], name="equeue_one_exception_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.note}"


class Closure(models.Model):
    """Days the queue does not receive: the specialist's vacation, sick leave, training."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (inclusive)"))
    note = models.CharField(_("reason"), max_length=200, blank=True, default=_("Vacation"))

    class Meta:
        verbose_name = _("vacation or closure")
        verbose_name_plural = _("vacations and closures")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="equeue_closure_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on}: {self.note}"


class State(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ARRIVED = "arrived", _("Arrived")
    SERVED = "served", _("Served")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", _("Cancelled")


class Booking(models.Model):
    """A resident's appointment: the ticket."""

    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="bookings")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="bookings")
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    # A random code in the ticket's address (and its QR code); the number is for the hall.
    code = models.CharField(max_length=32, unique=True, editable=False)
    number = models.CharField(_("ticket number"), max_length=16)
    day = models.DateField(_("date"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.BOOKED)
    citizen_name = models.CharField(_("full name"), max_length=300)
    citizen_email = models.EmailField(_("e-mail"))
    citizen_phone = models.CharField(_("phone"), max_length=32, blank=True)
    answers = models.JSONField(_("answers on the form"), default=list, blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("follows the visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_visits",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at", "pk"]
        constraints = [
            # Never a double booking: one live ticket per start in a queue, whatever races.
            models.UniqueConstraint(
                fields=["queue", "starts_at"],
                condition=~Q(state="cancelled"),
                name="equeue_one_live_booking_per_start",
            ),
            models.UniqueConstraint(fields=["queue", "day", "number"], name="equeue_number_once"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="equeue_booking_in_order"
            ),
        ]
        indexes = [
            models.Index(fields=["queue", "day", "starts_at"], name="equeue_queue_day"),
            models.Index(fields=["citizen", "state", "starts_at"], name="equeue_citizen"),
            models.Index(fields=["state", "starts_at"], name="equeue_state_start"),
            models.Index(fields=["updated_at", "id"], name="equeue_feed"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.day}"

    def get_absolute_url(self) -> str:
        return reverse("equeue:ticket", kwargs={"code": self.code})


class Event(models.Model):
    """Append-only history of a booking: booked, moved, cancelled, arrived, a comment…"""

    class Action(models.TextChoices):
        BOOKED = "booked", _("Booked")
        MOVED = "moved", _("Moved to another time")
        CANCELLED = "cancelled", _("Cancelled")
        ARRIVED = "arrived", _("Arrived")
        SERVED = "served", _("Served")
        NO_SHOW = "no_show", _("Did not come")
        COMMENTED = "commented", _("Comment")
        FILES = "files", _("Files added")
        NEXT_VISIT = "next_visit", _("Next visit planned")
        REMINDED = "reminded", _("Reminded")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    comment = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        ordering = ["pk"]  # append-only: the order of writing

    def __str__(self) -> str:
        return f"{self.booking} {self.action}"


class BookingFile(models.Model):
    """A file the specialist adds to a visit, stored under a random private name."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to="equeue/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name
