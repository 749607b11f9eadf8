from django.urls import path

from . import views

app_name = "excel"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.upload, name="upload"),
    path("template/<slug:kind>.xlsx", views.template, name="template"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("export/ledger.xlsx", views.export_ledger, name="export_ledger"),
    path("export/visits.xlsx", views.export_visits, name="export_visits"),
    path("export/handovers/", views.export_exchange, name="export_exchange"),
]
