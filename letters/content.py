"""What each kind of letter says: its subject, addressee, copies and the records it draws on.

Official letters follow the Tata Naskah Dinas and are always written in Indonesian, whatever the
reader's interface language, so their wording lives in the letter templates, not in the catalog.
"""

from dataclasses import dataclass, field
from typing import Any

from lk3_flow.models import Case, Closure, CounselingSession, Referral
from lk3_flow.selectors import address_of, latest_assessment

from .models import InstitutionProfile, LetterKind

# Which letters are written as a letter to someone (Nomor/Sifat/Lampiran/Hal and "Yth."); the
# others are certificates with a centred title.
ADDRESSED = {LetterKind.COUNSELING_INVITATION, LetterKind.REFERRAL}
ALWAYS_CONFIDENTIAL = {LetterKind.ASSESSMENT_REPORT, LetterKind.REFERRAL}

SUBJECTS = {
    LetterKind.REGISTRATION_RECEIPT: "Tanda Bukti Pendaftaran",
    LetterKind.SERVICE_CONSENT: "Surat Pernyataan Persetujuan Layanan",
    LetterKind.ASSIGNMENT: "Surat Tugas",
    LetterKind.ASSESSMENT_REPORT: "Laporan Hasil Asesmen",
    LetterKind.COUNSELING_INVITATION: "Undangan Sesi Konseling",
    LetterKind.REFERRAL: "Rujukan Klien",
    LetterKind.SERVICE_COMPLETION: "Surat Keterangan Selesai Layanan",
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


def _client_addressee(case: Case) -> list[str]:
    client = case.client
    return [client.full_name, address_of(client)]


def draft(
    kind: str,
    case: Case,
    profile: InstitutionProfile,
    *,
    session: CounselingSession | None = None,
    referral: Referral | None = None,
    closure: Closure | None = None,
) -> LetterDraft:
    """The draft of a letter of `kind` about `case`, from the records the step produced."""
    standard_copies = [line.strip() for line in profile.copies_to.splitlines() if line.strip()]
    letter = LetterDraft(kind=kind, case=case, subject=SUBJECTS[kind], copies=standard_copies)
    if kind == LetterKind.ASSESSMENT_REPORT:
        letter.records["assessment"] = latest_assessment(case)
    elif kind == LetterKind.COUNSELING_INVITATION:
        letter.records["session"] = session
        letter.addressee = _client_addressee(case)
        letter.copies = ["Arsip"]
    elif kind == LetterKind.REFERRAL:
        letter.records["referral"] = referral
        letter.records["assessment"] = latest_assessment(case)
        letter.addressee = [f"Pimpinan {referral.partner.name}", referral.partner.address]
    elif kind == LetterKind.SERVICE_COMPLETION:
        letter.records["closure"] = closure
    elif kind in (LetterKind.REGISTRATION_RECEIPT, LetterKind.SERVICE_CONSENT):
        letter.copies = ["Arsip"]
    return letter
