"""Demo office: staff, partners and cases driven through the real process.

Every case is registered and moved by the same services the pages call, so the demo carries the
tasks, returned comments and stages a real office would have. Seeding is idempotent: staff and
partners are matched by username and name, cases by their client's name.
"""

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from attachments import services as attachment_services
from casenotes import services as casenotes
from desk import demo as desk_demo
from flows import services as flow_services
from letters.signing import letter_signer
from notifications import services as notification_services
from permissions.roles import ADMINISTRATOR
from permissions.services import grant_role
from plans import demo as plans_demo
from regions.selectors import office_villages
from reports import demo as reports_demo

from . import demo_data, services
from .choices import (
    ClosureReason,
    ConsultationKind,
    ContactChannel,
    InstitutionKind,
    NextStep,
    PartnerResponse,
    Placement,
    SessionType,
)
from .demo_data import ATTACHMENTS, CASES, CONTACTS, NOTES, PARTNERS, STAFF, DemoCase
from .models import Case, Client, HouseholdMember, Partner, StaffProfile

DEMO_PASSWORD = "lk3-lebak-demo"
DECLINED_FEEDBACK = "Poli jiwa penuh sampai bulan depan; mitra menyarankan rujukan ke layanan lain."


@dataclass
class SeedReport:
    staff_created: int = 0
    partners_created: int = 0
    cases_created: int = 0
    cases_skipped: int = 0


def sample_file(text: str, image_format: str) -> bytes:
    """A small page that says `text`, as PNG, JPEG or (an image in a) PDF: a stand-in scan."""
    page = Image.new("RGB", (420, 200), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((8, 8, 411, 191), outline="black", width=2)
    draw.text((24, 90), text, fill="black")
    out = io.BytesIO()
    page.save(out, image_format)
    return out.getvalue()


def _ensure_staff(report: SeedReport) -> dict:
    users = {}
    user_model = get_user_model()
    for staff in STAFF:
        user, created = user_model.objects.get_or_create(
            username=staff.username,
            defaults={
                "first_name": staff.first_name,
                "last_name": staff.last_name,
                # .example never delivers: the demo's reset links go to the console.
                "email": f"{staff.username}@lk3.example",
                "is_staff": staff.role == ADMINISTRATOR.code,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            StaffProfile.objects.create(
                user=user,
                position=staff.position,
                nip=staff.nip,
                responsible_head=staff.position.startswith("Penanggung Jawab"),
            )
            grant_role(user, staff.role)
            report.staff_created += 1
        users[staff.username] = user
    return users


def _ensure_partners(report: SeedReport) -> dict[str, Partner]:
    partners = {}
    for demo in PARTNERS:
        partner, created = Partner.objects.get_or_create(
            name=demo.name,
            defaults={
                "category": demo.category,
                "address": demo.address,
                "contact_person": demo.contact_person,
                "phone": demo.phone,
            },
        )
        report.partners_created += created
        partners[demo.name] = partner
    return partners


def _registration(demo: DemoCase) -> services.Registration:
    village = office_villages().get(district__name=demo.kecamatan, name=demo.desa)
    return services.Registration(
        client_data={
            "kind": demo.client_kind,
            "full_name": demo.client_name,
            "nik": demo.nik,
            "family_card_number": demo.family_card_number,
            "sex": demo.sex,
            "birth_date": demo.birth_date,
            "address": demo.address,
            "kecamatan": village.district,
            "desa": village,
            "phone": demo.phone,
            "email": demo.email,
        },
        case_data={
            "problem_categories": list(demo.problem_categories),
            "services": list(demo.services),
            "channel": demo.channel,
            "priority": demo.priority,
            "sensitive": demo.sensitive,
            "complaint": demo.complaint,
            "consent_given": True,
            "consent_share_with_partners": bool(demo.referral_partner),
        },
        members=[
            {
                "full_name": member.full_name,
                "relationship": member.relationship,
                "nik": member.nik,
                "sex": member.sex,
                "birth_date": member.birth_date,
            }
            for member in demo.members
        ],
    )


class _CaseDriver:
    """Moves one demo case through the process, step by step, as its people would."""

    def __init__(self, demo: DemoCase, users: dict, partners: dict[str, Partner]) -> None:
        self.demo = demo
        self.intake = next(users[s.username] for s in STAFF if s.role == "intake_officer")
        self.head = next(users[s.username] for s in STAFF if s.role == "head")
        self.counselor = users[demo.counselor]
        self.partner = partners.get(demo.referral_partner)
        self.case: Case | None = None
        self.sessions_held = 0

    def _do(self, task_name: str, actor, step: Callable[[Case], object]) -> None:
        flow_services.complete_task(self.case, actor=actor, task_name=task_name, step=step)

    def register(self) -> None:
        self.case = flow_services.start_case(
            actor=self.intake, registration=_registration(self.demo)
        )
        self.attach()

    def attach(self) -> None:
        """The papers the intake officer brought in at registration, scanned."""
        for demo in ATTACHMENTS:
            if demo.client_name != self.demo.client_name:
                continue
            image_format = "PDF" if demo.filename.endswith(".pdf") else "PNG"
            attachment_services.add_attachment(
                case=self.case,
                actor=self.intake,
                kind=demo.kind,
                description=demo.description,
                filename=demo.filename,
                data=sample_file(demo.text, image_format),
            )

    def assign(self) -> None:
        self._do(
            "assign_counselor",
            self.head,
            lambda case: services.assign_counselor(
                case=case, counselor=self.counselor, actor=self.head
            ),
        )

    def assess(self) -> None:
        demo = self.demo
        data = {
            "presenting_problem": demo.presenting_problem,
            "family_situation": demo.family_situation,
            "strengths": demo.strengths,
            "risks": demo.risks,
            "needs": demo.needs,
            "goals": demo.goals,
            "planned_services": list(demo.services),
        }

        def assess(case: Case) -> None:
            assessment = services.record_assessment(case=case, author=self.counselor, data=data)
            plans_demo.write(case, assessment, demo, self.counselor)

        self._do("assessment", self.counselor, assess)

    def review(self, task_name: str, review, approved: bool = True, comment: str = "") -> None:
        def decide(case: Case) -> None:
            decided = review(case=case, reviewer=self.head, approved=approved, comment=comment)
            if approved and task_name == "approve_assessment":
                plans_demo.approve(case, decided)  # its goals become the plan, as on the page

        self._do(task_name, self.head, decide)

    def _member(self, full_name: str) -> HouseholdMember | None:
        """The member of the client's household a session or referral is about; None: the client."""
        return self.case.client.members.get(full_name=full_name) if full_name else None

    def session(self, next_step: str) -> None:
        notes = self.demo.session_notes
        note = notes[min(self.sessions_held, len(notes) - 1)]
        concerned = self.demo.session_concerned[self.sessions_held : self.sessions_held + 1]
        # Office hours, whatever the hour the demo is seeded (the invitations print the time);
        # a session of today not later than now.
        day = timezone.localdate() - datetime.timedelta(days=7 * (len(notes) - self.sessions_held))
        nine = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
        when = min(nine, timezone.now())
        data = {
            "scheduled_at": when,
            "held_at": when,
            "session_type": SessionType.FAMILY
            if self.demo.client_kind == "family"
            else SessionType.INDIVIDUAL,
            "duration_minutes": 60,
            "notes": note,
            "next_step": next_step,
            "next_session_at": self._next_session(when)
            if next_step == NextStep.ANOTHER_SESSION
            else None,
            "person_concerned": self._member(concerned[0] if concerned else ""),
        }
        self.sessions_held += 1
        last = self.sessions_held >= len(notes)

        def hold(case: Case) -> object:
            session = services.record_session(case=case, counselor=self.counselor, data=data)
            plans_demo.review(case, self.counselor, next_step=next_step, last=last)
            return session

        self._do("counseling", self.counselor, hold)

    def _next_session(self, held: datetime.datetime) -> datetime.datetime:
        """A week after the session; the last one held plans the next two days from now, at nine
        in the morning, so the demo shows a session ahead and its reminder."""
        if self.sessions_held < len(self.demo.session_notes) - 1:
            return held + datetime.timedelta(days=7)
        day = timezone.localdate() + datetime.timedelta(days=2)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))

    def sessions_then(self, next_step: str) -> None:
        for _earlier in self.demo.session_notes[:-1]:
            self.session(NextStep.ANOTHER_SESSION)
        self.session(next_step)

    def propose_referral(self) -> None:
        self._do(
            "propose_referral",
            self.counselor,
            lambda case: services.propose_referral(
                case=case,
                counselor=self.counselor,
                partner=self.partner,
                reason=self.demo.referral_reason,
                services_requested=["accompaniment"],
                person_concerned=self._member(self.demo.referral_concerned),
            ),
        )

    def partner_responds(self, response: str, feedback: str) -> None:
        self._do(
            "partner_response",
            self.counselor,
            lambda case: services.record_partner_response(
                case=case, counselor=self.counselor, response=response, feedback=feedback
            ),
        )

    def _counselor_step(self, task_name: str, service: Callable[..., object], **data) -> None:
        self._do(
            task_name,
            self.counselor,
            lambda case: service(case=case, counselor=self.counselor, data=data),
        )

    def visit_then_consultation(self) -> None:
        """A home visit a few days ago, then information given by phone; counseling goes on."""
        visit, days_ago = demo_data.HOME_VISIT, timezone.localdate() - datetime.timedelta(days=4)
        self.sessions_then(NextStep.HOME_VISIT)
        self._counselor_step(
            "prepare_home_visit",
            services.prepare_home_visit,
            planned_on=days_ago,
            place=visit["place"],
            purpose=visit["purpose"],
        )
        self._counselor_step(
            "home_visit",
            services.report_home_visit,
            visited_on=days_ago,
            persons_met=visit["persons_met"],
            findings=visit["findings"],
            next_step=NextStep.CONSULTATION,
        )
        self._counselor_step(
            "consultation",
            services.record_consultation,
            kind=ConsultationKind.INFORMATION,
            held_at=timezone.now() - datetime.timedelta(days=2),
            channel=ContactChannel.PHONE,
            next_step=NextStep.ANOTHER_SESSION,
            **demo_data.CONSULTATION,
        )

    def accompaniment_then_protection(self) -> None:
        """Accompanied to the police, then placed in a safe house with the head's approval."""
        went, days_ago = demo_data.ACCOMPANIMENT, timezone.localdate() - datetime.timedelta(days=3)
        self.sessions_then(NextStep.ACCOMPANIMENT)
        self._counselor_step(
            "prepare_accompaniment",
            services.prepare_accompaniment,
            institution_kind=InstitutionKind.POLICE,
            institution_name=went["institution_name"],
            planned_on=days_ago,
            purpose=went["purpose"],
        )
        self._counselor_step(
            "accompaniment",
            services.report_accompaniment,
            accompanied_on=days_ago,
            outcome=went["outcome"],
            next_step=NextStep.PROTECTION,
        )
        self._counselor_step(
            "propose_protection",
            services.propose_protection,
            placement=Placement.SAFE_HOUSE,
            starts_on=days_ago,
            planned_end_on=days_ago + datetime.timedelta(days=30),
            **demo_data.PROTECTION,
        )
        self.review("approve_protection", services.review_protection)

    def propose_closure(self) -> None:
        data = {
            "reason": ClosureReason.REFERRED_OUT if self.partner else ClosureReason.GOALS_ACHIEVED,
            "summary": self.demo.closure_summary,
            "follow_up_plan": "Kunjungan rumah satu bulan setelah terminasi.",
        }
        self._do(
            "propose_closure",
            self.counselor,
            lambda case: services.propose_closure(case=case, counselor=self.counselor, data=data),
        )

    def close(self) -> None:
        if self.partner:
            self.sessions_then(NextStep.PROPOSE_REFERRAL)
            self.propose_referral()
            self.review("approve_referral", services.review_referral)
            self.partner_responds(PartnerResponse.COMPLETED, "Layanan dari mitra telah tuntas.")
            self.session(NextStep.PROPOSE_CLOSURE)
        else:
            self.sessions_then(NextStep.PROPOSE_CLOSURE)
        self.propose_closure()
        self.review("approve_closure", services.review_closure)

    def fall_behind(self) -> None:
        """The step waits past its due date and the escalation timer reports it, as it does for
        work that slipped: the periodic report's deadlines then show one missed (a step finished
        after the report) and one still waiting."""
        Case.objects.filter(pk=self.case.pk).update(
            due_at=timezone.now() - datetime.timedelta(hours=1)
        )
        notification_services.fire_due_timers()
        self.case.refresh_from_db()

    def drive(self) -> None:
        """Register the case and stop it at the stage the demo data names."""
        stage = self.demo.stage
        self.register()
        if stage == "assign_counselor":
            self.fall_behind()
            return
        self.assign()
        if stage == "withdrawn":
            flow_services.withdraw_case(
                self.case,
                actor=self.head,
                reason="Klien menyatakan tidak bersedia melanjutkan layanan.",
            )
            return
        if stage == "assessment":
            return
        if stage == "approve_assessment":
            self.fall_behind()
        self.assess()
        if stage == "approve_assessment":
            return
        if stage == "assessment_returned":
            self.review(
                "approve_assessment",
                services.review_assessment,
                approved=False,
                comment="Mohon lengkapi penilaian risiko terhadap anak dan dukungan keluarga.",
            )
            return
        self.review("approve_assessment", services.review_assessment)
        if stage == "counseling":
            self.sessions_then(NextStep.ANOTHER_SESSION)
        elif stage in ("approve_referral", "partner_response", "referral_declined"):
            self.sessions_then(NextStep.PROPOSE_REFERRAL)
            self.propose_referral()
            if stage != "approve_referral":
                self.review("approve_referral", services.review_referral)
            if stage == "referral_declined":
                self.partner_responds(PartnerResponse.DECLINED, DECLINED_FEEDBACK)
        elif stage == "home_visit":
            self.visit_then_consultation()
        elif stage == "protection":
            self.accompaniment_then_protection()
        elif stage == "approve_closure":
            self.sessions_then(NextStep.PROPOSE_CLOSURE)
            self.propose_closure()
        elif stage in ("closed", "reopened"):
            self.close()
            if stage == "reopened":
                flow_services.reopen_case(
                    Case.objects.get(pk=self.case.pk),
                    actor=self.head,
                    reason="Klien kembali karena masalah yang sama muncul lagi.",
                )

    def keep_notes(self) -> None:
        """The counselor's notes and contacts on the case, oldest first, as they were written."""
        name = self.demo.client_name
        for contact in sorted(CONTACTS, key=lambda entry: -entry.days_ago):
            if contact.client_name == name:
                casenotes.log_contact(
                    actor=self.counselor,
                    case=self.case,
                    kind=contact.kind,
                    contacted_at=timezone.now() - datetime.timedelta(days=contact.days_ago),
                    with_whom=contact.with_whom,
                    summary=contact.summary,
                )
        for note in NOTES:
            if note.client_name == name:
                casenotes.add_note(
                    actor=self.counselor,
                    case=self.case,
                    text=note.text,
                    confidential=note.confidential,
                )


def seed_demo() -> SeedReport:
    report = SeedReport()
    # The demo's letters are signed like any: its key (on a fresh machine, the local certificate
    # authority, made here) is ready before the first letter is issued.
    letter_signer()
    with transaction.atomic():
        users = _ensure_staff(report)
        partners = _ensure_partners(report)
    for demo in CASES:
        if Client.objects.filter(full_name=demo.client_name).exists():
            report.cases_skipped += 1
            continue
        with transaction.atomic():
            driver = _CaseDriver(demo, users, partners)
            driver.drive()
            driver.keep_notes()
        report.cases_created += 1
    desk_demo.seed(users)
    plans_demo.seed()
    # Last: the report counts everything the demo recorded above.
    reports_demo.seed(users)
    return report
