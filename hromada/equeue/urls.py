from django.urls import path

from hromada.equeue import desk_views, views

app_name = "equeue"

urlpatterns = [
    # The resident's side.
    path("queue/", views.queues_index, name="index"),
    path("queue/mine/", views.my_bookings, name="mine"),
    path("queue/tickets/<str:code>/", views.ticket, name="ticket"),
    path("queue/tickets/<str:code>/ticket.pdf", views.ticket_pdf, name="ticket_pdf"),
    path("queue/tickets/<str:code>/ticket.ics", views.ticket_ics, name="ticket_ics"),
    path("queue/tickets/<str:code>/cancel/", views.ticket_cancel, name="ticket_cancel"),
    path("queue/tickets/<str:code>/move/", views.ticket_move, name="ticket_move"),
    path("queue/tickets/<str:code>/email/", views.ticket_resend, name="ticket_resend"),
    path("queue/tickets/<str:code>/files/<int:file_pk>/", views.ticket_file, name="ticket_file"),
    path("queue/<slug:slug>/", views.queue_page, name="queue"),
    path("queue/<slug:slug>/book/", views.book, name="book"),
    # The specialist's desk.
    path("office/queue/", desk_views.desk, name="desk"),
    path("office/queue/export.csv", desk_views.export, name="export"),
    path("office/queue/tickets/<str:code>/<slug:action>/", desk_views.act, name="act"),
]
