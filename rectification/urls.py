from django.urls import path

from xuncha.actions import step_paths

from . import measure_views, views
from .steps import STEPS

app_name = "rectification"

urlpatterns = [
    *step_paths(STEPS),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("problems/<int:pk>/", views.problem_detail, name="problem_detail"),
    path("measures/", measure_views.MeasureList.as_view(), name="measure_list"),
    path("measures/<int:pk>/", measure_views.measure_detail, name="measure_detail"),
    path("evidence/<int:pk>/", measure_views.evidence_download, name="evidence_download"),
    path("handover/", measure_views.HandoverList.as_view(), name="handover_list"),
    path("supervision/", measure_views.SupervisionList.as_view(), name="supervision_list"),
    path("my-unit/", measure_views.unit_home, name="unit_home"),
]
