"""Builders for test data that go through the same services as the pages."""

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from flows import services as flow_services
from lk3_flow import services
from lk3_flow.choices import (
    ClientKind,
    ClosureReason,
    IntakeChannel,
    NextStep,
    PartnerCategory,
    SessionType,
    Sex,
)
from lk3_flow.fields import LOCAL_DATE_FORMAT
from lk3_flow.models import Case, Partner, StaffProfile
from permissions.services import grant_role
from plans import selectors as plan_selectors
from plans import services as plan_services
from regions.models import District

# Kemendagri codes of the places the tests register clients in.
RANGKASBITUNG = "36.02.14"
MUARA_CIUJUNG_TIMUR = "36.02.14.1012"
CIBADAK = "36.02.18"
CIKULUR = "36.02.17"

PASSWORD = "kata-sandi-uji-2026"


def in_english(client: Client) -> Client:
    """The client reads English pages: tests assert on the msgids, not on their translations."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def make_user(username: str, role: str, position: str = "") -> Any:
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=username.title()
    )
    StaffProfile.objects.create(user=user, position=position)
    grant_role(user, role)
    return get_user_model().objects.get(pk=user.pk)


def search(client: Any, url: str, terms: dict[str, Any]) -> Any:
    """Search as the page's form does: POST the terms, follow the redirect to the results."""
    response = client.post(url, terms)
    assert response.status_code == 302, (url, response.status_code)
    return client.get(response.url)


def make_partner(name: str = "Posbakum Pengadilan Agama Rangkasbitung", **kwargs: Any) -> Partner:
    return Partner.objects.create(
        name=name, category=kwargs.pop("category", PartnerCategory.LEGAL_AID), **kwargs
    )


def registration(full_name: str = "Siti Aminah", **case_data: Any) -> services.Registration:
    return services.Registration(
        client_data={
            "kind": ClientKind.INDIVIDUAL,
            "full_name": full_name,
            "nik": "",
            "sex": Sex.FEMALE,
            "birth_date": datetime.date(1990, 5, 17),
            "kecamatan": District.objects.get(code=RANGKASBITUNG),
        },
        case_data={
            "problem_categories": ["marital_conflict"],
            "services": ["counseling"],
            "channel": IntakeChannel.WALK_IN,
            "complaint": "Sering bertengkar dengan suami.",
            "consent_given": True,
            **case_data,
        },
    )


def session_data(next_step: str = NextStep.ANOTHER_SESSION) -> dict[str, Any]:
    return {
        "scheduled_at": timezone.now(),
        "held_at": timezone.now(),
        "session_type": SessionType.INDIVIDUAL,
        "duration_minutes": 60,
        "notes": "Klien menceritakan konflik dengan pasangan.",
        "progress": "Mulai terbuka.",
        "next_step": next_step,
    }


ASSESSMENT = {
    "presenting_problem": "Konflik suami-istri berulang.",
    "family_situation": "Tinggal bersama dua anak.",
    "strengths": "Motivasi untuk berubah.",
    "risks": "Potensi kekerasan verbal.",
    "needs": "Konseling pasangan.",
    "goals": "Komunikasi keluarga membaik.",
    "planned_services": ["counseling"],
}

GOALS = [
    "Pasangan berkomunikasi tanpa kekerasan verbal.",
    "Anak kembali bersekolah secara teratur.",
    "Keluarga mengenal layanan bantuan hukum.",
]


def plan_goals(responsible: Any, count: int = 1) -> list[plan_services.GoalData]:
    """Goals as a counselor writes them with an assessment, due in two months."""
    target = timezone.localdate() + datetime.timedelta(days=60)
    return [
        plan_services.GoalData(GOALS[n % len(GOALS)], ["counseling"], responsible, target)
        for n in range(count)
    ]


def goals_post(
    responsible: Any,
    count: int = 1,
    prefix: str = "goals",
    services: tuple[str, ...] = ("counseling",),
) -> dict[str, Any]:
    """The assessment page's goal rows, as a browser sends them."""
    target = (timezone.localdate() + datetime.timedelta(days=60)).strftime(LOCAL_DATE_FORMAT)
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(count),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "1",
        f"{prefix}-MAX_NUM_FORMS": "10",
    }
    for n in range(count):
        data.update(
            {
                f"{prefix}-{n}-description": GOALS[n % len(GOALS)],
                f"{prefix}-{n}-services": list(services),
                f"{prefix}-{n}-responsible": str(responsible.pk),
                f"{prefix}-{n}-target_date": target,
            }
        )
    return data


def goal_reviews_post(case: Case, status: str = "in_progress") -> dict[str, Any]:
    """A session page's review of every open goal of the case's plan (nothing without one)."""
    goals = list(plan_selectors.open_goals_of(case))
    if not goals:
        return {}
    data: dict[str, Any] = {
        "goal_reviews-TOTAL_FORMS": str(len(goals)),
        "goal_reviews-INITIAL_FORMS": str(len(goals)),
        "goal_reviews-MIN_NUM_FORMS": "0",
        "goal_reviews-MAX_NUM_FORMS": str(len(goals)),
    }
    for n, goal in enumerate(goals):
        data.update(
            {
                f"goal_reviews-{n}-goal_id": str(goal.pk),
                f"goal_reviews-{n}-status": status,
                f"goal_reviews-{n}-note": "Ada kemajuan.",
            }
        )
    return data


CLOSURE = {
    "reason": ClosureReason.GOALS_ACHIEVED,
    "summary": "Komunikasi membaik.",
    "follow_up_plan": "Kunjungan rumah bulan depan.",
}


class Office:
    """The people of one LK3 office, and shortcuts that walk a case through its process."""

    def __init__(self) -> None:
        self.intake = make_user("petugas", "intake_officer", "Petugas Registrasi")
        self.head = make_user("pimpinan", "head", "Ketua LK3 Kabupaten Lebak")
        self.counselor = make_user("konselor", "counselor", "Pekerja Sosial")
        self.other_counselor = make_user("konselor2", "counselor", "Psikolog")
        self.auditor = make_user("auditor", "auditor", "Auditor")
        self.partner = make_partner()

    def register(self, **kwargs: Any) -> Case:
        return flow_services.start_case(actor=self.intake, registration=registration(**kwargs))

    def step(self, case: Case, task_name: str, actor: Any, step: Any) -> Case:
        flow_services.complete_task(case, actor=actor, task_name=task_name, step=step)
        return Case.objects.get(pk=case.pk)

    def assign(self, case: Case) -> Case:
        return self.step(
            case,
            "assign_counselor",
            self.head,
            lambda c: services.assign_counselor(case=c, counselor=self.counselor, actor=self.head),
        )

    def assess(self, case: Case, goals: int = 0) -> Case:
        """The assessment, with that many goals of a plan (none: a case from before plans)."""

        def step(c: Case) -> None:
            assessment = services.record_assessment(case=c, author=self.counselor, data=ASSESSMENT)
            if goals:
                plan_services.write_goals(
                    case=c, assessment=assessment, goals=plan_goals(self.counselor, goals)
                )

        return self.step(case, "assessment", self.counselor, step)

    def review_assessment(self, case: Case, approved: bool = True, comment: str = "") -> Case:
        """The head's decision, as its page takes it: approved, the goals become the plan."""

        def step(c: Case) -> None:
            assessment = services.review_assessment(
                case=c, reviewer=self.head, approved=approved, comment=comment
            )
            if approved:
                plan_services.approve_plan(case=c, assessment=assessment)

        return self.step(case, "approve_assessment", self.head, step)

    def session(self, case: Case, next_step: str = NextStep.ANOTHER_SESSION) -> Case:
        return self.step(
            case,
            "counseling",
            self.counselor,
            lambda c: services.record_session(
                case=c, counselor=self.counselor, data=session_data(next_step)
            ),
        )

    def propose_referral(self, case: Case, partner: Partner | None = None) -> Case:
        return self.step(
            case,
            "propose_referral",
            self.counselor,
            lambda c: services.propose_referral(
                case=c,
                counselor=self.counselor,
                partner=partner or self.partner,
                reason="Membutuhkan pendampingan hukum perceraian.",
                services_requested=["accompaniment"],
            ),
        )

    def review_referral(self, case: Case, approved: bool = True, comment: str = "") -> Case:
        return self.step(
            case,
            "approve_referral",
            self.head,
            lambda c: services.review_referral(
                case=c, reviewer=self.head, approved=approved, comment=comment
            ),
        )

    def partner_response(self, case: Case, response: str) -> Case:
        return self.step(
            case,
            "partner_response",
            self.counselor,
            lambda c: services.record_partner_response(
                case=c, counselor=self.counselor, response=response, feedback="Ditangani."
            ),
        )

    def propose_closure(self, case: Case) -> Case:
        return self.step(
            case,
            "propose_closure",
            self.counselor,
            lambda c: services.propose_closure(case=c, counselor=self.counselor, data=CLOSURE),
        )

    def review_closure(self, case: Case, approved: bool = True, comment: str = "") -> Case:
        return self.step(
            case,
            "approve_closure",
            self.head,
            lambda c: services.review_closure(
                case=c, reviewer=self.head, approved=approved, comment=comment
            ),
        )

    def to_counseling(self, case: Case, goals: int = 0) -> Case:
        return self.review_assessment(self.assess(self.assign(case), goals))

    def to_closed(self, case: Case) -> Case:
        case = self.session(self.to_counseling(case), NextStep.PROPOSE_CLOSURE)
        return self.review_closure(self.propose_closure(case))
