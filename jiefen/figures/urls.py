from django.urls import path

from . import views

app_name = "figures"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/notes/", views.meeting_notes, name="meeting_notes"),
    path("meetings/<int:pk>/hold/", views.meeting_hold, name="meeting_hold"),
    path("meetings/<int:pk>/decide/", views.meeting_decide, name="meeting_decide"),
    path("meetings/<int:pk>/export.<str:fmt>", views.meeting_export, name="meeting_export"),
    path("decisions/", views.my_decisions, name="my_decisions"),
    path("decisions/<int:pk>/done/", views.decision_done, name="decision_done"),
]
