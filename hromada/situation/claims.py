"""The claims about overdue excavation permits: rendered and sent once each (the outbox)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from hromada.core.mail import deliver_owed, stable_message_id
from hromada.situation.models import PermitClaim


def render(claim: PermitClaim) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        context = {"claim": claim, "permit": claim.permit, "city_name": settings.CITY_NAME}
        subject = render_to_string("situation/email/permit_claim_subject.txt", context)
        body = render_to_string("situation/email/permit_claim.txt", context)
    message = EmailMessage(subject=" ".join(subject.split()), body=body, to=[claim.recipient])
    message.extra_headers["Message-ID"] = stable_message_id("permit-claim", claim.pk)
    return message


def claim_deliver(claim_id: int) -> bool:
    """Send one claim unless it was sent; True when this call sent it."""
    return deliver_owed(PermitClaim, claim_id, related=("permit",), render=render)
