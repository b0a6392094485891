from ninja import NinjaAPI
from ninja.security import SessionAuth

from hromada.accounts.api import router as accounts_router
from hromada.appeals.api import router as appeals_router
from hromada.core.api import document_errors, install_error_handlers
from hromada.directory.api import router as directory_router
from hromada.equeue.api import router as equeue_router
from hromada.integrations.auth import AddressThrottle, ApiKeyAuth, KeyThrottle
from hromada.messaging.api import router as messaging_router
from hromada.news.api import router as news_router
from hromada.situation.api import router as situation_router
from hromada.surveys.api import router as surveys_router


class HromadaAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        return document_errors(super().get_openapi_schema(*args, **kwargs))


api = HromadaAPI(
    title="Hromada API",
    version="1",
    description=(
        "The JSON API of the Hromada community platform. Mobile clients sign in with "
        "`Authorization: Bearer <key>` (a JSON API key an administrator issues); the site's "
        "own pages use the session with its CSRF token. Each key and each client address is "
        "limited to so many requests a minute (HTTP 429 with Retry-After). Every refusal has "
        'one shape: `{"error": {"code", "message", "details"?}}`. Every paged list takes '
        "`limit` and `cursor` (the previous answer's `next_cursor`) and answers "
        '`{"items": [...], "next_cursor": ..., "has_more": ...}`; filters are plain query '
        "parameters named as on the site's pages. Short reference lists come whole, as arrays."
    ),
    urls_namespace="api",
    auth=[ApiKeyAuth(), SessionAuth()],
    throttle=[AddressThrottle(), KeyThrottle()],
)
install_error_handlers(api)
api.add_router("/accounts/", accounts_router)
api.add_router("/directory/", directory_router)
api.add_router("/appeals/", appeals_router)
api.add_router("/equeue/", equeue_router)
api.add_router("/situation/", situation_router)
api.add_router("/surveys/", surveys_router)
api.add_router("/messaging/", messaging_router)
api.add_router("/news/", news_router)
