"""The pages of LK3 Flow; a host site includes this module as it is (see README.md)."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application, Site

from attachments import views as attachment_views
from auditor import views as audit_views
from casenotes import views as casenotes_views
from desk.urls import DirectServicesApp
from flows.flows import CaseFlow
from flows.viewset import CaseFlowViewset
from home.views import HomeView
from letters import views as letter_views
from permissions.roles import AUDIT_CASE, MANAGE_CASE
from permissions.selectors import CHANGE_USER, sees_every_case
from permissions.views import AccountViewset, EndAllSessionsView
from plans import views as plan_views
from reminders import views as reminder_views
from reports import views as report_views

from . import erasure_views, staff_views, views


class CaseApp(Application):
    title = _("Case Files")
    icon = "folder_shared"
    app_name = "cases"
    menu_template_name = "lk3_flow/case_menu.html"

    index_path = path("", views.CaseListView.as_view(), name="index")
    detail_path = path("<int:pk>/", views.CaseDetailView.as_view(), name="detail")
    withdraw_path = path("<int:pk>/tarik/", views.WithdrawCaseView.as_view(), name="withdraw")
    reopen_path = path("<int:pk>/buka-kembali/", views.ReopenCaseView.as_view(), name="reopen")
    reassign_path = path(
        "<int:pk>/ganti-konselor/", views.ReassignCaseView.as_view(), name="reassign"
    )
    workload_path = path("beban-kerja/", views.WorkloadView.as_view(), name="workload")
    edit_client_path = path("<int:pk>/klien/", views.EditClientView.as_view(), name="edit_client")
    merge_clients_path = path(
        "<int:pk>/gabung-klien/", views.MergeClientsView.as_view(), name="merge_clients"
    )
    notes_path = path("<int:pk>/catatan/", casenotes_views.CaseNotesView.as_view(), name="notes")
    contacts_path = path(
        "<int:pk>/kontak/", casenotes_views.ContactLogView.as_view(), name="contacts"
    )
    plan_change_path = path(
        "<int:pk>/rencana/ubah/", plan_views.ProposePlanChangeView.as_view(), name="plan_change"
    )
    plan_change_decision_path = path(
        "<int:pk>/rencana/perubahan/<int:change_pk>/",
        plan_views.PlanChangeDecisionView.as_view(),
        name="plan_change_decision",
    )
    remind_path = path(
        "<int:pk>/ingatkan/", reminder_views.RemindClientView.as_view(), name="remind"
    )
    reminder_path = path(
        "<int:pk>/pengingat/<int:reminder_pk>/",
        reminder_views.WhatsAppReminderView.as_view(),
        name="reminder",
    )
    erase_client_path = path(
        "klien/<int:pk>/hapus-data-pribadi/",
        erasure_views.EraseClientView.as_view(),
        name="erase_client",
    )
    hand_over_path = path(
        "beban-kerja/serahkan/<int:pk>/", views.HandOverTasksView.as_view(), name="hand_over"
    )
    attachment_add_path = path(
        "<int:pk>/lampiran/tambah/", attachment_views.UploadView.as_view(), name="attachment_add"
    )
    attachment_download_path = path(
        "<int:pk>/lampiran/<int:attachment_pk>/unduh/",
        attachment_views.DownloadView.as_view(),
        name="attachment_download",
    )
    attachment_remove_path = path(
        "<int:pk>/lampiran/<int:attachment_pk>/hapus/",
        attachment_views.RemoveView.as_view(),
        name="attachment_remove",
    )


class AuditApp(Application):
    title = _("Audit")
    icon = "policy"
    app_name = "audit"
    permission = AUDIT_CASE
    menu_template_name = "auditor/menu.html"

    index_path = path("", audit_views.CaseSearchView.as_view(), name="index")
    timeline_path = path("kasus/<int:pk>/", audit_views.CaseTimelineView.as_view(), name="timeline")
    timeline_csv_path = path(
        "kasus/<int:pk>/csv/", audit_views.TimelineCsvView.as_view(), name="timeline_csv"
    )
    timeline_pdf_path = path(
        "kasus/<int:pk>/pdf/", audit_views.TimelinePdfView.as_view(), name="timeline_pdf"
    )


class StaffApp(Application):
    """The heads' watch over staff administration (the administrator works in `PeopleApp`)."""

    title = _("Staff")
    icon = "manage_accounts"
    app_name = "staff"
    permission = MANAGE_CASE
    menu_template_name = "permissions/staff_menu.html"

    index_path = path("", staff_views.StaffChangesView.as_view(), name="index")
    decide_path = path(
        "permintaan-peran/<int:pk>/",
        staff_views.DecideRoleRequestView.as_view(),
        name="decide_role_request",
    )


class PeopleApp(Application):
    """The administrator's staff directory: add, change and deactivate people in one page each."""

    title = _("Staff administration")
    icon = "badge"
    app_name = "people"
    permission = CHANGE_USER
    menu_template_name = "permissions/people_menu.html"

    index_path = path("", staff_views.StaffListView.as_view(), name="index")
    add_path = path("tambah/", staff_views.StaffCreateView.as_view(), name="add")
    change_path = path("<int:pk>/", staff_views.StaffChangeView.as_view(), name="change")
    status_path = path("<int:pk>/status/", staff_views.StaffStatusView.as_view(), name="status")
    reset_link_path = path(
        "<int:pk>/kirim-tautan/", staff_views.StaffResetLinkView.as_view(), name="reset_link"
    )


class ReportsApp(Application):
    """The periodic report to the Dinas Sosial, for the head and the auditor."""

    title = _("Reports")
    icon = "assessment"
    app_name = "reports"
    permission = staticmethod(sees_every_case)
    menu_template_name = "reports/menu.html"

    index_path = path("", report_views.ReportView.as_view(), name="index")
    cases_path = path("kasus/", report_views.FigureCasesView.as_view(), name="cases")
    csv_path = path("csv/", report_views.ReportExportView.as_view(spreadsheet="csv"), name="csv")
    xlsx_path = path(
        "xlsx/", report_views.ReportExportView.as_view(spreadsheet="xlsx"), name="xlsx"
    )
    issue_path = path("terbitkan/", report_views.IssueReportView.as_view(), name="issue")
    issued_path = path("terbit/", report_views.IssuedReportListView.as_view(), name="issued")
    issued_pdf_path = path(
        "terbit/<int:pk>/pdf/", report_views.DownloadIssuedReportView.as_view(), name="issued_pdf"
    )


class LK3Site(Site):
    """The site lands on each person's home page rather than on its first application."""

    index_path = path("", HomeView.as_view(), name="index")


case_app = CaseApp()
site = LK3Site(
    title=_("LK3 Flow"),
    viewsets=[
        CaseFlowViewset(CaseFlow, icon="assignment", title=_("Case Services")),
        case_app,
        DirectServicesApp(),
        AuditApp(),
        ReportsApp(),
        StaffApp(),
        PeopleApp(),
    ],
)

urlpatterns = [
    path("verifikasi/", letter_views.VerifyByCodeView.as_view(), name="verify_letter_by_code"),
    path("verifikasi/<str:token>/", letter_views.VerifyLetterView.as_view(), name="verify_letter"),
    path(
        "verifikasi/laporan/<str:token>/",
        letter_views.VerifyReportView.as_view(),
        name="verify_report",
    ),
    path(
        "surat/<int:pk>/unduh/", letter_views.DownloadLetterView.as_view(), name="letter_download"
    ),
    path(
        "surat/<int:pk>/koreksi/", letter_views.CorrectLetterView.as_view(), name="letter_correct"
    ),
    path("surat/agenda/", letter_views.LetterRegisterView.as_view(), name="letter_register"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("pemberitahuan/", include("notifications.urls")),
    path(
        "accounts/logout-everywhere/",
        EndAllSessionsView.as_view(),
        name="logout_everywhere",
    ),
    path("accounts/", AccountViewset(with_profile_view=False).urls),
    path("", site.urls),
]
