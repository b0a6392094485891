import logging
import re
import time
import uuid

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from hromada.core.logging import bind_request_id, reset_request_id

logger = logging.getLogger("hromada.request")

# A request id passed in by a proxy is kept only if it cannot forge log lines.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class HealthCheckMiddleware:
    """Answer /healthz and /readyz before host validation and the HTTPS redirect.

    Load balancers probe by IP address over plain HTTP; the probes reveal nothing private.
    """

    def __init__(self, get_response):
        from hromada.core import views

        self.get_response = get_response
        self.probes = {"/healthz": views.healthz, "/readyz": views.readyz}

    def __call__(self, request):
        probe = self.probes.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)


class NulByteMiddleware:
    """Refuse a NUL byte in the address or the query: it is never meaningful, and a
    PostgreSQL text column cannot store it, so it would end in a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [request.path, *(v for vs in request.GET.lists() for v in vs[1])]
        if any("\x00" in value for value in values):
            message = _("The address contains a character that is not allowed.")
            if request.path.startswith("/api/"):
                body = {"error": {"code": "bad_request", "message": message}}
                return JsonResponse(body, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class RequestIdMiddleware:
    """Gives each request an id (kept from X-Request-ID when sane), logs it once as JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = bind_request_id(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    # A view that must not link its request to a person (an anonymous report
                    # filed while signed in) sets request.log_anonymously.
                    "user_id": None
                    if getattr(request, "log_anonymously", False)
                    else getattr(getattr(request, "user", None), "pk", None),
                },
            )
            return response
        finally:
            reset_request_id(token)
