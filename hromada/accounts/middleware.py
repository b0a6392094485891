from urllib.parse import quote

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class StaffTwoFactorMiddleware:
    """Staff must set up TOTP before they may do anything else.

    Staff accounts see personal data of many residents; a password alone is not enough.
    """

    ALWAYS_ALLOWED = ("/static/", "/healthz", "/readyz", "/i18n/")
    # Where a member of staff sets up the second factor, or leaves.
    SETUP_PATHS = ("/accounts/2fa/", "/accounts/reauthenticate/", "/accounts/logout/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            not settings.STAFF_MFA_REQUIRED
            or user is None
            or not user.is_authenticated
            or not user.is_staff
            or self._allowed(request)
        ):
            return self.get_response(request)
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            return self._refuse(
                request,
                _("Staff accounts must use two-factor authentication. Set it up to continue."),
                "mfa_activate_totp",
            )
        # Having an authenticator is not enough: this session must have passed it.
        records = get_authentication_records(request, user)
        if not any(record.get("method") == "mfa" for record in records):
            return self._refuse(
                request, _("Confirm it is you with a one-time code."), "mfa_reauthenticate"
            )
        return self.get_response(request)

    @staticmethod
    def _refuse(request, message: str, url_name: str):
        if request.path.startswith("/api/"):
            body = {"error": {"code": "two_factor_required", "message": message}}
            return JsonResponse(body, status=403)
        messages.warning(request, message)
        return redirect(f"{reverse(url_name)}?next={quote(request.get_full_path())}")

    def _allowed(self, request) -> bool:
        path = request.path
        if path.startswith(self.ALWAYS_ALLOWED):
            return True
        if path.startswith("/en/"):  # English pages carry a language prefix
            path = path[3:]
        return path.startswith(self.SETUP_PATHS)
