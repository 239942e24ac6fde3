from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("public/query/", views.petition_query, name="petition_query"),
    path("public/<slug:token>/", views.petition_page, name="petition_page"),
    path("public/<slug:token>/qr.png", views.qr_png, name="qr_png"),
    path("public/<slug:token>/qr.svg", views.qr_svg, name="qr_svg"),
    path("public/<slug:token>/announcement/", views.announcement_print, name="announcement_print"),
]
