from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("account/sessions/", views.sessions, name="sessions"),
    path("account/sessions/<int:pk>/end/", views.session_end, name="session_end"),
    path("account/sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("account/password/", views.PasswordChange.as_view(), name="password_change"),
]
