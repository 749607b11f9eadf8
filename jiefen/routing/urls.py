from django.urls import path

from . import views

urlpatterns = [
    path("desk/route/", views.desk_route, name="desk_route"),
]
