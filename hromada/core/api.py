"""How every /api/v1 endpoint reports a refusal: one JSON shape for all apps."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
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

    # Raised by Django or a library below a view (allauth's rate limit refuses a request whose
    # address it cannot tell): still the JSON shape, never the site's HTML error page.
    @api.exception_handler(DjangoPermissionDenied)
    def django_permission_denied(request: HttpRequest, exc: DjangoPermissionDenied):
        body = error_body("permission_denied", str(exc) or _("You may not do this."))
        return api.create_response(request, body, status=403)

    @api.exception_handler(Http404)
    def django_not_found(request: HttpRequest, exc: Http404):
        return api.create_response(request, error_body("not_found", _("Not found.")), status=404)

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


@csrf_exempt  # it changes nothing; a POST to a wrong address gets the JSON 404 too
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any /api/v1/ address no operation answers (a path parameter of the wrong type too)."""
    return JsonResponse(error_body("not_found", _("No such API address.")), status=404)


# What every operation may answer besides its success, in the shape above (documented once
# for all apps by ``document_errors``).
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {},
            },
        }
    },
}
ERROR_STATUSES = {
    400: "The request body could not be read.",
    401: "Not signed in (session or bearer key).",
    403: "Not allowed.",
    404: "Not found.",
    409: "The object's state does not allow it.",
    422: "The request is not valid.",
    429: "Too many requests from this key or address (see Retry-After).",
}


def document_errors(schema: dict) -> dict:
    """Add the refusals every operation may give to each one's responses in the OpenAPI
    document, so that a client (or a fuzzer) knows the error shape everywhere."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                # django-ninja keys its own responses by int; the app's own schema stays.
                if status in responses or str(status) in responses:
                    continue
                if status == 401 and not operation.get("security"):
                    continue
                responses[status] = {"description": description, "content": reference}
    return schema
