from django.urls import path

from hromada.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.cabinet, name="cabinet"),
    path("profile/", views.profile, name="profile"),
]
