"""The benchmark's own preparations, which a wrong turn would make it measure nothing, or fail.

`make bench` runs for many minutes on PostgreSQL; these check on a small seed that the heads'
approvals have the proposals they decide, that the load run deals each open task to one simulated
user only, and that the letters issued at once are of every kind.
"""

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from bench.run import (
    LOAD_USERS,
    PARALLEL_LETTERS,
    Report,
    letter_mix,
    load_slots,
    measure_periodic_report,
    measure_periodic_report_pdf,
)
from bench.scenarios import ASSESSMENT_SECTIONS, prepare
from bench.seed import seed
from letters.models import IssuedReport, LetterKind, LetterNumber
from lk3_flow.choices import Review, Stage
from lk3_flow.fields import REPORT_LENGTH
from lk3_flow.models import Case, Client
from lk3_flow.selectors import clients_matching


@pytest.fixture
def seeded(db) -> tuple[dict, object]:
    # The seed numbers its letters from 1, as on the bench's fresh database. On PostgreSQL the
    # numbers earlier tests drew apart from their transactions stay behind, carried by no letter:
    # cleared here, inside this test's transaction.
    LetterNumber.objects.filter(letter__isnull=True).delete()
    return seed(400, counselor_count=3, timeline_events=5), prepare()


def test_every_approval_in_the_queue_has_its_pending_proposal(seeded):
    for stage, related in (
        (Stage.APPROVE_ASSESSMENT, "assessments"),
        (Stage.APPROVE_CLOSURE, "closures"),
    ):
        cases = Case.objects.filter(stage=stage)
        assert cases.exists()
        for case in cases:
            assert getattr(case, related).get().review == Review.PENDING


def test_the_long_report_is_as_long_as_the_form_allows(seeded):
    _seeded, scenarios = seeded
    assessment = scenarios.long_report_case.assessments.get()
    for name in (*ASSESSMENT_SECTIONS, "goals"):
        assert REPORT_LENGTH - 10 < len(getattr(assessment, name)) <= REPORT_LENGTH
    assert scenarios.long_report_characters > 5 * REPORT_LENGTH


def test_no_two_simulated_users_are_dealt_the_same_task(seeded):
    people, scenarios = seeded
    keep_out = {scenarios.long_report_case.pk}
    slots = load_slots(people, keep_out)
    assert len(slots) == LOAD_USERS
    work = [(slot, tuple(item)) for slot in slots for item in slot["work"]]
    tasks = [item for _slot, item in work]
    assert len(tasks) == len(set(tasks))
    assert {step for step, *_ids in tasks} == {
        "counseling",
        "approve_assessment",
        "approve_referral",
        "approve_closure",
    }
    for slot, (step, case_id, process_id, task_id) in work:
        assert case_id not in keep_out
        task = Task.objects.select_related("owner").get(pk=task_id, process_id=process_id)
        assert Case.objects.get(pk=case_id).process_id == process_id
        if slot["role"] == "head":
            assert (task.flow_task.name, task.status, task.owner) == (step, STATUS.NEW, None)
        else:
            assert step == "counseling"
            assert (task.status, task.owner.username) == (STATUS.ASSIGNED, slot["username"])


def test_the_letters_issued_at_once_are_of_every_kind(seeded):
    _seeded, scenarios = seeded
    letters = letter_mix({scenarios.long_report_case.pk})
    assert len(letters) == PARALLEL_LETTERS
    assert {kind for kind, _case, _records in letters} == set(LetterKind)
    assert scenarios.long_report_case not in {case for _kind, case, _records in letters}
    for kind, _case, records in letters:
        needed = {
            LetterKind.COUNSELING_INVITATION: {"session"},
            LetterKind.REFERRAL: {"referral"},
            LetterKind.SERVICE_COMPLETION: {"closure"},
            LetterKind.HOME_VISIT_ASSIGNMENT: {"activity"},
            LetterKind.ACCOMPANIMENT_ASSIGNMENT: {"activity"},
            LetterKind.ACCOMPANIMENT_CERTIFICATE: {"activity"},
            LetterKind.PROTECTION_PLACEMENT: {"activity"},
        }.get(kind, set())
        assert set(records) == needed


def test_the_seeded_clients_are_found_as_people_search(seeded):
    """Bulk inserts skip `save()`: the seed keys the names itself, or every search finds none."""
    found = clients_matching("Dedy Kurniawan")
    assert found.exists()
    assert all(client.full_name == "Dedi Kurniawan" for client in found)
    with_phone = Client.objects.exclude(phone="").first()
    assert clients_matching("+62 " + with_phone.phone[1:]).filter(pk=with_phone.pk).exists()


def test_the_years_periodic_report_is_measured_on_the_seed(seeded, settings):
    """The measurement opens the head's report of the year, which the seed fills."""
    settings.LANGUAGE_CODE = "en"
    report = Report()
    measure_periodic_report(report, seeded[0])
    ((what, _median, _p95, queries, verdict),) = report.rows
    assert what == "head: a year's periodic report on screen"
    assert int(queries) > 0
    assert "target ≤ 1000" in verdict


def test_each_run_of_the_report_pdf_issues_a_years_report_of_its_own(
    seeded, settings, monkeypatch, fresh_storage
):
    """A repeated period would be answered with the report already issued, and timed as such."""
    monkeypatch.setattr("bench.run.REPORT_PDF_RUNS", 2)
    report = Report()
    measure_periodic_report_pdf(report, seeded[0])
    ((what, _median, _p95, _queries, verdict),) = report.rows
    assert what == "head: a year's periodic report issued as its signed PDF"
    assert "target ≤ 5000" in verdict
    # Two warm-up runs and two timed ones, each a year of its own.
    spans = list(IssuedReport.objects.values_list("period_first", "period_last"))
    assert len(spans) == len(set(spans)) == 4
    assert all((last - first).days == 364 for first, last in spans)
