"""Every URL the project serves, for every role, on their own case, someone else's, a sensitive one.

The URLs are found by walking the resolver, viewflow's included; each must be classified below, so a
new page fails this test until someone decides who may see it.
"""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from viewflow.workflow.models import Process, Task

from attachments.models import Attachment, AttachmentKind
from attachments.services import add_attachment
from audit.models import SubjectKey
from casenotes.models import CaseNote, ContactEntry
from desk import services as desk_services
from desk.models import DeskService, OutreachEvent
from flows import services as flow_services
from flows.flows import CaseFlow
from letters.models import IssuedReport, Letter
from lk3_flow import services
from lk3_flow.choices import NextStep
from lk3_flow.demo import sample_file
from lk3_flow.models import (
    Assessment,
    Case,
    Closure,
    CounselingSession,
    CounselorChange,
    Partner,
    Referral,
    StaffProfile,
)
from lk3_flow.models import (
    Client as CaseClient,
)
from permissions.models import RoleRequest
from permissions.selectors import CaseAccess, case_access
from permissions.services import request_role
from plans import services as plan_services
from plans.models import Goal, GoalReview, PlanChange
from reminders.models import Reminder
from reports.selectors import Period
from reports.services import issue_periodic_report
from tests.factories import make_user, plan_goals, registration
from tests.test_lifecycle_http import session_post

PUBLIC = {
    "login",
    "verify_letter",
    "verify_letter_by_code",
    "verify_report",
    "set_language",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
ACCOUNT = {"logout", "password_change", "password_change_done", "logout_everywhere"}
# Each person's own notifications: the pages read only the signed-in person's rows, and one
# notification of someone else is a 404 (tests/test_notifications.py).
NOTIFICATION_PAGES = {
    "notifications:index",
    "notifications:open",
    "notifications:read_all",
    "notifications:preferences",
}
LISTS = {
    "index",
    "case:index",
    "case:inbox",
    "case:queue",
    "case:archive",
    "case:process_list",
    "case:task_list",
    "case:chart",
    "cases:index",
    "cases:workload",
    "audit:index",
    "case:intake:execute",
    "staff:index",
    "letter_register",
}
CASE_PAGES = {
    "cases:detail",
    "cases:withdraw",
    "cases:reopen",
    "cases:reassign",
    "cases:edit_client",
    "cases:merge_clients",
    "cases:attachment_add",
    "cases:notes",
    "cases:contacts",
    # The plan: read by whoever reads the whole file; a change proposed by the case's counselor
    # while the case is open, decided by a head (tests/test_plans.py).
    "cases:plan_change",
    "cases:plan_change_decision",
    "cases:remind",
    "cases:reminder",
    "audit:timeline",
    "audit:timeline_csv",
    "audit:timeline_pdf",
}
PROCESS_PAGES = {"case:process_detail", "case:process_cancel", "case:process_chart"}
LETTER_PAGES = {"letter_download", "letter_correct"}
# Pages about one attachment of a case, under the case's URL.
ATTACHMENT_PAGES = {"cases:attachment_download", "cases:attachment_remove"}
# Heads' pages about a staff member or a role request rather than a case.
STAFF_PAGES = {"cases:hand_over", "staff:decide_role_request"}
# The administrator's staff directory: people's accounts, roles, positions and NIPs.
PEOPLE_PAGES = {"people:index", "people:add", "people:change", "people:status", "people:reset_link"}
# Pages about a client rather than a case: the erasure of their personal data.
CLIENT_PAGES = {"cases:erase_client"}
# Services given without a case file (`desk.selectors`): heads and auditors see all of them,
# intake officers and counselors those they handled; intake officers, counselors and heads
# record them. Outreach events: every staff role reads them, counselors and heads record
# them, the recorder or a head changes one. The administrator is refused all of it.
DESK_PAGES = {
    "layanan:index",
    "layanan:desk_services",
    "layanan:desk_service_add",
    "layanan:desk_service",
}
OUTREACH_PAGES = {
    "layanan:outreach",
    "layanan:outreach_add",
    "layanan:outreach_detail",
    "layanan:outreach_edit",
}
# The periodic report for the social office (`reports`): heads and auditors read it; it names no
# client, and a figure leads to the case list, which keeps its own rules.
# Issuing one, a signed PDF that takes a number of the register, is the head's alone; both
# download what was issued.
REPORT_PAGES = {
    "reports:index",
    "reports:cases",
    "reports:csv",
    "reports:xlsx",
    "reports:issue",
    "reports:issued",
    "reports:issued_pdf",
}
REPORT_ISSUERS = {"reports:issue": ("head",)}
TASK_PAGE = re.compile(r"^case:(\w+):(index|detail|execute|assign|unassign|cancel|undo|revive)$")

ROLES = ["intake", "counselor", "head", "auditor", "administrator"]
DOMAIN_MODELS: list[type[Model]] = [
    Case,
    CaseClient,
    Assessment,
    CounselingSession,
    Referral,
    Closure,
    CounselorChange,
    Partner,
    Process,
    Letter,
    Attachment,
    CaseNote,
    ContactEntry,
    Reminder,
    DeskService,
    OutreachEvent,
    Goal,
    GoalReview,
    PlanChange,
    IssuedReport,
]


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    converters: frozenset[str]


def all_routes() -> list[Route]:
    routes = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                routes.append(
                    Route(
                        f"{namespace}{pattern.name}",
                        prefix + str(pattern.pattern),
                        frozenset(pattern.pattern.converters),
                    )
                )

    walk(get_resolver().url_patterns, "/", "")
    return routes


def classify(route: Route) -> str:
    if route.name.startswith("admin:"):
        return "admin"
    for kind, names in [
        ("public", PUBLIC),
        ("account", ACCOUNT),
        ("notifications", NOTIFICATION_PAGES),
        ("list", LISTS),
        ("case", CASE_PAGES),
        ("process", PROCESS_PAGES),
        ("letter", LETTER_PAGES),
        ("attachment", ATTACHMENT_PAGES),
        ("staff", STAFF_PAGES),
        ("people", PEOPLE_PAGES),
        ("client", CLIENT_PAGES),
        ("desk", DESK_PAGES),
        ("outreach", OUTREACH_PAGES),
        ("report", REPORT_PAGES),
    ]:
        if route.name in names:
            return kind
    if TASK_PAGE.match(route.name):
        return "task"
    return "unclassified"


def test_every_url_is_classified():
    unclassified = [route for route in all_routes() if classify(route) == "unclassified"]
    assert unclassified == []


def url_for(route: Route, case: Case, task: Task | None) -> str:
    """The route's URL about `case`: its page, its process, the task, or its first letter."""
    target = case.letters.order_by("id").first() if classify(route) == "letter" else case
    url = route.pattern.replace("<int:pk>", str(target.pk))
    url = url.replace("<int:process_pk>", str(case.process_id))
    if "<int:attachment_pk>" in url:
        attachment = case.attachments.order_by("id").first()
        url = url.replace("<int:attachment_pk>", str(attachment.pk if attachment else 0))
    if "<int:change_pk>" in url:
        change = case.plan_changes.order_by("id").first()
        url = url.replace("<int:change_pk>", str(change.pk if change else 0))
    if "<int:reminder_pk>" in url:
        reminder = case.reminders.order_by("id").first()
        url = url.replace("<int:reminder_pk>", str(reminder.pk if reminder else 0))
    if "<int:task_pk>" in url:
        url = url.replace("<int:task_pk>", str(task.pk))
    assert "<" not in url, url
    return url


def step_name(route: Route) -> str:
    match = TASK_PAGE.match(route.name)
    return match.group(1) if match else ""


def task_of(case: Case, node_name: str) -> Task:
    """A task of that step in the case, or, when the case has none, its latest task of any step."""
    tasks = Task.objects.filter(process_id=case.process_id).order_by("-id")
    return next((task for task in tasks if task.flow_task.name == node_name), tasks.first())


def snapshot() -> tuple:
    """Everything a POST could change on a case, to prove that it did not."""
    return (
        tuple(Task.objects.order_by("id").values_list("id", "status", "owner_id")),
        tuple(Case.objects.order_by("id").values_list("id", "status", "stage", "counselor_id")),
        tuple(model.objects.count() for model in DOMAIN_MODELS),
    )


@pytest.fixture
def world(office):
    """Cases at many steps: the counselor's own, someone else's, and a sensitive one."""
    office.administrator = make_user("pengelola", "administrator", "Pengelola Sistem")
    office.administrator.is_staff = True
    office.administrator.save()
    own = office.to_counseling(office.register(full_name="Klien Sendiri"), goals=2)
    own = office.session(own, NextStep.PROPOSE_REFERRAL)
    own = office.propose_referral(own)
    plan_services.propose_change(
        case=own,
        actor=office.counselor,
        reason="Situasi berubah.",
        entries=[plan_services.ProposedGoal(data=plan_goals(office.counselor)[0])],
    )

    def for_other(case: Case) -> Case:
        return office.step(
            case,
            "assign_counselor",
            office.head,
            lambda c: services.assign_counselor(
                case=c, counselor=office.other_counselor, actor=office.head
            ),
        )

    other = for_other(
        flow_services.start_case(
            actor=office.head, registration=registration(full_name="Klien Orang Lain")
        )
    )
    sensitive = for_other(office.register(full_name="Klien Sensitif", sensitive=True))
    closed = office.to_closed(office.register(full_name="Klien Selesai"))
    world = {"own": own, "other": other, "sensitive": sensitive, "closed": closed}
    for case in world.values():
        add_attachment(
            case=case,
            actor=office.head,
            kind=AttachmentKind.OTHER,
            description="",
            filename="surat.pdf",
            data=sample_file("Surat", "PDF"),
        )
    return world


def fetch(client: Client, method: str, url: str):
    return client.get(url) if method == "GET" else client.post(url, {})


def test_anonymous_is_sent_to_login_everywhere(world):
    client = Client()
    case = world["own"]
    for route in all_routes():
        kind = classify(route)
        if kind in ("public", "admin"):
            continue
        url = url_for(route, case, task_of(case, step_name(route)))
        for method in ("GET", "POST"):
            response = fetch(client, method, url)
            assert response.status_code == 302, (method, url, response.status_code)
            assert "/accounts/login/" in response.url, (method, url, response.url)


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(office, world, role):
    user = getattr(office, role)
    client = Client()
    client.force_login(user)
    case_routes = [
        r
        for r in all_routes()
        if classify(r) in ("case", "process", "task", "letter", "attachment")
    ]
    for scenario, case in world.items():
        access = case_access(user, case)
        for route in case_routes:
            url = url_for(route, case, task_of(case, step_name(route)))
            for method in ("GET", "POST"):
                before = snapshot()
                response = fetch(client, method, url)
                status = response.status_code
                assert status < 500, (role, scenario, method, url, status)
                if access == CaseAccess.NONE:
                    assert status in (403, 404, 405), (role, scenario, method, url, status)
                if access == CaseAccess.REGISTRATION and status == 200:
                    # The intake officer also brings in the registration papers while the
                    # case is open (the attachments of the world are the head's: not theirs).
                    assert route.name in (
                        "cases:detail",
                        "letter_download",
                        "cases:attachment_add",
                    ), (
                        role,
                        scenario,
                        url,
                    )
                if role == "auditor" and method == "POST":
                    assert snapshot() == before, (scenario, url, status)


@pytest.mark.parametrize("role", ROLES)
def test_lists_never_show_invisible_cases(office, world, role):
    user = getattr(office, role)
    client = Client()
    client.force_login(user)
    hidden = [case for case in world.values() if case_access(user, case) == CaseAccess.NONE]
    for route in all_routes():
        if classify(route) != "list" or route.name == "case:intake:execute":
            continue
        response = client.get(route.pattern)
        if response.status_code != 200:
            assert response.status_code in (302, 403), (role, route.pattern)
            continue
        html = response.content.decode()
        for case in hidden:
            assert case.number not in html, (role, route.pattern, case.number)
            assert case.client.full_name not in html, (role, route.pattern)
            assert f"#{case.process_id}/" not in html, (role, route.pattern)


@pytest.mark.parametrize("role", ROLES)
def test_staff_pages_are_for_heads_only(office, world, role):
    """Handing over a deactivated person's work and deciding a role request: heads only."""
    leaver = make_user("keluar", "counselor")
    leaver.is_active = False
    leaver.save()
    role_request = request_role(actor=office.administrator, user=leaver, role_code="auditor")
    objects = {"cases:hand_over": leaver.pk, "staff:decide_role_request": role_request.pk}
    client = Client()
    client.force_login(getattr(office, role))
    for route in all_routes():
        if classify(route) != "staff":
            continue
        url = route.pattern.replace("<int:pk>", str(objects[route.name]))
        for method in ("GET", "POST"):
            before = snapshot()
            status = fetch(client, method, url).status_code
            if role == "head":
                assert status in (200, 302, 405), (method, url, status)
            else:
                assert status == 403, (role, method, url, status)
            assert snapshot() == before, (role, method, url)


@pytest.mark.parametrize("role", ROLES)
def test_the_periodic_report_is_for_heads_and_auditors_and_names_no_client(office, world, role):
    client = Client()
    client.force_login(getattr(office, role))
    issued = issue_periodic_report(
        period=Period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)), signer=office.head
    )
    for route in all_routes():
        if classify(route) != "report":
            continue
        url = route.pattern.replace("<int:pk>", str(issued.pk))
        for method in ("GET", "POST"):
            before = snapshot()
            response = fetch(client, method, url)
            if role in REPORT_ISSUERS.get(route.name, ("head", "auditor")):
                assert response.status_code in (200, 302, 405), (method, url)
            else:
                assert response.status_code == 403, (role, method, url)
            assert snapshot() == before, (role, method, url)
            if response.status_code == 200 and not response.streaming:
                # The page and the CSV; the XLSX is zipped (tests/test_reports.py reads it).
                body = response.content.decode(errors="replace")
                for case in world.values():
                    assert case.client.full_name not in body, (role, url)


def people_snapshot() -> tuple:
    """Everything a POST to the staff directory could change, to prove that it did not."""
    return (
        tuple(get_user_model().objects.order_by("id").values_list("id", "is_active", "email")),
        tuple(StaffProfile.objects.order_by("id").values_list("id", "position", "nip")),
        RoleRequest.objects.count(),
        len(mail.outbox),
    )


@pytest.mark.parametrize("role", ROLES)
def test_the_staff_directory_is_the_administrators_only(office, world, role):
    """An empty POST changes nothing, even for the administrator: every form needs its fields."""
    leaver = make_user("keluar", "counselor")
    leaver.is_active = False
    leaver.save()
    client = Client()
    client.force_login(getattr(office, role))
    for route in all_routes():
        if classify(route) != "people":
            continue
        url = route.pattern.replace("<int:pk>", str(leaver.pk))
        for method in ("GET", "POST"):
            before = people_snapshot()
            status = fetch(client, method, url).status_code
            if role == "administrator":
                assert status in (200, 302, 405), (method, url, status)
            else:
                assert status == 403, (role, method, url, status)
            assert people_snapshot() == before, (role, method, url)


@pytest.mark.parametrize("role", ROLES)
def test_client_pages_are_for_the_head_and_the_administrator(office, world, role):
    """An empty POST changes nothing for anyone: the erasure needs a confirmed reason."""
    client = Client()
    client.force_login(getattr(office, role))
    for route in all_routes():
        if classify(route) != "client":
            continue
        url = route.pattern.replace("<int:pk>", str(world["own"].client_id))
        for method in ("GET", "POST"):
            before = snapshot()
            status = fetch(client, method, url).status_code
            if role in ("head", "administrator"):
                assert status == 200, (method, url, status)
            else:
                assert status == 403, (role, method, url, status)
            assert snapshot() == before, (role, method, url)
            assert not SubjectKey.objects.filter(erased_at__isnull=False).exists()


# (GET, POST with nothing) per page and role, on a service the head handled and made into the
# world's "other" case, and an event a counselor recorded.
SEES_ALL, OWN_ONLY, NONE = (200, 405), (404, 405), (403, 403)
DESK_EXPECTED = {
    "layanan:index": dict.fromkeys(["intake", "counselor", "head", "auditor"], (302, 302)),
    "layanan:desk_services": dict.fromkeys(["intake", "counselor", "head", "auditor"], (200, 302)),
    "layanan:desk_service_add": {
        **dict.fromkeys(["intake", "counselor", "head"], (200, 200)),
        "auditor": NONE,
    },
    "layanan:desk_service": {
        "intake": OWN_ONLY,
        "counselor": OWN_ONLY,
        "head": SEES_ALL,
        "auditor": SEES_ALL,
    },
    "layanan:outreach": dict.fromkeys(["intake", "counselor", "head", "auditor"], (200, 302)),
    "layanan:outreach_add": {
        "intake": NONE,
        "counselor": (200, 200),
        "head": (200, 200),
        "auditor": NONE,
    },
    "layanan:outreach_detail": dict.fromkeys(["intake", "counselor", "head", "auditor"], SEES_ALL),
    "layanan:outreach_edit": {
        "intake": NONE,
        "counselor": (200, 200),
        "head": (200, 200),
        "auditor": NONE,
    },
}


@pytest.mark.parametrize("role", ROLES)
def test_direct_service_pages_follow_their_rule(office, world, role):
    """An empty POST changes nothing for anyone: every form needs its fields."""
    desk_service = desk_services.record_desk_service(
        actor=office.head,
        service="consultation",
        occurred_at=world["other"].created_at,
        channel="walk_in",
        requester_kind="individual",
        topic="Hak asuh",
        answer="Dijelaskan.",
    )
    desk_services.link_to_case(
        actor=office.head, desk_service_id=desk_service.pk, case=world["other"]
    )
    event = desk_services.record_outreach(
        actor=office.counselor,
        officers=[office.counselor],
        kind="awareness",
        held_on=world["other"].created_at.date(),
        place="Balai Desa",
        audience_kind="community",
        men=2,
        women=3,
        topic="Layanan LK3",
    )
    objects = {"layanan:desk_service": desk_service.pk}
    client = Client()
    client.force_login(getattr(office, role))
    hidden = [
        case
        for case in world.values()
        if case_access(getattr(office, role), case) == CaseAccess.NONE
    ]
    for route in all_routes():
        if classify(route) not in ("desk", "outreach"):
            continue
        url = route.pattern.replace("<int:pk>", str(objects.get(route.name, event.pk)))
        expected = DESK_EXPECTED[route.name].get(role, NONE)
        for method, status in zip(("GET", "POST"), expected, strict=True):
            before = snapshot()
            response = fetch(client, method, url)
            assert response.status_code == status, (role, method, url, response.status_code)
            assert snapshot() == before, (role, method, url)
            if response.status_code == 200:
                html = response.content.decode()
                for case in hidden:
                    assert case.number not in html, (role, url, case.number)


def test_a_task_id_from_another_case_or_step_is_refused(client, office, world):
    own, other = world["own"], world["other"]
    client.force_login(office.counselor)
    foreign_task = Task.objects.filter(process_id=other.process_id).order_by("-id").first()
    own_task = task_of(own, "counseling")
    for url in [
        f"/case/{own.process_id}/{foreign_task.flow_task.name}/{foreign_task.pk}/detail/",
        f"/case/{own.process_id}/approve_referral/{own_task.pk}/execute/",
        f"/case/{own.process_id}/approve_referral/{own_task.pk}/detail/",
    ]:
        before = snapshot()
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"decision": "approve"}).status_code == 404, url
        assert snapshot() == before


def test_auditor_reads_every_case_file(client, office, world):
    client.force_login(office.auditor)
    for case in world.values():
        response = client.get(f"/cases/{case.pk}/")
        assert response.status_code == 200
        assert case.client.full_name in response.content.decode()


# Two actions by two people: A does X, then B does Y. A single request is refused where it
# should be; these are the ways in that take two (a task given back, then taken by someone else;
# a case reassigned, then acted on by its former counselor; a role taken away mid-task).

COUNSELING, HEAD_QUEUE, HEAD_CLAIMED = "counseling", "head queue", "claimed by the head"
EXECUTE_DATA = {
    "counseling": lambda office: session_post(NextStep.ANOTHER_SESSION),
    "approve_assessment": lambda office: {"decision": "approve"},
}


def sequence_world(office, start: str) -> Case:
    """A case whose open task is a counselor's counseling session or the head's approval."""
    office.second_head = make_user("pimpinan2", "head", "Penanggung Jawab Operasional")
    case = office.assess(office.assign(office.register(full_name="Klien Urutan")))
    if start == COUNSELING:
        return office.review_assessment(case)
    if start == HEAD_CLAIMED:
        task = flow_services.open_tasks(case).get()
        client = Client()
        client.force_login(office.head)
        client.post(task_url(task, "assign"))
    return case


def task_url(task: Task, action: str) -> str:
    return reverse(f"case:{task.flow_task.name}:{action}", args=[task.process_id, task.pk])


def task_before(case: Case, node_name: str) -> Task:
    """The open task of that step before the first action: both actions aim at that one task."""
    return Task.objects.get(
        process_id=case.process_id,
        flow_task=getattr(CaseFlow, node_name),
        status__in=flow_services.OPEN_TASK_STATUSES,
    )


def act(office, who: str, action: str, case: Case, task: Task) -> int:
    """`who` does `action` over HTTP (or, for a role taken away, in the admin's stead)."""
    user = getattr(office, who)
    client = Client()
    client.force_login(user)
    if action == "loses role":
        user.groups.clear()
        return 200
    if action == "reassign case":
        return client.post(
            reverse("cases:reassign", args=[case.pk]),
            {"counselor": office.other_counselor.pk, "reason": "Cuti panjang.", "confirm": "on"},
        ).status_code
    if action == "withdraw case":
        return client.post(
            reverse("cases:withdraw", args=[case.pk]), {"reason": "Klien pindah.", "confirm": "on"}
        ).status_code
    verb, node_name = action.split(" ", 1)
    data = EXECUTE_DATA[node_name](office) if verb == "execute" else {}
    return client.post(task_url(task, verb), data).status_code


SEQUENCES = [
    # (start, A, X, B, Y, may B do Y?)
    (COUNSELING, "counselor", "unassign counseling", "auditor", "assign counseling", False),
    (COUNSELING, "counselor", "unassign counseling", "auditor", "execute counseling", False),
    (COUNSELING, "counselor", "unassign counseling", "head", "assign counseling", False),
    (COUNSELING, "counselor", "unassign counseling", "head", "execute counseling", False),
    (COUNSELING, "counselor", "unassign counseling", "other_counselor", "assign counseling", False),
    (COUNSELING, "counselor", "unassign counseling", "counselor", "execute counseling", True),
    (COUNSELING, "head", "reassign case", "counselor", "execute counseling", False),
    (COUNSELING, "head", "reassign case", "counselor", "assign counseling", False),
    (COUNSELING, "head", "reassign case", "auditor", "execute counseling", False),
    (COUNSELING, "head", "reassign case", "other_counselor", "execute counseling", True),
    (COUNSELING, "head", "withdraw case", "counselor", "execute counseling", False),
    (COUNSELING, "counselor", "execute counseling", "counselor", "execute counseling", False),
    (COUNSELING, "counselor", "loses role", "counselor", "execute counseling", False),
    (COUNSELING, "auditor", "assign counseling", "auditor", "execute counseling", False),
    (HEAD_QUEUE, "auditor", "assign approve_assessment", "head", "assign approve_assessment", True),
    (
        HEAD_QUEUE,
        "auditor",
        "assign approve_assessment",
        "auditor",
        "execute approve_assessment",
        False,
    ),
    (
        HEAD_QUEUE,
        "counselor",
        "assign approve_assessment",
        "counselor",
        "execute approve_assessment",
        False,
    ),
    (
        HEAD_QUEUE,
        "head",
        "assign approve_assessment",
        "second_head",
        "assign approve_assessment",
        False,
    ),
    (
        HEAD_QUEUE,
        "second_head",
        "assign approve_assessment",
        "head",
        "execute approve_assessment",
        False,
    ),
    (
        HEAD_CLAIMED,
        "auditor",
        "unassign approve_assessment",
        "auditor",
        "assign approve_assessment",
        False,
    ),
    (
        HEAD_CLAIMED,
        "counselor",
        "unassign approve_assessment",
        "counselor",
        "execute approve_assessment",
        False,
    ),
    # Back in the queue, the task is any head's to decide in one step, also the one who had it.
    (
        HEAD_CLAIMED,
        "second_head",
        "unassign approve_assessment",
        "head",
        "execute approve_assessment",
        True,
    ),
    (
        HEAD_QUEUE,
        "counselor",
        "execute approve_assessment",
        "head",
        "execute approve_assessment",
        True,
    ),
    (
        HEAD_CLAIMED,
        "second_head",
        "unassign approve_assessment",
        "second_head",
        "assign approve_assessment",
        True,
    ),
    (
        HEAD_CLAIMED,
        "second_head",
        "execute approve_assessment",
        "head",
        "execute approve_assessment",
        True,
    ),
    (HEAD_CLAIMED, "head", "loses role", "head", "execute approve_assessment", False),
    (
        HEAD_CLAIMED,
        "head",
        "execute approve_assessment",
        "second_head",
        "assign approve_assessment",
        False,
    ),
    (
        HEAD_CLAIMED,
        "head",
        "execute approve_assessment",
        "auditor",
        "execute approve_assessment",
        False,
    ),
]


@pytest.mark.parametrize(
    ("start", "first", "x", "second", "y", "allowed"),
    SEQUENCES,
    ids=[f"{a} {x}, then {b} {y}" for _start, a, x, b, y, _allowed in SEQUENCES],
)
def test_two_step_sequences(office, start, first, x, second, y, allowed):
    case = sequence_world(office, start)
    task = task_before(case, "counseling" if start == COUNSELING else "approve_assessment")
    act(office, first, x, case, task)
    before = snapshot()
    status = act(office, second, y, case, Task.objects.get(pk=task.pk))
    if allowed:
        assert status == 302, status
        assert snapshot() != before
    else:
        assert status in (403, 404, 405, 409), status
        assert snapshot() == before
