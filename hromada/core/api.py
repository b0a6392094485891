"""How every /api/v1 endpoint reports a refusal: one JSON shape for all apps."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from hromada.core.errors import ApplicationError


def error_body(code: str, message: str, details=None) -> dict:
    body = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    return body


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, exc: ApplicationError):
        details = {"field": exc.field, **exc.extra} if exc.field or exc.extra else None
        return api.create_response(
            request, error_body(exc.code, exc.message, details), status=exc.status
        )

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError):
        return api.create_response(
            request,
            error_body("validation_failed", _("The request is not valid."), exc.errors),
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError):
        return api.create_response(
            request, error_body("not_authenticated", _("Sign in first.")), status=401
        )

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled):
        # The per-key and per-address limits (hromada.integrations.auth); ninja adds Retry-After.
        body = error_body("too_many_requests", _("Too many requests; wait a minute."))
        return api.create_response(request, body, status=429)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError):
        if exc.status_code == 400:
            # django-ninja's only 400: a body that is not JSON (or not the declared form).
            body = error_body("malformed_request", _("The request body could not be read."))
        else:
            body = error_body("http_error", str(exc))
        return api.create_response(request, body, status=exc.status_code)
