"""/api/v1 for mobile clients: ``Authorization: Bearer <key>`` with a JSON API key, beside the
site's session (which keeps its CSRF check); and the per-key and per-address rate limits."""

from django.conf import settings
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from hromada.integrations import limits, selectors
from hromada.integrations.models import Scope


class ApiKeyAuth(HttpBearer):
    """The key signs in as its user; a request so made is no browser's, so needs no CSRF."""

    def authenticate(self, request, token: str):
        key = selectors.api_key_for(token, scope=Scope.API)
        # Staff keep their second factor: a key of an account that became staff stops working.
        if key is None or key.user.is_staff:
            return None
        request.api_key = key
        request.user = key.user
        return key.user


class AddressThrottle(BaseThrottle):
    def allow_request(self, request) -> bool:
        address = limits.client_address(request)
        return limits.consume(f"address:{address}", limit=settings.API_RATE_LIMIT_PER_ADDRESS)

    def wait(self) -> float:
        return float(limits.window_remaining())


class KeyThrottle(BaseThrottle):
    """The key's own limit, set when it was issued (throttles run after authentication)."""

    def allow_request(self, request) -> bool:
        key = getattr(request, "api_key", None)
        if key is None:
            return True
        return limits.consume(f"key:{key.pk}", limit=key.rate_limit)

    def wait(self) -> float:
        return float(limits.window_remaining())
