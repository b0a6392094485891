from django.urls import path

from hromada.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("groups/<slug:group_slug>/", views.catalogue, name="group"),
    path("<slug:slug>/", views.addressee, name="addressee"),
    path("<slug:slug>/photo/", views.addressee_photo, name="photo"),
]
