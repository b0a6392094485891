"""Protection of surveys that take answers without signing in: a rate limit per address and a
small arithmetic question, signed so it needs no server state and no third-party service.

The question is plain text with an ordinary labelled field: a screen reader reads it, a
keyboard answers it. It stops the bots that post forms blindly; the rate limit stops the rest.
"""

import secrets

from allauth.core import ratelimit
from django.core import signing
from django.utils.translation import gettext as _

from hromada.core.errors import TooManyRequests, ValidationFailed

SALT = "surveys.challenge"
MAX_AGE_SECONDS = 2 * 60 * 60
NUMBERS = range(1, 10)


def refuse_flood(request, *, anonymous: bool) -> None:
    """At most SURVEY_ANSWER_RATE_LIMIT answers per signed-in person and
    SURVEY_ANONYMOUS_RATE_LIMIT anonymous answers per address."""
    action = "survey_answer_anonymous" if anonymous else "survey_answer"
    if anonymous:
        request.log_anonymously = True
    if not ratelimit.consume(request, action=action, user=None if anonymous else request.user):
        raise TooManyRequests(
            _("Too many answers from your connection in a short time. Please try again later.")
        )


def challenge_new() -> tuple[str, str]:
    """A question to show and its signed token, for the hidden field."""
    first, second = secrets.choice(NUMBERS), secrets.choice(NUMBERS)
    token = signing.dumps({"sum": first + second, "nonce": secrets.token_hex(4)}, salt=SALT)
    return _("How much is %(first)d plus %(second)d?") % {"first": first, "second": second}, token


def challenge_check(token: str, answer: str) -> None:
    try:
        expected = signing.loads(token or "", salt=SALT, max_age=MAX_AGE_SECONDS)["sum"]
    except (signing.BadSignature, KeyError, TypeError):
        raise ValidationFailed(
            _("The check question has expired. Answer the new one."),
            code="challenge_expired",
            field="challenge",
        ) from None
    if (answer or "").strip() != str(expected):
        raise ValidationFailed(
            _("The answer to the check question is wrong. Write the sum in digits."),
            code="challenge_failed",
            field="challenge",
        )
