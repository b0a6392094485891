"""The situation centre's own tables, kept beside the appeals they describe.

A problem report is an appeal (hromada.appeals); this app adds what the map and the dashboard
need to answer fast over millions of appeals: one denormalised row per appeal (AppealFact),
counts per day (DailyCount, DailyTotal) and per map cell (MapCell), all kept by
hromada.situation.facts in the transaction of the appeal's own change. Supports are here too,
once per person and report.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """What the public and the dashboard see of an appeal's state: five groups."""

    NEW = "new", _("New")
    IN_WORK = "in_work", _("In work")
    OVERDUE = "overdue", _("Overdue")
    DONE = "done", _("Resolved")
    OTHER = "other", _("Closed without resolution")


OPEN_STATUSES = (Status.NEW, Status.IN_WORK, Status.OVERDUE)
# What the map's live counts read besides the dates (see AppealFact's fact_map_* indexes).
MAP_COLUMNS = (
    "latitude", "longitude", "category_id", "district_id", "status", "addressee_id", "is_public"
)  # fmt: skip


class AppealFact(models.Model):
    """One appeal as the map, the lists and the dashboard read it (no personal data).

    Integer keys with 0 for "none" (district, category, addressee) keep the aggregate tables'
    unique keys free of NULLs, which SQLite and PostgreSQL compare differently.
    """

    appeal = models.OneToOneField(
        "appeals.Appeal", primary_key=True, on_delete=models.CASCADE, related_name="fact"
    )
    kind = models.CharField(_("kind"), max_length=32)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    is_public = models.BooleanField(_("on the public map"), default=False)
    category_id = models.PositiveIntegerField(default=0)
    district_id = models.PositiveIntegerField(default=0)
    addressee_id = models.PositiveIntegerField(default=0)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    received_at = models.DateTimeField(_("received"))
    received_on = models.DateField(_("received (day)"))
    resolved_on = models.DateField(_("resolved (day)"), null=True)
    support_count = models.PositiveIntegerField(_("supporters"), default=0)

    class Meta:
        verbose_name = _("appeal figure")
        verbose_name_plural = _("appeal figures")
        indexes = [
            # The public map's bounding box: public problem reports only.
            # Kind first, though the condition fixes it: without statistics SQLite prefers an
            # index whose leading column the query compares for equality (fact_map_* below).
            models.Index(
                fields=["kind", "latitude", "longitude"],
                condition=Q(is_public=True, kind="problem_report"),
                name="fact_public_point",
            ),
            # The public list: newest first within the public reports.
            models.Index(
                fields=["received_at", "appeal"],
                condition=Q(is_public=True, kind="problem_report"),
                name="fact_public_received",
            ),
            models.Index(fields=["kind", "received_on"], name="fact_kind_received"),
            # Reports within a yard (the yard-repair list), public or not.
            models.Index(fields=["latitude", "longitude"], name="fact_point"),
            # "Same category, open, nearby" before filing.
            models.Index(fields=["category_id", "status", "latitude"], name="fact_nearby"),
            # The map's counts the cells do not keep, read from these indexes alone (every
            # column the count reads is in them; SQLite picks them by the leading kind): the
            # days at the edges of a filing or resolution period that are not whole months,
            # and an addressee's reports within a period.
            models.Index(
                fields=["kind", "received_on", "resolved_on", *MAP_COLUMNS],
                condition=Q(is_public=True),
                name="fact_map_received",
            ),
            models.Index(
                fields=["kind", "resolved_on", "received_on", *MAP_COLUMNS],
                condition=Q(is_public=True),
                name="fact_map_resolved",
            ),
            models.Index(
                fields=[
                    "kind",
                    "addressee_id",
                    "received_on",
                    "resolved_on",
                    *MAP_COLUMNS[:-2],
                    "is_public",
                ],
                condition=Q(is_public=True),
                name="fact_map_addressee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.status}"


class DailyCount(models.Model):
    """Appeals received on a day, by kind, district, category and today's status."""

    day = models.DateField()
    kind = models.CharField(max_length=32)
    district_id = models.PositiveIntegerField(default=0)
    category_id = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "kind", "district_id", "category_id", "status"],
                name="daily_count_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.status}: {self.count}"


class DailyTotal(models.Model):
    """DailyCount summed over districts and categories: the trends read a year of it."""

    day = models.DateField()
    kind = models.CharField(max_length=32)
    status = models.CharField(max_length=10, choices=Status.choices)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily total")
        verbose_name_plural = _("daily totals")
        constraints = [
            models.UniqueConstraint(fields=["day", "kind", "status"], name="daily_total_key")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.status}: {self.count}"


class MapCell(models.Model):
    """Problem reports with a point, counted per grid cell of one zoom level.

    A cell of level L is 360 / 2**(L + 1) degrees wide and high (about 128 screen pixels at
    map zoom L), counted from (-180, -90); a cell of level L holds exactly two by two cells
    of level L + 1. Sums of coordinates give each cluster its centre.

    Each report is counted in a few slices, each answering some filters from its rows alone:
    by month received (and in all months together, month 0), by addressee (all months), and
    by month resolved. Filters no slice keeps are counted from the facts' indexes.
    """

    class Slice(models.IntegerChoices):
        RECEIVED = 0, "received"
        ADDRESSEE = 1, "addressee"
        RESOLVED = 2, "resolved"

    level = models.PositiveSmallIntegerField()
    slice = models.PositiveSmallIntegerField(choices=Slice.choices, default=Slice.RECEIVED)
    cx = models.IntegerField()
    cy = models.IntegerField()
    is_public = models.BooleanField()
    category_id = models.PositiveIntegerField(default=0)
    district_id = models.PositiveIntegerField(default=0)
    # Kept in the addressee slice only; 0 in the others.
    addressee_id = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices)
    month = models.PositiveIntegerField(
        help_text="Month received (or resolved, in the resolved slice): year * 100 + month; "
        "0 counts all months together."
    )
    count = models.IntegerField(default=0)
    sum_lat = models.FloatField(default=0)
    sum_lon = models.FloatField(default=0)

    class Meta:
        verbose_name = _("map cell")
        verbose_name_plural = _("map cells")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "level",
                    "slice",
                    "cx",
                    "cy",
                    "is_public",
                    "category_id",
                    "district_id",
                    "addressee_id",
                    "status",
                    "month",
                ],
                name="map_cell_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["level", "slice", "addressee_id", "month", "cy", "cx"],
                name="map_cell_box",
            )
        ]

    def __str__(self) -> str:
        return f"{self.level}:{self.cx}/{self.cy} {self.count}"


class Support(models.Model):
    """A signed-in person supports (підписується під) a public problem report, once."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["appeal", "user"], name="support_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.appeal_id}"


class AddressQuerySet(models.QuerySet):
    def with_code(self, code: str) -> "AddressQuerySet":
        """The address of this register code, through the codes' partial index: SQLite uses
        a partial index only when the query repeats its condition (the code is not empty)."""
        return self.filter(code=code).exclude(code="").order_by()


class Address(models.Model):
    """The city's address register (street and house number with its point), for filing a
    report by address rather than on the map."""

    street = models.CharField(_("street"), max_length=200)
    house = models.CharField(_("house"), max_length=20)
    # The address's own id in the city's master register (imported with it), which partners
    # send as Open311's address_id; empty when the register gives none.
    code = models.CharField(_("register code"), max_length=64, blank=True, default="")
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    district = models.ForeignKey(
        "core.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="addresses",
    )
    # Lower-cased "street house", kept by services.address_upsert: SQLite lower-cases only
    # ASCII, so a search for "шевченка" needs the text lower-cased in Python.
    search_text = models.CharField(max_length=240, editable=False, db_index=True)

    objects = AddressQuerySet.as_manager()

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("address register")
        ordering = ["street", "house"]
        constraints = [
            models.UniqueConstraint(fields=["street", "house"], name="address_once"),
            models.UniqueConstraint(
                fields=["code"],
                condition=~models.Q(code=""),
                name="address_code_once",
                violation_error_message=_("Another address has this register code."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.street}, {self.house}"


class RecurringProblem(models.Model):
    """A place where reports of one category come back month after month: a systemic problem
    to fix at the root. Recomputed from the map cells by a periodic job."""

    level = models.PositiveSmallIntegerField()
    cx = models.IntegerField()
    cy = models.IntegerField()
    category_id = models.PositiveIntegerField(default=0)
    months = models.PositiveSmallIntegerField(_("months with reports"))
    count = models.PositiveIntegerField(_("reports"))
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("recurring problem")
        verbose_name_plural = _("recurring problems")
        ordering = ["-months", "-count"]

    def __str__(self) -> str:
        return f"{self.category_id} @ {self.cx}/{self.cy}: {self.months}"


# --- City objects, works, excavation permits, yards (seed 001) --------------------------------


class Geometry(models.TextChoices):
    POINT = "Point", _("Points")
    LINE = "LineString", _("Lines")
    POLYGON = "Polygon", _("Areas")
    ANY = "any", _("Any geometry")


class Boxed(models.Model):
    """A GeoJSON geometry (WGS 84) with its bounding box, for box queries with indexes."""

    geometry = models.JSONField(_("geometry (GeoJSON)"))
    min_lat = models.FloatField(editable=False)
    max_lat = models.FloatField(editable=False)
    min_lon = models.FloatField(editable=False)
    max_lon = models.FloatField(editable=False)

    class Meta:
        abstract = True


class LayerType(models.Model):
    """A layer of city objects kept by staff: playgrounds, cameras, bus routes, networks, …

    ``attributes`` lists the fields each object of the layer carries:
    ``[{"key": "capacity", "label": "Місткість", "type": "number"}, …]`` (text, number, date).
    """

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("code"), max_length=64, unique=True)
    description = models.TextField(_("description"), blank=True)
    geometry_type = models.CharField(
        _("geometry"), max_length=16, choices=Geometry.choices, default=Geometry.POINT
    )
    attributes = models.JSONField(_("attributes"), default=list, blank=True)
    is_public = models.BooleanField(_("shown to the public"), default=True)
    colour = models.CharField(_("colour on the map"), max_length=7, default="#0b4a85")
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("layer of city objects")
        verbose_name_plural = _("layers of city objects")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class CityObject(Boxed):
    layer = models.ForeignKey(
        LayerType, verbose_name=_("layer"), on_delete=models.CASCADE, related_name="city_objects"
    )
    name = models.CharField(_("name"), max_length=300)
    values = models.JSONField(_("attribute values"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("city object")
        verbose_name_plural = _("city objects")
        ordering = ["layer", "name"]
        indexes = [models.Index(fields=["layer", "min_lat", "min_lon"], name="city_object_box")]

    def __str__(self) -> str:
        return self.name


class Work(Boxed):
    """Planned or ongoing works (a repair, a network, a road): what is dug up, by whom, until
    when; the operator's answer to "why is my yard dug up"."""

    title = models.CharField(_("what is done"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    contractor = models.CharField(_("contractor"), max_length=300)
    customer = models.CharField(_("customer"), max_length=300, blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    is_public = models.BooleanField(_("shown to the public"), default=True)

    class Meta:
        verbose_name = _("works")
        verbose_name_plural = _("works")
        ordering = ["starts_on", "pk"]
        indexes = [models.Index(fields=["ends_on", "starts_on"], name="work_period")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="work_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ExcavationPermit(Boxed):
    """An excavation permit (ордер на земляні роботи): the surface must be restored by a date;
    past it without closure, the claims go out by themselves and the permit shows overdue."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    contractor = models.CharField(_("contractor"), max_length=300)
    contractor_email = models.EmailField(_("contractor's e-mail"))
    place = models.CharField(_("place"), max_length=300)
    purpose = models.CharField(_("purpose of the works"), max_length=300, blank=True)
    issued_on = models.DateField(_("issued"))
    restore_by = models.DateField(_("surface to be restored by"))
    closed_on = models.DateField(_("closed (surface restored)"), null=True, blank=True)
    overdue_since = models.DateTimeField(_("found overdue"), null=True, blank=True)

    class Meta:
        verbose_name = _("excavation permit")
        verbose_name_plural = _("excavation permits")
        ordering = ["-issued_on", "number"]
        indexes = [
            models.Index(
                fields=["restore_by"],
                condition=Q(closed_on__isnull=True, overdue_since__isnull=True),
                name="permit_watch",
            )
        ]

    def __str__(self) -> str:
        return self.number


class PermitClaim(models.Model):
    """A claim sent about an overdue permit: to the contractor and to the police, once each."""

    class Recipient(models.TextChoices):
        CONTRACTOR = "contractor", _("Contractor")
        POLICE = "police", _("Police")

    permit = models.ForeignKey(ExcavationPermit, on_delete=models.CASCADE, related_name="claims")
    recipient_kind = models.CharField(_("to"), max_length=16, choices=Recipient.choices)
    recipient = models.EmailField(_("e-mail"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("claim about a permit")
        verbose_name_plural = _("claims about permits")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["permit", "recipient_kind"], name="permit_claim_once")
        ]

    def __str__(self) -> str:
        return f"{self.permit} → {self.recipient}"


class Yard(Boxed):
    """A yard of apartment blocks, ranked for repair by the published formula."""

    address = models.CharField(_("address"), max_length=300)
    apartments = models.PositiveIntegerField(_("apartments"))
    area_m2 = models.PositiveIntegerField(_("area, m²"))
    appeals_count = models.PositiveIntegerField(_("appeals about it"), default=0, editable=False)
    counted_at = models.DateTimeField(_("appeals counted"), null=True, blank=True)

    class Meta:
        verbose_name = _("yard")
        verbose_name_plural = _("yards")
        ordering = ["address"]

    def __str__(self) -> str:
        return self.address
