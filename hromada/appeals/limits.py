"""How often a person may file: the same limits behind the page and the API."""

from allauth.core import ratelimit
from django.utils.translation import gettext as _

from hromada.core.errors import TooManyRequests


def refuse_flood(request, *, anonymous: bool) -> None:
    """A resident files at most APPEAL_RATE_LIMIT appeals, and one address at most
    APPEAL_ANONYMOUS_RATE_LIMIT anonymous reports, so the forms cannot be used for spam.

    An anonymous report's request is also kept out of the request log's user column, so the
    log cannot tie it to the account it was sent from.
    """
    action = "appeal_submit_anonymous" if anonymous else "appeal_submit"
    if anonymous:
        request.log_anonymously = True
    if not ratelimit.consume(request, action=action, user=None if anonymous else request.user):
        raise TooManyRequests(_("Too many appeals in a short time. Please try again in an hour."))
