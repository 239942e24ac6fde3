from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from reports import views as report_views
from xuncha.health import healthz

admin.site.site_header = "巡察工作管理系统"
admin.site.site_title = "巡察工作管理系统"
admin.site.index_title = "数据管理"

handler400 = "xuncha.errors.bad_request"
handler500 = "xuncha.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", report_views.home, name="home"),
    path("", include("reports.urls")),
    path("", include("campaigns.urls")),
    path("", include("findings.urls")),
    path("", include("rectification.urls")),
    path("", include("documents.urls")),
    path("", include("accounts.urls")),
    path("", include("public.urls")),
]
