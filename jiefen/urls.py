from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "解纷 系统管理"
admin.site.site_title = "解纷"
admin.site.index_title = "单位、人员与配置"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("jiefen.cases.urls")),
    path("", include("jiefen.notify.urls")),
    path("leadership/", include("jiefen.leadership.urls")),
    path("", include("jiefen.duty.urls")),
    path("grid/", include("jiefen.grid.urls")),
    path("figures/", include("jiefen.figures.urls")),
    path("public/", include("jiefen.portal.urls")),
    path("api/", include("jiefen.api.urls")),
    path("excel/", include("jiefen.excel.urls")),
]
