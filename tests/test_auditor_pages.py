"""The auditor's workspace: one readable line per action, paginated, exported with a checkpoint."""

import csv
import io
import re
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from audit.context import acting_as
from audit.context import current as current_circumstances
from audit.models import Action, AuditEvent
from audit.sealing import seal_pending
from audit.sealing import status as sealing_status
from audit.services import record
from auditor.selectors import LINES_PER_PAGE, lines
from letters.models import Letter
from lk3_flow.choices import Stage
from lk3_flow.models import Case
from tests.factories import in_english, search
from tests.pdf import extract_text

pytestmark = pytest.mark.django_db

# What a raw event shows when nothing reads it: a model label, an object's repr, a code.
RAW = re.compile(
    r"lk3_flow\.|viewflow\.|letters\.Letter|&lt;case\.|- DONE|\b(task|case|letter)_[a-z]+"
)


def the_event(action: str, **filters):
    return AuditEvent.objects.filter(action=action, **filters).latest("pk")


def timeline(client, case, query: str = ""):
    response = in_english(client).get(reverse("audit:timeline", args=[case.pk]) + query)
    assert response.status_code == 200
    return response


def visible(html: str) -> str:
    """The page as a reader sees it: without tags, where CSS classes carry action codes."""
    return re.sub(r"<[^>]+>", "", html)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


STAGE = Case._meta.get_field("stage").verbose_name


def english(text) -> str:
    with translation.override("en"):
        return str(text)


def english_when(moment) -> str:
    with translation.override("en"):
        return date_format(timezone.localtime(moment), "j F Y H:i:s")


def test_a_lifecycle_reads_one_line_per_action_led_by_what_the_person_did(
    client, office, full_case
):
    client.force_login(office.auditor)
    response = timeline(client, full_case)
    lines = response.context["lines"]
    events = AuditEvent.objects.filter(case=full_case).count()
    assert 0 < len(lines) == events  # one event per action, its automatic steps inside it
    for line in lines:
        assert len({(e.request_id, e.case_id) for e in line.events}) == 1
    titles = [line.title for line in lines]
    assert titles.count("Task completed: Counseling session") == 3
    returned = next(line for line in lines if line.event.action == Action.TASK_RETURNED)
    assert returned.title == "Returned with comment: Referral approval"
    assert returned.principal.comment == "Ganti."
    assert any(step.title == "Task completed: Referral approval" for step in returned.steps)
    session = next(line for line in lines if line.title == "Task completed: Counseling session")
    assert (
        "Task created: Next service, as the counselor chose" not in titles
    )  # an automatic step...
    assert any(step.title.startswith("Task ") for step in session.steps)  # ...is under its action
    html = response.content.decode()
    assert html.count("<details>") == len(lines) and "<summary>" in html
    assert "Konselor" in html and "Pimpinan" in html and "Ganti." in html
    for letter in full_case.letters.all():
        assert reverse("letter_download", args=[letter.pk]) in html
        assert f"Letter issued: {letter.number} ({letter.get_kind_display()})" in visible(html)
    assert not RAW.search(visible(html)), RAW.search(visible(html))
    tasks = AuditEvent.objects.filter(case=full_case, object_type="viewflow.Task")
    for label in tasks.values_list("object_label", flat=True):
        assert label not in html
    viewed = the_event(Action.CASE_VIEWED, case=full_case)
    assert viewed.actor == office.auditor and viewed.details["page"] == "audit timeline"


def test_an_event_with_its_effects_is_one_line_with_readable_steps(client, office):
    case = office.to_counseling(office.register())
    letter = Letter.objects.filter(case=case).first()
    with acting_as(office.counselor):
        record(
            Action.TASK_COMPLETED,
            case=case,
            details={
                "step": "counseling",
                "comment": "Klien hadir bersama suami.",
                "effects": [
                    {
                        "action": Action.TASK_CREATED,
                        "object_type": "viewflow.Task",
                        "object_id": "991",
                        "label": "<case.Counseling/991> - NEW",
                        "details": {"step": "choose_next_step"},
                        "case_id": case.pk,
                    },
                    {
                        "action": Action.LETTER_ISSUED,
                        "object_type": "letters.Letter",
                        "object_id": letter.pk,
                        "label": str(letter),
                        "details": {"number": "003/UND/LK3-LBK/XII/2026", "kind": "referral"},
                    },
                    {
                        "action": Action.CASE_CHANGED,
                        "object_type": "lk3_flow.Case",
                        "object_id": str(case.pk),
                        "label": "lk3_flow.Case",
                        "details": {
                            "changes": {"stage": [Stage.COUNSELING, Stage.PROPOSE_REFERRAL]}
                        },
                    },
                ],
            },
        )
    client.force_login(office.auditor)
    response = timeline(client, case, f"?page={10**6}")  # past the end: the last page
    line = response.context["lines"][-2]  # the last is this very reading
    assert len(line.events) == 1
    assert line.title == "Task completed: Counseling session"
    assert [step.title for step in line.steps] == [
        "Task created: Next service, as the counselor chose",
        "Letter issued: 003/UND/LK3-LBK/XII/2026 (Referral letter)",
        "Case changed",
    ]
    html = visible(response.content.decode())
    assert "Klien hadir bersama suami." in html
    assert f"{english(STAGE)}: Counseling session → Referral proposal" in html
    assert reverse("letter_download", args=[letter.pk]) in line.html_cells
    assert "Details and 3 automatic steps" in html
    assert not RAW.search(visible(response.content.decode()))


def test_the_timeline_is_paged_and_pages_keep_the_filter(client, office):
    case = office.register()
    for _ in range(2 * LINES_PER_PAGE + 7):  # events of no request: one line each
        record(Action.CASE_VIEWED, case=case, obj=case, actor=office.head)
    client.force_login(office.auditor)
    first = timeline(client, case)
    assert len(first.context["lines"]) == LINES_PER_PAGE
    pages = first.context["page_obj"].paginator.num_pages
    last = timeline(client, case, f"?page={pages}")
    assert last.context["lines"][-1].event == the_event(Action.CASE_VIEWED, case=case)
    shown = [line.event.pk for page in range(1, pages + 1)
             for line in timeline(client, case, f"?page={page}").context["lines"]]  # fmt: skip
    assert shown == sorted(set(shown))
    url = reverse("audit:timeline", args=[case.pk])
    filtered = search(client, url, {"actor": office.head.pk})
    key = filtered.request["QUERY_STRING"]
    assert f"?{key}&amp;page=2" in filtered.content.decode()
    second = in_english(client).get(f"{url}?{key}&page=2")
    assert second.context["lines"]
    assert all(line.event.actor_id == office.head.pk for line in second.context["lines"])
    assert second.context["page_obj"].paginator.num_pages == 3  # 107 views, 50 a page
    assert timeline(client, case, "?page=tiga").context["page_obj"].number == 1


def test_the_timeline_reads_the_same_queries_for_a_few_or_hundreds_of_events(client, office):
    case = office.assign(office.register())
    client.force_login(office.auditor)
    timeline(client, case)
    with CaptureQueriesContext(connection) as few:
        timeline(client, case)
    for number in range(300):
        with acting_as(office.head):  # a request of three events, as old writes made them
            for _ in range(1 + number % 3):
                record(Action.CASE_VIEWED, case=case, obj=case)
    with CaptureQueriesContext(connection) as many:
        response = timeline(client, case)  # the same letters as before, and many more lines
    assert len(response.context["lines"]) == LINES_PER_PAGE
    assert len(many) == len(few)


def test_timeline_filters(client, office, full_case):
    client.force_login(office.auditor)
    url = reverse("audit:timeline", args=[full_case.pk])
    by_counselor = search(client, url, {"actor": office.counselor.pk}).context["lines"]
    assert by_counselor
    assert all(e.actor_id == office.counselor.pk for line in by_counselor for e in line.events)
    returns = search(client, url, {"action": Action.TASK_RETURNED}).context["lines"]
    assert [line.event.action for line in returns] == [Action.TASK_RETURNED]


def test_exports_state_their_checkpoint_and_are_recorded(client, office, full_case):
    client.force_login(office.auditor)
    seal_pending()
    sealed = sealing_status()
    rows = csv_rows(in_english(client).get(reverse("audit:timeline_csv", args=[full_case.pk])))
    exported = the_event(Action.EXPORTED)
    assert exported.actor == office.auditor
    assert exported.details == {"format": "csv", "filters": [], "head": sealed.head}
    assert rows[0] == ["Audit report", full_case.number]
    assert rows[1] == ["Audit chain at the time of export", str(sealed.sealed), sealed.head,
                       rows[1][3], "events waiting to be sealed", "0"]  # fmt: skip
    header = rows.index(next(row for row in rows if row and row[0] == "Position"))
    lines = rows[header + 1 :]
    event_ids = [int(p) for row in lines for p in row[8].split()]  # the export itself too
    assert event_ids == list(
        AuditEvent.objects.filter(case=full_case, pk__lte=exported.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    returned = "Returned with comment: Referral approval"
    assert [row[5] for row in lines if row[4] == returned] == ["Ganti."]

    pdf = in_english(client).get(reverse("audit:timeline_pdf", args=[full_case.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    exported = the_event(Action.EXPORTED)
    assert exported.details["format"] == "pdf"
    text = extract_text(pdf.content)
    assert exported.details["head"] in text
    assert f"Audit chain at the time of export: {sealed.sealed} events" in text
    assert full_case.number in text and "Task completed: Counseling session" in text


def _pdf_lines(pdf: bytes) -> list[str]:
    """The PDF's text line by line as laid out: a word cut by a narrow column shows here."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True
    )
    return result.stdout.decode().splitlines()


def test_the_report_of_a_thousand_events_has_readable_columns(client, office):
    case = office.register()
    for number in range(1000):
        record(
            Action.CASE_CHANGED,
            case=case,
            obj=case,
            actor=office.head,
            details={"changes": {"stage": [Stage.COUNSELING, Stage.PROPOSE_REFERRAL]}, "n": number},
        )
    client.force_login(office.auditor)
    pdf = in_english(client).get(reverse("audit:timeline_pdf", args=[case.pk])).content
    laid_out = _pdf_lines(pdf)
    last = AuditEvent.objects.filter(case=case, action=Action.CASE_CHANGED).latest("pk")
    assert any(english_when(last.occurred_at) in line for line in laid_out)
    change = f"{english(STAGE)}: Counseling session → Referral proposal"
    assert sum(change in line for line in laid_out) == 1000
    assert sum("Pimpinan" in line for line in laid_out) >= 1000


def test_only_auditors_use_the_workspace_and_nothing_there_writes(client, office, full_case):
    urls = [
        reverse("audit:index"),
        reverse("audit:timeline", args=[full_case.pk]),
        reverse("audit:timeline_csv", args=[full_case.pk]),
        reverse("audit:timeline_pdf", args=[full_case.pk]),
    ]
    for user in (office.head, office.counselor, office.intake):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user, url)
    client.force_login(office.auditor)
    found = search(client, reverse("audit:index"), {"number": full_case.number[-4:]})
    assert full_case.number in found.content.decode()
    assert the_event(Action.AUDIT_SEARCHED).details == {
        "fields": ["number"],
        "case_ids": [full_case.pk],
    }
    before = AuditEvent.objects.count()
    for url in urls[:2]:  # a search form posts its terms, which only the session keeps
        assert client.post(url, {"number": "x", "action": "exported"}).status_code == 302
    for url in urls[2:]:
        assert client.post(url).status_code == 405
    assert AuditEvent.objects.count() == before


def test_old_events_of_one_request_make_one_line_led_by_what_the_person_did(office):
    """Events written one per transition, before an action became one event, still read as one
    line per request: the person's step first, the rest as its automatic steps."""
    case = office.register()
    with acting_as(office.counselor):
        request_id = current_circumstances().request_id
        record(Action.TASK_CREATED, case=case, details={"step": "approve_assessment"})
        record(Action.TASK_COMPLETED, case=case, details={"step": "assessment"})
        record(Action.CASE_CHANGED, case=case, obj=case, details={"changes": {}})
    old = AuditEvent.objects.filter(request_id=request_id).order_by("pk")
    with translation.override("en"):
        [line] = lines(old)
    assert line.event.details["step"] == "assessment"
    assert line.title == "Task completed: Assessment and intervention plan"
    assert [step.title for step in line.steps] == [
        "Task created: Assessment approval",
        "Case changed",
    ]


def test_the_auditor_sees_how_far_the_chain_is_sealed(client, office, settings):
    case = office.register()
    client.force_login(office.auditor)
    seal_pending()
    sealed = sealing_status().sealed
    record(Action.CASE_VIEWED, case=case, obj=case)
    html = in_english(client).get(reverse("audit:index")).content.decode()
    assert f"Audit chain: {sealed} events sealed" in html
    assert "within 10 seconds" in html and "1 event is waiting to be sealed" in html
    assert "background worker is not running" not in html
    # The sealer stops: once its last round is older than the bound, the auditor is told.
    settings.AUDIT_SEAL_BOUND = 0
    html = in_english(client).get(reverse("audit:timeline", args=[case.pk])).content.decode()
    assert "background worker is not running" in html
