"""What each kind of letter says: its subject, addressee, copies and the records it draws on.

Official letters follow the Tata Naskah Dinas and are always written in Indonesian, whatever the
reader's interface language, so their wording lives in the letter templates, not in the catalog.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import dateformat, timezone, translation
from django.utils.html import format_html

from lk3_flow.choices import RELATIONSHIP_TERMS, ProblemCategory
from lk3_flow.models import (
    Activity,
    Case,
    Closure,
    CounselingSession,
    HouseholdMember,
    Referral,
)
from lk3_flow.selectors import address_of, age_on, is_minor, latest_assessment
from plans.selectors import goals_written_in

from .models import InstitutionProfile, LetterKind
from .selectors import latest_letter

# Which letters are written as a letter to someone (Nomor/Sifat/Lampiran/Hal and "Yth."); the
# others are certificates with a centred title.
ADDRESSED = {
    LetterKind.COUNSELING_INVITATION,
    LetterKind.REFERRAL,
    LetterKind.PROTECTION_PLACEMENT,
}
# What an assessment or a referral tells, and where a placement keeps a person at risk, is never
# an ordinary letter's content.
ALWAYS_CONFIDENTIAL = {
    LetterKind.ASSESSMENT_REPORT,
    LetterKind.REFERRAL,
    LetterKind.PROTECTION_PLACEMENT,
}
# Problems whose mere mention can harm the client: every letter of such a case is confidential.
SENSITIVE_PROBLEMS = {ProblemCategory.DOMESTIC_VIOLENCE}
# Letters that go beyond the client and the office, which the district social office receives in
# copy (the profile's standard copies); a receipt, a statement, an invitation or an assignment
# stays between the office and its addressee.
COPIED_TO_SUPERVISORS = {
    LetterKind.ASSESSMENT_REPORT,
    LetterKind.REFERRAL,
    LetterKind.SERVICE_COMPLETION,
    LetterKind.PROTECTION_PLACEMENT,
}
# Letters of assignment, which state their basis (Dasar) before whom they assign.
ASSIGNMENTS = {
    LetterKind.ASSIGNMENT,
    LetterKind.HOME_VISIT_ASSIGNMENT,
    LetterKind.ACCOMPANIMENT_ASSIGNMENT,
}
# Letters about a service activity (`lk3_flow.models.Activity`), read from its record.
ABOUT_ACTIVITY = {
    LetterKind.HOME_VISIT_ASSIGNMENT,
    LetterKind.ACCOMPANIMENT_ASSIGNMENT,
    LetterKind.ACCOMPANIMENT_CERTIFICATE,
    LetterKind.PROTECTION_PLACEMENT,
}

SUBJECTS = {
    LetterKind.REGISTRATION_RECEIPT: "Tanda Bukti Pendaftaran",
    LetterKind.SERVICE_CONSENT: "Surat Pernyataan Persetujuan Layanan",
    LetterKind.ASSIGNMENT: "Surat Tugas",
    LetterKind.ASSESSMENT_REPORT: "Laporan Hasil Asesmen",
    LetterKind.COUNSELING_INVITATION: "Undangan Sesi Konseling",
    LetterKind.REFERRAL: "Rujukan Klien",
    LetterKind.SERVICE_COMPLETION: "Surat Keterangan Selesai Layanan",
    LetterKind.HOME_VISIT_ASSIGNMENT: "Surat Tugas Kunjungan Rumah",
    LetterKind.ACCOMPANIMENT_ASSIGNMENT: "Surat Tugas Pendampingan",
    LetterKind.ACCOMPANIMENT_CERTIFICATE: "Surat Keterangan Pendampingan",
    LetterKind.PROTECTION_PLACEMENT: "Permohonan Penempatan Perlindungan Sementara",
}


def indonesian_date(day: datetime.date) -> str:
    """'27 November 2026': full month names, as official letters require."""
    with translation.override("id"):
        return dateformat.format(day, "j F Y")


@dataclass
class LetterDraft:
    """Everything a letter needs before it has a number."""

    kind: str
    case: Case
    subject: str
    addressee: list[str] = field(default_factory=list)
    copies: list[str] = field(default_factory=list)
    basis: list[str] = field(default_factory=list)
    records: dict[str, Any] = field(default_factory=dict)
    # The day the date line shows when it is not the day of issue: a statement is dated when it
    # was made.
    dated: datetime.date | None = None

    @property
    def addressed(self) -> bool:
        return self.kind in ADDRESSED

    @property
    def confidential(self) -> bool:
        return (
            self.case.sensitive
            or self.kind in ALWAYS_CONFIDENTIAL
            or not SENSITIVE_PROBLEMS.isdisjoint(self.case.problem_categories)
        )

    @property
    def confidentiality(self) -> str:
        return "Rahasia" if self.confidential else "Biasa"

    @property
    def template_name(self) -> str:
        return f"letters/{self.kind}.html"


@dataclass(frozen=True)
class PersonConcerned:
    """The member of the client's household a letter is about, as the letter names them."""

    full_name: str
    nik: str
    birth_date: datetime.date | None
    age: int | None
    relationship: str  # the family card's word: "Anak", "Istri", …
    minor: bool


def person_concerned(member: HouseholdMember | None, on: datetime.date) -> PersonConcerned | None:
    if member is None:
        return None
    return PersonConcerned(
        full_name=member.full_name,
        nik=member.nik,
        birth_date=member.birth_date,
        age=age_on(member.birth_date, on) if member.birth_date else None,
        relationship=RELATIONSHIP_TERMS.get(member.relationship, member.relationship),
        minor=is_minor(member, on),
    )


def _client_addressee(case: Case, concerned: PersonConcerned | None = None) -> list[str]:
    """The client; or the member the letter is about, a child through their parent or guardian
    (UU 35/2014), at the household's address."""
    client = case.client
    if concerned is None:
        name = client.full_name
    elif concerned.minor:
        name = f"Orang Tua/Wali dari {concerned.full_name}"
    else:
        name = concerned.full_name
    return [name, address_of(client)]


def draft(
    kind: str,
    case: Case,
    profile: InstitutionProfile,
    *,
    session: CounselingSession | None = None,
    referral: Referral | None = None,
    closure: Closure | None = None,
    activity: Activity | None = None,
    on: datetime.date | None = None,
) -> LetterDraft:
    """The draft of a letter of `kind` about `case`, from the records the step produced, as it
    reads on the letter's date `on` (today by default): a person's age is theirs that day."""
    on = on or timezone.localdate()
    letter = LetterDraft(kind=kind, case=case, subject=SUBJECTS[kind])
    if kind in COPIED_TO_SUPERVISORS:
        letter.copies = _lines(profile.copies_to)
    if kind in ASSIGNMENTS:
        letter.basis = [*_lines(profile.assignment_basis), _case_basis(kind, case)]
    if kind == LetterKind.ASSESSMENT_REPORT:
        letter.records["assessment"] = latest_assessment(case)
        # The plan as the head approved it with the assessment, as a table.
        letter.records["goals"] = goals_written_in(letter.records["assessment"])
    elif kind == LetterKind.COUNSELING_INVITATION:
        concerned = person_concerned(session.person_concerned, on)
        letter.records.update(session=session, concerned=concerned)
        letter.addressee = _client_addressee(case, concerned)
    elif kind == LetterKind.REFERRAL:
        letter.records["referral"] = referral
        letter.records["concerned"] = person_concerned(referral.person_concerned, on)
        letter.records["assessment"] = latest_assessment(case)
        letter.addressee = [f"Pimpinan {referral.partner.name}", referral.partner.address]
    elif kind == LetterKind.SERVICE_COMPLETION:
        letter.records.update(
            closure=closure,
            served_from=timezone.localdate(case.created_at),
            served_until=timezone.localdate(closure.reviewed_at),
        )
    elif kind == LetterKind.SERVICE_CONSENT:
        letter.dated = case.consent_date
    if kind == LetterKind.ASSIGNMENT:
        letter.records["assignee"] = case.counselor
    if kind in ABOUT_ACTIVITY:
        letter.records["activity"] = activity
        letter.records["assignee"] = activity.counselor
        letter.records["concerned"] = person_concerned(activity.person_concerned, on)
    if kind == LetterKind.PROTECTION_PLACEMENT:
        letter.addressee = [f"Pimpinan {activity.institution_name}", activity.institution_address]
    return letter


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# A record and its number, which is never broken across lines, and its date.
NUMBERED = '{} <span class="nowrap">{}</span> tanggal {}'


def _case_basis(kind: str, case: Case) -> str:
    """The record of this case an assignment rests on: the registration for the counselor's
    assignment, the approved plan (its assessment report) for an activity."""
    if kind == LetterKind.ASSIGNMENT:
        receipt = latest_letter(case, LetterKind.REGISTRATION_RECEIPT)
        registered = indonesian_date(timezone.localdate(case.created_at))
        if receipt is None:
            return format_html(
                NUMBERED, "Pendaftaran klien dengan nomor kasus", case.number, registered
            )
        return format_html(
            NUMBERED,
            "Tanda Bukti Pendaftaran Nomor",
            receipt.number,
            indonesian_date(receipt.issued_on),
        )
    report = latest_letter(case, LetterKind.ASSESSMENT_REPORT)
    if report is None:
        return format_html(
            '{} <span class="nowrap">{}</span>', "Rencana intervensi kasus nomor", case.number
        )
    return format_html(
        NUMBERED,
        "Laporan Hasil Asesmen dan rencana intervensi Nomor",
        report.number,
        indonesian_date(report.issued_on),
    )
