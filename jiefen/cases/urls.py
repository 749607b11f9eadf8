from django.urls import path

from . import people, views

urlpatterns = [
    path("", views.home, name="home"),
    path("desk/", views.desk, name="desk"),
    path("desk/check/", views.desk_check, name="desk_check"),
    path("handdown/", views.hand_down, name="hand_down"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<str:number>/", views.case_detail, name="case_detail"),
    path("cases/<str:number>/act/<slug:action>/", views.case_act, name="case_act"),
    path("cases/<str:number>/receipt/", views.case_receipt, name="case_receipt"),
    path("cases/<str:number>/reveal/<int:party_id>/<slug:field>/", views.case_reveal, name="case_reveal"),
    path("cases/<str:number>/notice/<slug:kind>.pdf", views.case_notice, name="case_notice"),
    path("cases/<str:number>/documents/<int:pk>/", views.case_document, name="case_document"),
    path("cases/<str:number>/issued/<int:pk>.pdf", views.case_issued, name="case_issued"),
    path("cases/<str:number>/issued/<int:pk>/service-receipt.pdf", views.case_service_receipt,
         name="case_service_receipt"),
    path("people/<str:key>/", people.person, name="person"),
]
