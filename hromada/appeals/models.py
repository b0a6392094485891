"""Appeals of every kind (Law 393/96-ВР, public information, corruption reports, problem
reports), their journal numbers, routing rules, events, answers, ratings and notifications."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hromada.core import deadlines
from hromada.core.errors import ApplicationError


class Kind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal or remark")
    APPLICATION = "application", _("Application or request")
    COMPLAINT = "complaint", _("Complaint")
    PROBLEM_REPORT = "problem_report", _("Problem report")
    PUBLIC_INFORMATION = "public_information", _("Request for public information")
    CORRUPTION_REPORT = "corruption_report", _("Report of possible corruption")


assert set(Kind.values) == set(deadlines.KINDS)


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    REGISTERED = "registered", _("Registered")
    ASSIGNED = "assigned", _("Assigned to an executor")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    RETURNED = "returned", _("Returned to the author")
    FORWARDED = "forwarded", _("Forwarded to the competent body")
    NOT_CONSIDERED = "not_considered", _("Not to be considered")
    REOPENED = "reopened", _("Reopened")
    DUPLICATE = "duplicate", _("Duplicate")


# The states in which the appeal still waits for the council's work and its deadline runs.
OPEN_STATES = (
    State.SUBMITTED,
    State.REGISTERED,
    State.ASSIGNED,
    State.IN_PROGRESS,
    State.REOPENED,
)
OPEN_STATE_VALUES = [str(state) for state in OPEN_STATES]
FINAL_STATES = (
    State.CLOSED,
    State.RETURNED,
    State.FORWARDED,
    State.NOT_CONSIDERED,
    State.DUPLICATE,
)


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    API = "api", _("Mobile app or API")
    PHONE = "phone", _("Phone (call centre)")
    POST = "post", _("Post")
    IN_PERSON = "in_person", _("In person")
    EMAIL = "email", _("E-mail")


class Category(models.Model):
    """A topic of appeals and problem reports (roads, lighting, waste, …): routing keys on it."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("code"), max_length=64, unique=True)
    description = models.TextField(_("description"), blank=True)
    for_problem_reports = models.BooleanField(_("offered for problem reports"), default=True)
    is_active = models.BooleanField(_("offered to citizens"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Appeals of this category from this district go to this addressee.

    A rule with no category (or no district) matches any; the most specific active rule wins,
    then the lowest priority number. No rule: the appeals department's triage queue.
    """

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
        help_text=_("Empty: any category."),
    )
    district = models.ForeignKey(
        "core.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: anywhere in the community."),
    )
    addressee = models.ForeignKey(
        "directory.Addressee",
        verbose_name=_("addressee"),
        on_delete=models.PROTECT,
        related_name="routing_rules",
    )
    priority = models.PositiveIntegerField(
        _("priority"), default=100, help_text=_("Among equally specific rules, the lower wins.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["priority", "pk"]

    def __str__(self) -> str:
        where = self.district or _("anywhere")
        what = self.category or _("any category")
        return f"{what} · {where} → {self.addressee}"


class Journal(models.TextChoices):
    APPEALS = "appeals", _("Journal of appeals")
    # Numbers shared with the appeals would show, by their gaps, how many reports came in.
    CORRUPTION_REPORTS = "corruption", _("Journal of reports of possible corruption")


class JournalCounter(models.Model):
    """The last registration number given in a year of one journal (журнал реєстрації)."""

    journal = models.CharField(
        _("journal"), max_length=20, choices=Journal.choices, default=Journal.APPEALS
    )
    year = models.PositiveIntegerField(_("year"))
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("journal counter")
        verbose_name_plural = _("journal counters")
        constraints = [
            models.UniqueConstraint(fields=["journal", "year"], name="journal_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_journal_display()}, {self.year}: {self.value}"


class Appeal(models.Model):
    number = models.CharField(_("registration number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SUBMITTED
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    is_collective = models.BooleanField(_("collective"), default=False)
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("text"))
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    addressee = models.ForeignKey(
        "directory.Addressee",
        verbose_name=_("addressee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        help_text=_("Empty: waits in the appeals department's triage queue."),
    )
    district = models.ForeignKey(
        "core.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    location_text = models.CharField(_("address or place"), max_length=300, blank=True)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("A problem report shown on the city map.")
    )
    is_simple = models.BooleanField(
        _("needs no extra study"), default=False, help_text=_("Law 393/96-ВР art. 20: 15 days.")
    )
    is_urgent = models.BooleanField(
        _("urgent (48 hours)"), default=False, help_text=_("Public information only.")
    )
    urgency_reason = models.TextField(_("why it is urgent"), blank=True)
    has_benefits = models.BooleanField(
        _("author has statutory benefits"),
        default=False,
        help_text=_("Law 393/96-ВР art. 20: served first."),
    )
    # Complaints (art. 17): about which decision, and when it was taken and learned of.
    complaint_about = models.ForeignKey(
        "self",
        verbose_name=_("complaint about the answer to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    decision_date = models.DateField(_("date of the decision complained of"), null=True, blank=True)
    learned_date = models.DateField(_("date the author learned of it"), null=True, blank=True)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    # What the law asks of the author (art. 5), as given when the appeal was filed.
    author_last_name = models.CharField(_("surname"), max_length=100, blank=True)
    author_first_name = models.CharField(_("first name"), max_length=100, blank=True)
    author_patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    author_address = models.CharField(_("place of residence"), max_length=300, blank=True)
    author_email = models.EmailField(_("e-mail"), blank=True)
    author_phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_appeals",
    )

    received_at = models.DateTimeField(_("received"))
    # A reopened appeal is considered anew: its term counts from the reopening (empty: from
    # receipt).
    term_started_at = models.DateTimeField(_("term counted from"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"))
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    routing_rule = models.ForeignKey(
        RoutingRule,
        verbose_name=_("routing rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    routing_reason = models.CharField(_("why this addressee"), max_length=300, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    repeated_of = models.ForeignKey(
        "self",
        verbose_name=_("possibly repeats"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeats",
        help_text=_("Same author, same addressee, a question already answered (art. 8)."),
    )
    forwarded_to = models.CharField(_("forwarded to"), max_length=300, blank=True)
    support_count = models.PositiveIntegerField(_("supporters"), default=0)
    # Lower-cased number, subject, text and author, kept by the services for search.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-received_at", "-pk"]
        permissions = [
            ("handle_appeals", _("Can register, route and answer appeals")),
            ("handle_corruption_reports", _("Can see and check reports of possible corruption")),
        ]
        indexes = [
            # Queues: keyset pagination over (due_at, id) within a state set.
            models.Index(fields=["state", "due_at", "id"], name="appeal_state_due"),
            models.Index(fields=["due_at", "id"], name="appeal_due"),
            # The working queues (open appeals, earliest deadline first) are a small part of
            # a journal of millions: a partial index keeps them from walking the closed ones.
            models.Index(
                fields=["due_at", "id"],
                condition=Q(state__in=OPEN_STATE_VALUES),
                name="appeal_open_due",
            ),
            models.Index(fields=["addressee", "state", "due_at", "id"], name="appeal_addr_due"),
            models.Index(fields=["executor", "state", "due_at", "id"], name="appeal_exec_due"),
            models.Index(fields=["author", "received_at"], name="appeal_author"),
            # An addressee's figures for a period (its public page, the back office).
            # The whole queue filtered by one addressee, in the queue's order.
            models.Index(fields=["addressee", "due_at", "id"], name="appeal_addr_due_all"),
            models.Index(fields=["addressee", "received_at"], name="appeal_addr_received"),
            models.Index(fields=["received_at"], name="appeal_received"),
            models.Index(fields=["kind", "state"], name="appeal_kind_state"),
            # The queue's "most supported first" (problem reports the public supports).
            models.Index(fields=["-support_count", "due_at", "id"], name="appeal_support_due"),
            # Open311's public requests, newest first, within a period (GET requests.json).
            models.Index(
                fields=["kind", "is_public", "received_at", "id"], name="appeal_public_received"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__gte=-90, latitude__lte=90)
                    & Q(longitude__gte=-180, longitude__lte=180)
                ),
                name="appeal_point_is_complete_and_valid",
            ),
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | Q(kind=Kind.CORRUPTION_REPORT),
                name="appeal_only_corruption_reports_anonymous",
            ),
            models.CheckConstraint(
                condition=Q(is_urgent=False) | Q(kind=Kind.PUBLIC_INFORMATION),
                name="appeal_only_public_information_urgent",
            ),
            models.CheckConstraint(
                condition=Q(is_public=False) | Q(kind=Kind.PROBLEM_REPORT),
                name="appeal_only_problem_reports_public",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("appeals:detail", kwargs={"pk": self.pk})

    @property
    def author_name(self) -> str:
        parts = (self.author_last_name, self.author_first_name, self.author_patronymic)
        return " ".join(p for p in parts if p)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def term_start(self):
        return self.term_started_at or self.received_at

    def deadline_basis(self) -> str:
        """Why the appeal is due when it is, in the language of whoever reads it."""
        if self.extended_at:
            try:
                return deadlines.extend(
                    deadlines.deadline_for(self.kind, self.term_start),
                    self.term_start,
                    kind=self.kind,
                    at=self.term_start,
                ).basis
            except ApplicationError:
                return ""
        return deadlines.deadline_for(
            self.kind, self.term_start, simple=self.is_simple, urgent=self.is_urgent
        ).basis


class Signer(models.Model):
    """A co-signer of a collective appeal; counts once confirmed from their own account."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="signers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_appeals"
    )
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-signer")
        verbose_name_plural = _("co-signers")
        constraints = [models.UniqueConstraint(fields=["appeal", "user"], name="signer_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.appeal.number}"


class Event(models.Model):
    """One step in an appeal's life: append-only; the timeline is rendered from these rows."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        REGISTERED = "registered", _("Registered")
        ROUTED = "routed", _("Sent to the addressee")
        ASSIGNED = "assigned", _("Assigned to an executor")
        STARTED = "started", _("Work started")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")
        RETURNED = "returned", _("Returned to the author")
        FORWARDED = "forwarded", _("Forwarded to the competent body")
        EXTENDED = "extended", _("Deadline extended")
        NOT_CONSIDERED = "not_considered", _("Not to be considered")
        REOPENED = "reopened", _("Reopened")
        DUPLICATE = "duplicate", _("Marked as a duplicate")
        RATED = "rated", _("Answer rated")
        CALLED_BACK = "called_back", _("Called back")
        SIGNED = "signed", _("Co-signer confirmed")
        REMINDED = "reminded", _("Deadline reminder sent")
        OVERDUE = "overdue", _("Deadline passed")
        ESCALATED = "escalated", _("Escalated to the head")
        COMMENTED = "commented", _("Internal note")
        REPEATED = "repeated", _("Flagged as a repeated appeal")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    is_public = models.BooleanField(_("shown to the author"), default=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["appeal", "created_at"], name="appeal_event_timeline")]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.action}"


class Answer(models.Model):
    """The executor's answer; a reopened appeal may get another one."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("answer"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.created_at:%Y-%m-%d}"


class Attachment(models.Model):
    """A file of an appeal or of an answer, stored under a random private name."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="appeals/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class Rating(models.Model):
    """The author's rating of an answer (1-5 each): once per answer."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="ratings")
    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="rating")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    quality = models.PositiveSmallIntegerField(_("quality"))
    speed = models.PositiveSmallIntegerField(_("speed"))
    completeness = models.PositiveSmallIntegerField(_("completeness"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(quality__gte=1, quality__lte=5)
                & Q(speed__gte=1, speed__lte=5)
                & Q(completeness__gte=1, completeness__lte=5),
                name="rating_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.quality}/{self.speed}/{self.completeness}"

    @property
    def average(self) -> float:
        return (self.quality + self.speed + self.completeness) / 3


class CallBack(models.Model):
    """An operator called the author back (the «109» centre) and recorded the outcome."""

    class Outcome(models.TextChoices):
        SATISFIED = "satisfied", _("Reached: satisfied with the result")
        NOT_SATISFIED = "not_satisfied", _("Reached: not satisfied")
        NO_ANSWER = "no_answer", _("Did not answer")
        WRONG_NUMBER = "wrong_number", _("Wrong number")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="call_backs")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("call-back")
        verbose_name_plural = _("call-backs")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.outcome}"
