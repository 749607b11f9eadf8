from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/bell/", views.notification_bell, name="notification_bell"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("cases/<str:number>/supervision.pdf", views.supervision_notice, name="supervision_notice"),
    path("cases/<str:number>/supervision/<int:pk>.pdf", views.supervision_notice, name="supervision_notice_of"),
]
