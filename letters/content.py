"""What each kind of letter says: its subject, addressee, copies and the records it draws on.

Official letters follow the Tata Naskah Dinas and are always written in Indonesian, whatever the
reader's interface language, so their wording lives in the letter templates, not in the catalog.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from lk3_flow.choices import RELATIONSHIP_TERMS
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

# Which letters are written as a letter to someone (Nomor/Sifat/Lampiran/Hal and "Yth."); the
# others are certificates with a centred title.
ADDRESSED = {
    LetterKind.COUNSELING_INVITATION,
    LetterKind.REFERRAL,
    LetterKind.PROTECTION_PLACEMENT,
}
# A placement says where a person at risk is kept safe: it is never an ordinary letter.
ALWAYS_CONFIDENTIAL = {
    LetterKind.ASSESSMENT_REPORT,
    LetterKind.REFERRAL,
    LetterKind.PROTECTION_PLACEMENT,
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


@dataclass
class LetterDraft:
    """Everything a letter needs before it has a number."""

    kind: str
    case: Case
    subject: str
    addressee: list[str] = field(default_factory=list)
    copies: list[str] = field(default_factory=list)
    records: dict[str, Any] = field(default_factory=dict)

    @property
    def addressed(self) -> bool:
        return self.kind in ADDRESSED

    @property
    def confidentiality(self) -> str:
        sensitive = self.case.sensitive or self.kind in ALWAYS_CONFIDENTIAL
        return "Rahasia" if sensitive else "Biasa"

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
    standard_copies = [line.strip() for line in profile.copies_to.splitlines() if line.strip()]
    letter = LetterDraft(kind=kind, case=case, subject=SUBJECTS[kind], copies=standard_copies)
    if kind == LetterKind.ASSESSMENT_REPORT:
        letter.records["assessment"] = latest_assessment(case)
        # The plan as the head approved it with the assessment, as a table.
        letter.records["goals"] = goals_written_in(letter.records["assessment"])
    elif kind == LetterKind.COUNSELING_INVITATION:
        concerned = person_concerned(session.person_concerned, on)
        letter.records.update(session=session, concerned=concerned)
        letter.addressee = _client_addressee(case, concerned)
        letter.copies = ["Arsip"]
    elif kind == LetterKind.REFERRAL:
        letter.records["referral"] = referral
        letter.records["concerned"] = person_concerned(referral.person_concerned, on)
        letter.records["assessment"] = latest_assessment(case)
        letter.addressee = [f"Pimpinan {referral.partner.name}", referral.partner.address]
    elif kind == LetterKind.SERVICE_COMPLETION:
        letter.records["closure"] = closure
    elif kind in (LetterKind.REGISTRATION_RECEIPT, LetterKind.SERVICE_CONSENT):
        letter.copies = ["Arsip"]
    if kind in ABOUT_ACTIVITY:
        letter.records["activity"] = activity
        letter.records["concerned"] = person_concerned(activity.person_concerned, on)
    if kind == LetterKind.PROTECTION_PLACEMENT:
        letter.addressee = [f"Pimpinan {activity.institution_name}", activity.institution_address]
    return letter
