"""Partners and keys for tests, issued through the real service (hashed like any key)."""

import factory

from hromada.integrations.models import Partner, Scope
from hromada.integrations.services import api_key_issue


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Партнер {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    contact_email = factory.Sequence(lambda n: f"dev{n}@partner.example")


def open311_key(partner=None, *, rate_limit=60):
    """(key, plain value) of an Open311 key of ``partner`` (a new one by default)."""
    return api_key_issue(
        actor=None,
        name="Open311",
        scope=Scope.OPEN311,
        partner=partner or PartnerFactory(),
        rate_limit=rate_limit,
    )


def api_key(user, *, rate_limit=60):
    return api_key_issue(
        actor=None, name="Mobile app", scope=Scope.API, user=user, rate_limit=rate_limit
    )
