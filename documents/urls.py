from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("documents/<slug:source>/<int:pk>/", views.document_page, name="document_page"),
    path("documents/<slug:source>/<int:pk>/generate/", views.document_generate, name="document_generate"),
    path("documents/issued/<int:pk>/<slug:fmt>/", views.document_download, name="document_download"),
]
