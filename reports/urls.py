from django.urls import path

from . import audit_views, export_views, views

app_name = "reports"

urlpatterns = [
    path("reports/figures.json", views.figures_json, name="figures_json"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reminders/", views.reminders, name="reminders"),
    path("audit/", audit_views.audit_history, name="audit"),
    path("audit/reads/", audit_views.ReadLogList.as_view(), name="read_log"),
]

urlpatterns += [
    path("exports/statistics/", export_views.export_statistics, name="export_statistics"),
    path("exports/jobs/<int:pk>/", export_views.export_job, name="export_job"),
    path("exports/jobs/<int:pk>/download/", export_views.export_job_download, name="export_job_download"),
    path("exports/<slug:key>/", export_views.export_ledger, name="export_ledger"),
    path("inspections/<int:pk>/lists/<slug:key>/", export_views.export_inspection_list, name="export_inspection_list"),
]

# Excel imports: templates, the upload page with its preview, the confirmation.
from .imports.urls import urlpatterns as import_urlpatterns  # noqa: E402  (appended with its patterns)

urlpatterns += import_urlpatterns
