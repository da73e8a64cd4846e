"""What the measurements need beyond the seed: the proposals that the heads' open tasks decide.

The seed (`bench.seed`) leaves the assessment and closure approvals in the heads' queue without
the assessment or closure they would decide, because the pages it measures never read them. The
measurements that approve them, and the letters that quote them, need them: they are written here
in bulk, shaped as `lk3_flow.services.record_assessment` and `propose_closure` would leave them.
One assessment is as long as the form allows, for the letter that renders for many seconds.
"""

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from lk3_flow.choices import ClosureReason, InstitutionKind, NextStep, Placement, Review, Stage
from lk3_flow.fields import REPORT_LENGTH
from lk3_flow.models import Accompaniment, Assessment, Case, Closure, HomeVisit, Protection

BATCH = 5000
ASSESSMENT_SECTIONS = ("presenting_problem", "family_situation", "strengths", "risks", "needs")
# Paragraph-like text, so that the letter wraps and breaks pages as a real report does.
PARAGRAPH = (
    "Klien menyampaikan bahwa konflik dalam keluarga telah berlangsung lama dan berdampak pada "
    "pengasuhan anak, pekerjaan, serta hubungan dengan keluarga besar. Konselor mencatat "
    "keterangan klien, hasil kunjungan rumah, dan keterangan pihak lain yang relevan. "
)


def long_text(length: int = REPORT_LENGTH) -> str:
    """A section filled to the form's limit, in paragraphs."""
    paragraphs = (PARAGRAPH * (length // len(PARAGRAPH) + 1))[:length]
    return paragraphs[: length - 1].rstrip() + "."


@dataclass(frozen=True)
class Scenarios:
    long_report_case: Case  # awaits the approval of an assessment whose report fills many pages
    long_report_characters: int


def _services_beyond_counseling(count: int = 20) -> None:
    """A home visit, an accompaniment and a protection for some closed cases, each reported:
    what the letters of those services are issued about."""
    day = timezone.localdate()
    closed = list(
        Case.objects.filter(stage=Stage.CLOSED).order_by("id").only("pk", "counselor")[:count]
    )
    each = [
        {"case": case, "counselor_id": case.counselor_id, "next_step": NextStep.ANOTHER_SESSION}
        for case in closed
    ]
    HomeVisit.objects.bulk_create(
        HomeVisit(
            planned_on=day,
            visited_on=day,
            place="Rumah klien",
            purpose="Melihat kondisi keluarga.",
            persons_met="Klien",
            findings="Keluarga dalam keadaan baik.",
            **fields,
        )
        for fields in each
    )
    Accompaniment.objects.bulk_create(
        Accompaniment(
            institution_kind=InstitutionKind.RELIGIOUS_COURT,
            institution_name="Pengadilan Agama Rangkasbitung",
            purpose="Sidang mediasi.",
            planned_on=day,
            accompanied_on=day,
            outcome="Mediasi berjalan.",
            **fields,
        )
        for fields in each
    )
    Protection.objects.bulk_create(
        Protection(
            placement=Placement.SAFE_HOUSE,
            institution_name="Rumah Aman UPTD PPA Kabupaten Lebak",
            institution_address="Rangkasbitung",
            reason="Ancaman kekerasan.",
            starts_on=day,
            planned_end_on=day,
            ended_on=day,
            review=Review.APPROVED,
            **fields,
        )
        for fields in each
    )


def prepare() -> Scenarios:
    """Write the pending assessments and closures of the cases that wait for a head's decision."""
    short = {name: "Ringkasan asesmen." for name in ASSESSMENT_SECTIONS}
    awaiting_assessment = list(
        Case.objects.filter(stage=Stage.APPROVE_ASSESSMENT).order_by("id").only("pk", "counselor")
    )
    long_case = awaiting_assessment[0]
    assessments = [
        Assessment(
            case=case,
            author_id=case.counselor_id,
            goals="Komunikasi keluarga membaik.",
            planned_services=["counseling"],
            **short,
        )
        for case in awaiting_assessment[1:]
    ]
    assessments.append(
        Assessment(
            case=long_case,
            author_id=long_case.counselor_id,
            goals=long_text(),
            planned_services=["counseling", "accompaniment"],
            **{name: long_text() for name in ASSESSMENT_SECTIONS},
        )
    )
    Assessment.objects.bulk_create(assessments, batch_size=BATCH)
    Closure.objects.bulk_create(
        [
            Closure(
                case=case,
                proposed_by_id=case.counselor_id,
                reason=ClosureReason.GOALS_ACHIEVED,
                summary="Tujuan intervensi tercapai.",
            )
            for case in Case.objects.filter(stage=Stage.APPROVE_CLOSURE).only("pk", "counselor")
        ],
        batch_size=BATCH,
    )
    _services_beyond_counseling()
    return Scenarios(
        long_report_case=Case.objects.get(pk=long_case.pk),
        long_report_characters=(len(ASSESSMENT_SECTIONS) + 1) * len(long_text()),
    )


def open_tasks_of(user: Any, flow_task: Any, *, exclude_cases: set[int] = frozenset()) -> list:
    """(case id, process id, task id) of the open tasks of `flow_task` that `user` may do now."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    tasks = Task.objects.filter(flow_task=flow_task)
    tasks = (
        tasks.filter(status=STATUS.ASSIGNED, owner=user)
        if user is not None
        else tasks.filter(status=STATUS.NEW, owner=None)
    )
    cases = dict(
        Case.objects.filter(process_id__in=tasks.values("process_id")).values_list(
            "process_id", "pk"
        )
    )
    return [
        (cases[process_id], process_id, task_id)
        for process_id, task_id in tasks.order_by("id").values_list("process_id", "pk")
        if process_id in cases and cases[process_id] not in exclude_cases
    ]
