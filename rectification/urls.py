from django.urls import path

from . import measure_views, views

app_name = "rectification"

urlpatterns = [
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/enter/", views.inspection_enter, name="inspection_enter"),
    path("inspections/<int:pk>/leave/", views.inspection_leave, name="inspection_leave"),
    path("inspections/<int:pk>/announcement/", views.inspection_announcement, name="inspection_announcement"),
    path("inspections/<int:pk>/feed-back/", views.inspection_feed_back, name="inspection_feed_back"),
    path("inspections/<int:pk>/close/", views.inspection_close, name="inspection_close"),
    path("inspections/<int:pk>/withdraw/", views.inspection_withdraw, name="inspection_withdraw"),
    path("inspections/<int:pk>/handover/new/", views.handover_create, name="handover_create"),
    path("inspections/<int:pk>/supervision/new/", views.supervision_create, name="supervision_create"),
    path("inspections/<int:pk>/evaluation/new/", views.evaluation_create, name="evaluation_create"),
    path("inspections/<int:pk>/rules/new/", views.rule_create, name="rule_create"),
    path("problems/<int:pk>/", views.problem_detail, name="problem_detail"),
    path("problems/<int:pk>/measures/new/", measure_views.measure_add, name="measure_add"),
    path("measures/", measure_views.MeasureList.as_view(), name="measure_list"),
    path("measures/<int:pk>/", measure_views.measure_detail, name="measure_detail"),
    path("measures/<int:pk>/report/", measure_views.measure_report, name="measure_report"),
    path("measures/<int:pk>/verify/", measure_views.measure_verify, name="measure_verify"),
    path("measures/<int:pk>/withdraw/", measure_views.measure_withdraw, name="measure_withdraw"),
    path("evidence/<int:pk>/", measure_views.evidence_download, name="evidence_download"),
    path("handover/", measure_views.HandoverList.as_view(), name="handover_list"),
    path("handover/<int:pk>/close/", measure_views.handover_close, name="handover_close"),
    path("supervision/", measure_views.SupervisionList.as_view(), name="supervision_list"),
    path("my-unit/", measure_views.unit_home, name="unit_home"),
]
