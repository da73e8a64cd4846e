"""The demo office: consistent data, driven through the real process, seeded idempotently."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from viewflow.workflow.models import Task

from attachments.models import Attachment, AttachmentKind
from lk3_flow.choices import (
    CaseStatus,
    ClientKind,
    IntakeChannel,
    PartnerCategory,
    Priority,
    ProblemCategory,
    Service,
    Sex,
    Stage,
)
from lk3_flow.demo_data import ATTACHMENTS, CASES, PARTNERS, STAFF
from lk3_flow.models import Case, Partner
from lk3_flow.nik import check_nik_against_person
from permissions.roles import ROLES_BY_CODE
from reports.selectors import Period, periodic_report


def test_demo_data_uses_the_domain_vocabularies():
    staff_names = {staff.username for staff in STAFF}
    assert {staff.role for staff in STAFF} == set(ROLES_BY_CODE)
    assert {partner.category for partner in PARTNERS} == set(PartnerCategory.values)
    partner_names = {partner.name for partner in PARTNERS}
    for demo in CASES:
        assert demo.client_kind in ClientKind.values
        assert demo.sex in [*Sex.values, ""]
        assert set(demo.problem_categories) <= set(ProblemCategory.values)
        assert set(demo.services) <= set(Service.values)
        assert demo.channel in IntakeChannel.values
        assert demo.priority in Priority.values
        assert demo.counselor in staff_names
        assert demo.referral_partner in [*partner_names, ""]
        if demo.nik:
            assert check_nik_against_person(demo.nik, demo.sex, demo.birth_date) == []


@pytest.mark.django_db(transaction=True)
def test_seed_demo_drives_cases_through_the_process_and_is_idempotent(capsys):
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert "konselor.siti" in output
    # The reopened demo case adds one case beyond the demo list.
    assert Case.objects.count() == len(CASES) + 1
    assert Partner.objects.count() == len(PARTNERS)
    stages = set(Case.objects.values_list("stage", flat=True))
    assert {
        Stage.ASSIGN_COUNSELOR,
        Stage.ASSESSMENT,
        Stage.APPROVE_ASSESSMENT,
        Stage.COUNSELING,
        Stage.APPROVE_REFERRAL,
        Stage.PARTNER_RESPONSE,
        Stage.APPROVE_CLOSURE,
        Stage.CLOSED,
        Stage.WITHDRAWN,
    } <= stages
    assert Case.objects.filter(reopened_from__isnull=False).count() == 1
    counselors = set(
        Case.objects.exclude(counselor=None).values_list("counselor__username", flat=True)
    )
    assert len(counselors) == 3
    assert all(case.process_id for case in Case.objects.all())
    assert Case.objects.filter(status=CaseStatus.CLOSED).exists()
    assert Attachment.objects.count() == len(ATTACHMENTS)
    assert Attachment.objects.filter(kind=AttachmentKind.SIGNED_CONSENT).exists()
    assert_every_section_of_the_report_is_filled()
    tasks = Task.objects.count()

    call_command("seed_demo")
    assert "0 cases created" in capsys.readouterr().out
    assert Case.objects.count() == len(CASES) + 1
    assert Task.objects.count() == tasks
    assert Attachment.objects.count() == len(ATTACHMENTS)


def assert_every_section_of_the_report_is_filled() -> None:
    """The demo's report over its last two months: no section is empty, each service given."""
    today = timezone.localdate()
    report = periodic_report(Period(today - datetime.timedelta(days=60), today))
    assert all(figure.count for figure in report.totals.values()), report.totals
    for table in report.tables:
        assert any(figure.count for row in table.rows for figure in row.figures), table.key
    for row in report.table("services").rows:
        assert any(figure.count for figure in row.figures[1:]), row.label
    assert report.stage_times
    deadlines = report.deadlines
    assert deadlines.met and deadlines.missed and deadlines.still_waiting_overdue, deadlines
    assert report.outreach_attendance["events"]
