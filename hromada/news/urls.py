from django.urls import path

from hromada.news import feeds, office_views, views

app_name = "news"

urlpatterns = [
    path("news/", views.digest, name="digest"),
    path("news/feed/rss/", feeds.DigestRssFeed(), name="feed_rss"),
    path("news/feed/atom/", feeds.DigestAtomFeed(), name="feed_atom"),
    path("news/subscribe/", views.subscribe, name="subscribe"),
    path("news/subscriptions/", views.subscriptions, name="subscriptions"),
    path("news/subscriptions/<int:pk>/", views.subscription_edit, name="subscription"),
    path(
        "news/subscriptions/<int:pk>/delete/",
        views.subscription_delete,
        name="subscription_delete",
    ),
    path("news/<int:pk>/", views.post, name="post"),
    path("news/<int:pk>/files/<int:file_pk>/", views.post_file, name="file"),
    # The moderators' office.
    path("office/news/", office_views.post_list, name="office"),
    path("office/news/new/", office_views.post_new, name="office_new"),
    path("office/news/<int:pk>/", office_views.post_edit, name="office_edit"),
    path("office/news/<int:pk>/<slug:action>/", office_views.post_act, name="office_act"),
]
