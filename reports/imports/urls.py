from django.urls import path

from . import views

# Included into the `reports` namespace by reports/urls.py.
urlpatterns = [
    path("imports/<slug:kind>/", views.import_upload, name="import_upload"),
    path("imports/<slug:kind>/template.xlsx", views.import_template, name="import_template"),
    path("imports/<slug:kind>/confirm/", views.import_confirm, name="import_confirm"),
]
