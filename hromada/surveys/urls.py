from django.urls import path

from hromada.surveys import office_views, views

app_name = "surveys"

urlpatterns = [
    path("surveys/", views.centre, name="centre"),
    path("surveys/archive/", views.archive, name="archive"),
    path("surveys/addressees/<slug:slug>/quality/", views.quality, name="quality"),
    path("surveys/<slug:slug>/", views.survey, name="survey"),
    path("surveys/<slug:slug>/results/", views.results, name="results"),
    path("office/surveys/", office_views.office_list, name="office_list"),
    path("office/surveys/new/", office_views.office_new, name="office_new"),
    path("office/surveys/<slug:slug>/", office_views.office_edit, name="office_edit"),
    path("office/surveys/<slug:slug>/preview/", office_views.office_preview, name="office_preview"),
    path(
        "office/surveys/<slug:slug>/questions/new/",
        office_views.office_question,
        name="office_question_new",
    ),
    path(
        "office/surveys/<slug:slug>/questions/<int:question_pk>/",
        office_views.office_question,
        name="office_question",
    ),
    path(
        "office/surveys/<slug:slug>/questions/<int:question_pk>/delete/",
        office_views.office_question_delete,
        name="office_question_delete",
    ),
    path(
        "office/surveys/<slug:slug>/sections/", office_views.office_section, name="office_section"
    ),
    path(
        "office/surveys/<slug:slug>/sections/<int:section_pk>/delete/",
        office_views.office_section_delete,
        name="office_section_delete",
    ),
    path(
        "office/surveys/<slug:slug>/export.<str:fmt>",
        office_views.office_export,
        name="office_export",
    ),
    path(
        "office/surveys/<slug:slug>/<slug:action>/",
        office_views.office_action,
        name="office_action",
    ),
]
