"""What Open311 adds to a problem report: the attributes a service asks for, and the record
of a request that came through Open311 (its token, the partner, the client's ids)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Datatype(models.TextChoices):
    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLEVALUELIST = "singlevaluelist", _("One of a list")
    MULTIVALUELIST = "multivaluelist", _("Several of a list")


LIST_DATATYPES = (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST)


class ServiceAttribute(models.Model):
    """An extra question of a service (a problem-report category), as the standard's service
    definition lists it."""

    category = models.ForeignKey(
        "appeals.Category",
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="open311_attributes",
        limit_choices_to={"for_problem_reports": True},
    )
    code = models.SlugField(_("code"), max_length=64)
    description = models.CharField(_("question"), max_length=300)
    datatype = models.CharField(_("type"), max_length=20, choices=Datatype.choices)
    datatype_description = models.CharField(_("hint"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    # The standard's "variable": false marks an informational attribute nobody answers.
    variable = models.BooleanField(_("answered by the resident"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    values = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For the list types: [{"key": "small", "name": "Невелика"}, …].'),
    )

    class Meta:
        verbose_name = _("Open311 attribute")
        verbose_name_plural = _("Open311 attributes")
        ordering = ["category", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_code")
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.code}"

    @property
    def keys(self) -> list[str]:
        return [str(value.get("key", "")) for value in self.values or []]


class MediaState(models.TextChoices):
    """The picture at media_url: fetched in the background, kept only when it is one."""

    PENDING = "pending", _("to be fetched")
    STORED = "stored", _("stored with the appeal")
    REFUSED = "refused", _("not kept")


class Open311Request(models.Model):
    """A problem report filed through Open311: the appeal is the request itself."""

    appeal = models.OneToOneField(
        "appeals.Appeal", on_delete=models.CASCADE, related_name="open311", primary_key=True
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    api_key = models.ForeignKey(
        "integrations.ApiKey",
        verbose_name=_("API key"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    partner = models.ForeignKey(
        "integrations.Partner",
        verbose_name=_("partner organisation"),
        on_delete=models.PROTECT,
        related_name="open311_requests",
    )
    device_id = models.CharField(_("device id"), max_length=200, blank=True)
    account_id = models.CharField(_("account id"), max_length=200, blank=True)
    address_id = models.CharField(_("address id"), max_length=200, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    media_state = models.CharField(
        _("picture"), max_length=20, choices=MediaState.choices, blank=True
    )
    media_note = models.CharField(_("why the picture was not kept"), max_length=300, blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.token
