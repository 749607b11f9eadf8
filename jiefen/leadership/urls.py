from django.urls import path

from . import views

app_name = "leadership"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/case/", views.visit_open_case, name="visit_open_case"),
    path("visits/<int:pk>/contact/", views.visit_contact, name="visit_contact"),
]
