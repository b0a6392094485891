"""Which addressee an unaddressed appeal goes to, and why.

The first router applies the administrator's rules (category × district). APPEAL_ROUTER names
the router to use: a later one, trained on the operators' corrections (the ``routed`` events
with ``payload.correction``), plugs in here with the same signature.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from hromada.appeals.models import Category, RoutingRule
from hromada.core.models import District
from hromada.directory.models import Addressee


@dataclass(frozen=True)
class Decision:
    addressee: Addressee | None
    rule: RoutingRule | None
    reason: str


def rules_router(*, category: Category | None, district: District | None) -> Decision:
    """The most specific active rule (category and district, then category, then district,
    then a catch-all), the lowest priority among equals; none: the triage queue."""
    candidates = (
        RoutingRule.objects.filter(is_active=True)
        .filter(
            Q(category=category) | Q(category__isnull=True)
            if category
            else Q(category__isnull=True)
        )
        .filter(
            Q(district=district) | Q(district__isnull=True)
            if district
            else Q(district__isnull=True)
        )
        .annotate(
            specificity=Case(
                When(category__isnull=False, district__isnull=False, then=Value(0)),
                When(category__isnull=False, then=Value(1)),
                When(district__isnull=False, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .select_related("addressee", "category", "district")
        .order_by("specificity", "priority", "pk")
    )
    rule = candidates.first()
    if rule is None:
        return Decision(
            None, None, _("No routing rule matched: the appeals department will route it.")
        )
    return Decision(
        rule.addressee,
        rule,
        _("Routing rule No. %(id)d: %(category)s, %(district)s.")
        % {
            "id": rule.pk,
            "category": rule.category or _("any category"),
            "district": rule.district or _("anywhere in the community"),
        },
    )


def route(*, category: Category | None, district: District | None) -> Decision:
    return import_string(settings.APPEAL_ROUTER)(category=category, district=district)
