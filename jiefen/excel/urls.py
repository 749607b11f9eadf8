from django.urls import path

from . import forms_views, views

app_name = "excel"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.upload, name="upload"),
    path("template/<slug:kind>.xlsx", views.template, name="template"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("export/ledger.xlsx", views.export_ledger, name="export_ledger"),
    path("export/visits.xlsx", views.export_visits, name="export_visits"),
    path("export/handovers/", views.export_exchange, name="export_exchange"),
    # 表单台账: the standard forms and ledgers (forms_views).
    path("forms/", forms_views.index, name="forms"),
    path("forms/cases/", forms_views.export_cases, name="export_cases"),
    path("forms/visits/", forms_views.visits_register, name="visits_register"),
    path("forms/letters/", forms_views.letters_register, name="letters_register"),
    path("forms/receptions/", forms_views.receptions_register, name="receptions_register"),
    path("forms/cases/<str:number>/visit-form.pdf", forms_views.visit_form, name="visit_form"),
    path("forms/cases/<str:number>/supervision-letter.pdf", forms_views.supervision_letter,
         name="supervision_letter"),
    path("exports/<int:pk>/", forms_views.export_job, name="export_job"),
    path("exports/<int:pk>/run/", forms_views.export_job_run, name="export_job_run"),
    path("exports/<int:pk>/file/", forms_views.export_job_file, name="export_job_file"),
]
