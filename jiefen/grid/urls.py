from django.urls import path

from . import views

app_name = "grid"
urlpatterns = [
    path("", views.index, name="index"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/pick/", views.household_pick, name="household_pick"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/dispute/", views.visit_dispute, name="visit_dispute"),
    path("households/", views.household_list, name="households"),
    path("households/new/", views.household_new, name="household_new"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("grids/<int:pk>/", views.grid_detail, name="grid_detail"),
    path("coverage/", views.coverage, name="coverage"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/new/", views.ledger_new, name="ledger_new"),
    path("visitors/", views.visitor_list, name="visitors"),
    path("visitors/new/", views.visitor_new, name="visitor_new"),
    path("visitors/<int:pk>/edit/", views.visitor_edit, name="visitor_edit"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("key-people/", views.key_people, name="key_people"),
    path("key-people/new/", views.key_person_new, name="key_person_new"),
    path("key-people/<int:pk>/", views.key_person_detail, name="key_person_detail"),
    path("key-people/<int:pk>/visit/", views.key_person_visit, name="key_person_visit"),
    path("key-people/<int:pk>/unlist/", views.key_person_unlist, name="key_person_unlist"),
]
