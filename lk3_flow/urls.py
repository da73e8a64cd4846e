"""URLs of the LK3 Flow site: the administration pages and the application itself."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("lk3_flow.routes")),
]
