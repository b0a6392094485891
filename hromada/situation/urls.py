from django.urls import path

from hromada.situation import city_views, dashboard_views, views

app_name = "situation"

urlpatterns = [
    path("map/", views.report_map, name="map"),
    path("map/reports/", views.report_list, name="list"),
    path("map/reports/<int:pk>/", views.report_detail, name="report"),
    path("map/reports/<int:pk>/support/", views.report_support, name="support"),
    path("map/reports/<int:pk>/photos/<int:photo_pk>/", views.report_photo, name="photo"),
    path("map/new/", views.file_point, name="file_point"),
    path("map/new/category/", views.file_category, name="file_category"),
    path("map/new/details/", views.file_describe, name="file_describe"),
    path("map/works/", city_views.works, name="works"),
    path("map/permits/", city_views.permits, name="permits"),
    path("map/yards/", city_views.yards, name="yards"),
    path("office/situation/", dashboard_views.dashboard, name="dashboard"),
]
