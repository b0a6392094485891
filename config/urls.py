from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from config.api import api
from hromada.core import api as core_api
from hromada.core import views as core_views
from hromada.messaging.urls import machine_urlpatterns as messaging_machine_urls

# Machine endpoints: no language prefix.
urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", core_api.not_found),
    path("open311/v2/", include("hromada.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include((messaging_machine_urls, "messaging_machine"))),
]

# Pages: Ukrainian at the root, English under /en/.
urlpatterns += i18n_patterns(
    path("", include("hromada.core.urls")),
    path("cabinet/", include("hromada.accounts.urls")),
    path("directory/", include("hromada.directory.urls")),
    path("", include("hromada.appeals.urls")),
    path("", include("hromada.equeue.urls")),
    path("", include("hromada.situation.urls")),
    path("", include("hromada.surveys.urls")),
    path("", include("hromada.messaging.urls")),
    path("", include("hromada.news.urls")),
    path("accounts/", include("allauth.urls")),
    # Staff log in where the second factor is asked, never through the admin's own form.
    path("admin/login/", core_views.admin_login),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

handler403 = "hromada.core.views.error_403"
handler404 = "hromada.core.views.error_404"
handler500 = "hromada.core.views.error_500"
