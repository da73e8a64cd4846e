"""The direct services' pages, as one application of the site's menu (`lk3_flow.routes`)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from . import selectors, views


class DirectServicesApp(Application):
    title = _("Direct services")
    icon = "support_agent"
    app_name = "layanan"
    menu_template_name = "desk/menu.html"
    permission = staticmethod(selectors.may_use_direct_services)

    index_path = path("", views.IndexView.as_view(), name="index")
    desk_services_path = path(
        "konsultasi/", views.DeskServiceListView.as_view(), name="desk_services"
    )
    desk_service_add_path = path(
        "konsultasi/baru/", views.DeskServiceCreateView.as_view(), name="desk_service_add"
    )
    desk_service_path = path(
        "konsultasi/<int:pk>/", views.DeskServiceDetailView.as_view(), name="desk_service"
    )
    outreach_path = path("penyuluhan/", views.OutreachListView.as_view(), name="outreach")
    outreach_add_path = path(
        "penyuluhan/baru/", views.OutreachCreateView.as_view(), name="outreach_add"
    )
    outreach_detail_path = path(
        "penyuluhan/<int:pk>/", views.OutreachDetailView.as_view(), name="outreach_detail"
    )
    outreach_edit_path = path(
        "penyuluhan/<int:pk>/ubah/", views.OutreachUpdateView.as_view(), name="outreach_edit"
    )
