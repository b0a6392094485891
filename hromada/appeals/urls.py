from django.urls import path

from hromada.appeals import office_views, views

app_name = "appeals"

urlpatterns = [
    # The citizen's side: the cabinet's list, the form, one appeal and what its author does.
    path("appeals/", views.my_appeals, name="mine"),
    path("appeals/new/", views.appeal_new, name="new"),
    path("appeals/<int:pk>/", views.appeal_detail, name="detail"),
    path("appeals/<int:pk>/rate/", views.appeal_rate, name="rate"),
    path("appeals/<int:pk>/close/", views.appeal_close, name="close"),
    path("appeals/<int:pk>/dispute/", views.appeal_dispute, name="dispute"),
    path("appeals/<int:pk>/sign/", views.appeal_sign, name="sign"),
    path("appeals/<int:pk>/files/<int:attachment_pk>/", views.attachment, name="attachment"),
    # The back office of operators and executors.
    path("office/appeals/", office_views.queue, name="office_queue"),
    path("office/appeals/new/", office_views.register_on_behalf, name="office_new"),
    path("office/appeals/journal/", office_views.journal_export, name="office_journal"),
    path("office/appeals/bulk/", office_views.bulk, name="office_bulk"),
    path("office/appeals/<int:pk>/", office_views.detail, name="office_detail"),
    path("office/appeals/<int:pk>/<slug:action>/", office_views.act, name="office_act"),
]
