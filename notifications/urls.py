from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.NotificationListView.as_view(), name="index"),
    path("<int:pk>/buka/", views.OpenNotificationView.as_view(), name="open"),
    path("baca-semua/", views.MarkAllReadView.as_view(), name="read_all"),
    path("pengaturan/", views.PreferencesView.as_view(), name="preferences"),
]
