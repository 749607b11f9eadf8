from django.urls import path

from . import views

urlpatterns = [
    path("duty/", views.calendar, name="duty_calendar"),
    path("duty/generate/", views.generate, name="duty_generate"),
    path("duty/day/<str:day>/", views.edit, name="duty_edit"),
    path("duty/swap/<int:pk>/", views.swap, name="duty_swap"),
    path("public/duty/<str:code>/", views.public_roster, name="duty_public"),
    path("public/duty/<str:code>/<str:month>.pdf", views.public_pdf, name="duty_public_pdf"),
]
