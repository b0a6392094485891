from django.urls import path

from hromada.messaging import office_views, views

app_name = "messaging"

urlpatterns = [
    path("cabinet/notifications/", views.inbox, name="inbox"),
    path("cabinet/notifications/<int:pk>/", views.inbox_open, name="open"),
    path("cabinet/notifications/read/", views.inbox_read_all, name="read_all"),
    path("cabinet/notifications/settings/", views.preferences, name="preferences"),
    path("cabinet/notifications/telegram/", views.telegram_link, name="telegram_link"),
    path(
        "cabinet/notifications/telegram/unlink/",
        views.telegram_unlink_view,
        name="telegram_unlink",
    ),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("office/mailings/", office_views.mailings, name="mailings"),
    path("office/mailings/new/", office_views.mailing_new, name="mailing_new"),
    path("office/mailings/<int:pk>/", office_views.mailing_detail, name="mailing"),
    path("office/mailings/<int:pk>/retry/", office_views.mailing_retry, name="mailing_retry"),
    path("office/mailings/<int:pk>/cancel/", office_views.mailing_cancel, name="mailing_cancel"),
    path("office/mailings/templates/new/", office_views.template_edit, name="template_new"),
    path("office/mailings/templates/<int:pk>/", office_views.template_edit, name="template_edit"),
]

# Machine endpoints: no language prefix.
machine_urlpatterns = [
    path("messaging/telegram/<str:secret>/", views.telegram_webhook, name="telegram_webhook"),
    path("service-worker.js", views.service_worker, name="service_worker"),
    path("messaging/opened/<str:token>/", views.delivery_opened, name="opened"),
    path("messaging/pixel/<str:token>.gif", views.delivery_pixel, name="pixel"),
]
