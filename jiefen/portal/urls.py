from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("centre/<str:code>/", views.guide, name="guide"),
    path("centre/<str:code>/petition/", views.petition, name="petition"),
    path("submitted/", views.submitted, name="submitted"),
    path("track/", views.track, name="track"),
    path("track/case/", views.tracked, name="tracked"),
    path("track/rate/", views.rate, name="rate"),
    path("track/review/", views.request_review, name="request_review"),
    path("track/notice/<slug:kind>.pdf", views.notice, name="notice"),
    path("track/leave/", views.leave, name="leave"),
]
