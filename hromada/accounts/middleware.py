from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
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
            settings.STAFF_MFA_REQUIRED
            and user is not None
            and user.is_authenticated
            and user.is_staff
            and not self._allowed(request)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "error": {
                            "code": "two_factor_required",
                            "message": _("Staff accounts must set up two-factor authentication."),
                        }
                    },
                    status=403,
                )
            messages.warning(
                request,
                _("Staff accounts must use two-factor authentication. Set it up to continue."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _allowed(self, request) -> bool:
        path = request.path
        if path.startswith(self.ALWAYS_ALLOWED):
            return True
        if path.startswith("/en/"):  # English pages carry a language prefix
            path = path[3:]
        return path.startswith(self.SETUP_PATHS)
