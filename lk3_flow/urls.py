"""URLs of the LK3 Flow site: the administration pages and the application itself."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("lk3_flow.routes")),
]

handler400 = "lk3_flow.errors.bad_request"
handler403 = "lk3_flow.errors.permission_denied"
handler404 = "lk3_flow.errors.page_not_found"
handler500 = "lk3_flow.errors.server_error"
