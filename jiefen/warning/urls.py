from django.urls import path

from . import views

app_name = "warning"
urlpatterns = [
    path("", views.warning_list, name="list"),
    path("<str:number>/acknowledge/", views.acknowledge, name="acknowledge"),
]
