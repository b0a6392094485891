"""Surveys: the builder's questions and options, the responses, and the counts kept beside them.

Every count a results page shows (responses, answers per question, choices per option, a star
rating's sum, an addressee's monthly quality score) is a counter row updated with F() in the
transaction that stores the response, so results never scan the responses.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hromada.directory.models import Addressee


class Category(models.Model):
    """A heading of the opinion centre: city improvement, public discussions, strategy…"""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("code"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("survey category")
        verbose_name_plural = _("survey categories")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Survey(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Open for answers")
        CLOSED = "closed", _("Closed")
        ARCHIVED = "archived", _("In the archive")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        RESPONDENTS = "respondents", _("Those who answered")
        STAFF = "staff", _("Responsible staff only")

    class Period(models.TextChoices):
        NONE = "", _("No report")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    class Form(models.TextChoices):
        """The three forms every community has out of the box; a replacement takes the key."""

        COMPLAINT = "complaint", _("Complain")
        PROPOSAL = "proposal", _("Make a proposal")
        QUALITY = "quality", _("Rate the quality")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("code"), max_length=100, unique=True)
    description = models.TextField(_("introduction"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    category = models.ForeignKey(
        Category,
        verbose_name=_("opinion centre category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
        help_text=_("Published in the opinion centre under this heading."),
    )
    addressee = models.ForeignKey(
        Addressee,
        verbose_name=_("addressee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
        help_text=_("Whose service it assesses; its moderators manage the survey."),
    )
    show_on_addressee_page = models.BooleanField(_("shown on the addressee's page"), default=True)
    queue = models.ForeignKey(
        "equeue.Queue",
        verbose_name=_("queue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
        help_text=_("Offered after a ticket of this queue is served."),
    )
    offer_after_ticket = models.BooleanField(
        _("offer after a served ticket"),
        default=False,
        help_text=_("In the addressee's queues, or only in the queue chosen above."),
    )
    offer_after_answer = models.BooleanField(
        _("offer after an answer to an appeal"),
        default=False,
        help_text=_("For appeals the addressee answered; for every answered appeal if none."),
    )
    builtin = models.CharField(
        _("built-in form"), max_length=16, choices=Form.choices, blank=True, default=""
    )
    results_visibility = models.CharField(
        _("who sees the results"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    allow_anonymous = models.BooleanField(
        _("answers without signing in"),
        default=False,
        help_text=_("Protected by a rate limit and a simple question instead of one per person."),
    )
    opens_at = models.DateTimeField(_("open from"), null=True, blank=True)
    closes_at = models.DateTimeField(_("open until"), null=True, blank=True)
    report_period = models.CharField(
        _("report by e-mail"), max_length=16, choices=Period.choices, blank=True, default=""
    )
    report_emails = models.TextField(
        _("report also to"),
        blank=True,
        help_text=_("E-mail addresses, one per line; the addressee's responsible staff always."),
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    response_count = models.PositiveIntegerField(_("responses"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-published_at", "-pk"]
        constraints = [
            # One current version of each built-in form; the replaced ones stay in the archive.
            models.UniqueConstraint(
                fields=["builtin"],
                condition=~Q(builtin="") & ~Q(state="archived"),
                name="surveys_one_current_builtin",
            ),
        ]
        indexes = [models.Index(fields=["state", "category"], name="surveys_state_category")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:survey", kwargs={"slug": self.slug})

    def get_results_url(self) -> str:
        return reverse("surveys:results", kwargs={"slug": self.slug})

    def report_addresses(self) -> list[str]:
        return [line.strip() for line in self.report_emails.splitlines() if line.strip()]


class Section(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("One of a list")
        MULTIPLE = "multiple", _("Several of a list")
        RATING = "rating", _("Stars, 1 to 5")
        SCALE = "scale", _("Scale 0 to 10 (would you recommend)")
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        DATE = "date", _("Date")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)
    # Their options are the numbers themselves, made by the service, counted like any option.
    NUMBER_KINDS = {Kind.RATING: range(1, 6), Kind.SCALE: range(0, 11)}
    TEXT_KINDS = (Kind.SHORT_TEXT, Kind.LONG_TEXT, Kind.DATE)

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("hint"), max_length=500, blank=True)
    is_required = models.BooleanField(_("required"), default=False)
    allow_other = models.BooleanField(
        _("with “other”"), default=False, help_text=_("A free answer beside the list.")
    )
    counts_for_quality = models.BooleanField(
        _("counts in the addressee's quality score"),
        default=False,
        help_text=_("For a star rating of an addressee's service."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    # Asked only when an earlier question's answer is one of these options (e.g. "why?" after
    # a rating of 1 or 2); checked in responses.clean_answers, shown and hidden by the page.
    show_if_question = models.ForeignKey(
        "self",
        verbose_name=_("shown only after the question"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dependents",
    )
    show_if_options = models.ManyToManyField(
        "Option",
        verbose_name=_("when its answer is one of"),
        blank=True,
        related_name="+",
    )
    answered_count = models.PositiveIntegerField(_("answered"), default=0, editable=False)
    other_count = models.PositiveIntegerField(_("answered “other”"), default=0, editable=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def key(self) -> str:
        return f"q{self.pk}"

    @property
    def is_choice(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    @property
    def is_number(self) -> bool:
        return self.kind in self.NUMBER_KINDS

    @property
    def sort_key(self) -> tuple:
        """Its place in the form: sections in order (questions outside any come first)."""
        section = (self.section.order, self.section_id) if self.section_id else (-1, 0)
        return (*section, self.order, self.pk)


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option"), max_length=300)
    value = models.SmallIntegerField(_("number"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    count = models.PositiveIntegerField(_("chosen"), default=0, editable=False)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.label


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    # What the response rates: "" (the survey itself), "ticket:<id>" or "appeal:<id>".
    subject = models.CharField(max_length=40, blank=True, default="")
    booking = models.ForeignKey(
        "equeue.Booking", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appeal = models.ForeignKey(
        "appeals.Appeal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    addressee = models.ForeignKey(
        Addressee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The appeal a complaint or proposal form's response was registered as (surveys/filing.py).
    filed_appeal = models.OneToOneField(
        "appeals.Appeal",
        verbose_name=_("registered as the appeal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_response",
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["pk"]
        constraints = [
            # One response per signed-in person per survey (and per ticket or appeal rated).
            models.UniqueConstraint(
                fields=["survey", "respondent", "subject"],
                condition=Q(respondent__isnull=False),
                name="surveys_one_response_per_person",
            ),
        ]
        indexes = [models.Index(fields=["survey", "submitted_at"], name="surveys_response_time")]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(
        Option, null=True, blank=True, on_delete=models.PROTECT, related_name="answers"
    )
    text = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text or (self.option.label if self.option_id else "")


class QualityScore(models.Model):
    """An addressee's star ratings in one month: their number and sum, kept with F()."""

    addressee = models.ForeignKey(Addressee, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    ratings = models.PositiveIntegerField(_("ratings"), default=0)
    stars = models.PositiveIntegerField(_("sum of stars"), default=0)

    class Meta:
        verbose_name = _("quality score")
        verbose_name_plural = _("quality scores")
        ordering = ["addressee", "month"]
        constraints = [
            models.UniqueConstraint(fields=["addressee", "month"], name="surveys_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.addressee_id} {self.month:%Y-%m}"

    @property
    def average(self) -> float | None:
        return self.stars / self.ratings if self.ratings else None


class Report(models.Model):
    """A periodic report owed to one recipient (the outbox): unique per survey, period and
    address, so a job run twice sends it once."""

    key = models.CharField(max_length=200, unique=True)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="reports")
    recipient = models.EmailField()
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("report e-mail")
        verbose_name_plural = _("report e-mails")
        indexes = [models.Index(fields=["sent_at", "created_at"], name="surveys_outbox")]

    def __str__(self) -> str:
        return f"{self.survey} → {self.recipient}"
