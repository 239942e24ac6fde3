from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/figures.json", views.figures_json, name="figures_json"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
