from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "解纷 系统管理"
admin.site.site_title = "解纷"
admin.site.index_title = "单位、人员与配置"

urlpatterns = [
    # The admin logs in through the same form as everyone: lockout, audit and the one-time password apply.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True), name="admin_login"),
    path("admin/", admin.site.urls),
    path("accounts/", include("jiefen.accounts.urls")),
    path("", include("jiefen.cases.urls")),
    path("", include("jiefen.routing.urls")),
    path("", include("jiefen.notify.urls")),
    path("leadership/", include("jiefen.leadership.urls")),
    path("", include("jiefen.duty.urls")),
    path("grid/", include("jiefen.grid.urls")),
    path("figures/", include("jiefen.figures.urls")),
    path("warnings/", include("jiefen.warning.urls")),
    path("public/", include("jiefen.portal.urls")),
    path("api/", include("jiefen.api.urls")),
    path("tokens/", include("jiefen.api.ui_urls")),
    path("excel/", include("jiefen.excel.urls")),
]
