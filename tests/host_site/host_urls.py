from django.urls import include, path

urlpatterns = [path("layanan/", include("lk3_flow.routes"))]
