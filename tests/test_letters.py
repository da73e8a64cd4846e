"""Official letters: issued by each step, numbered, immutable, verifiable, and safe to render."""

import datetime
import hashlib
import io
import threading

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from flows import services as flow_services
from letters import services as letter_services
from letters.content import draft
from letters.models import (
    InstitutionProfile,
    Letter,
    LetterKind,
    LetterNumber,
    LetterStatus,
    NumberStatus,
    PaperSize,
    VoidReason,
)
from letters.numbering import draws_apart, format_number, roman_month, validate_number_pattern
from letters.rendering import html_to_pdf
from letters.selectors import institution_profile
from lk3_flow import services
from lk3_flow.choices import NextStep, ReferralStatus
from lk3_flow.models import Case
from tests.factories import session_data
from tests.pdf import extract_text, letter_bytes

pytestmark = pytest.mark.django_db

JAKARTA_MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip


def pdf_text(letter: Letter) -> str:
    return extract_text(letter_bytes(letter))


def date_line(day: datetime.date) -> str:
    return f"Rangkasbitung, {day.day} {JAKARTA_MONTHS[day.month - 1]} {day.year}"


def letters_of(case: Case, kind: str) -> list[Letter]:
    return list(Letter.objects.filter(case=case, kind=kind).order_by("id"))


def next_sequence(kind: str, year: int | None = None) -> int:
    """The sequence the next letter of this kind will get. On PostgreSQL numbers are committed
    apart from the test's transaction, so earlier tests' numbers stay drawn; counted from here."""
    year = year or timezone.localdate().year
    last = LetterNumber.objects.filter(kind=kind, year=year).order_by("-sequence").first()
    return last.sequence + 1 if last else 1


def schedule_next(office, case: Case) -> Case:
    data = session_data(NextStep.ANOTHER_SESSION)
    data["next_session_at"] = timezone.now() + datetime.timedelta(days=7)
    return office.step(
        case,
        "counseling",
        office.counselor,
        lambda c: services.record_session(case=c, counselor=office.counselor, data=data),
    )


@pytest.fixture
def lifecycle(office):
    """One case taken through every letter-issuing step."""
    case = office.to_counseling(office.register(full_name="Dewi Lestari"))
    case = schedule_next(office, case)
    case = office.session(case, NextStep.PROPOSE_REFERRAL)
    case = office.review_referral(office.propose_referral(case))
    case = office.partner_response(case, ReferralStatus.ACCEPTED)
    case = office.session(case, NextStep.PROPOSE_CLOSURE)
    return office.review_closure(office.propose_closure(case))


EXPECTED = {
    # kind: (title or subject printed, who signs)
    LetterKind.REGISTRATION_RECEIPT: ("TANDA BUKTI PENDAFTARAN", "intake"),
    LetterKind.SERVICE_CONSENT: ("SURAT PERNYATAAN PERSETUJUAN LAYANAN", "intake"),
    LetterKind.ASSIGNMENT: ("SURAT TUGAS", "head"),
    LetterKind.ASSESSMENT_REPORT: ("LAPORAN HASIL ASESMEN", "head"),
    LetterKind.COUNSELING_INVITATION: ("Undangan Sesi Konseling", "counselor"),
    LetterKind.REFERRAL: ("Rujukan Klien", "head"),
    LetterKind.SERVICE_COMPLETION: ("SURAT KETERANGAN SELESAI LAYANAN", "head"),
}


def test_every_step_issues_its_letter_with_number_names_date_and_signer(office, lifecycle):
    for kind, (title, signer_role) in EXPECTED.items():
        (letter,) = letters_of(lifecycle, kind)
        signer = getattr(office, signer_role)
        text = pdf_text(letter)
        assert letter.number in text, kind
        assert title in text, kind
        assert date_line(timezone.localdate(letter.issued_at)) in text, kind
        assert letter.signer == signer
        assert signer.get_full_name() in text, kind
        assert letter.short_code in text, kind
        assert letter.number.split("/")[1] in ("TBP", "SPL", "ST", "LHA", "UND", "RJK", "SKET")
        if kind != LetterKind.ASSIGNMENT:
            assert "Dewi Lestari" in text, kind
    referral = pdf_text(letters_of(lifecycle, LetterKind.REFERRAL)[0])
    assert f"Yth. Pimpinan {office.partner.name}" in referral
    assert "Tembusan" in referral


def test_stored_bytes_match_their_hash_and_rendering_is_reproducible(lifecycle):
    letter = letters_of(lifecycle, LetterKind.REFERRAL)[0]
    data = letter_bytes(letter)
    letter.refresh_from_db()
    assert hashlib.sha256(data).hexdigest() == letter.sha256
    profile = institution_profile()
    referral_draft = draft(letter.kind, letter.case, profile, referral=letter.referral)
    html = letter_services.render_letter_html(letter, referral_draft, profile)
    assert html_to_pdf(html) == html_to_pdf(html)
    assert letter.template_version == letter_services.TEMPLATE_VERSION


def test_referral_summary_only_with_consent(office):
    def referral_text(consent: bool) -> str:
        case = office.to_counseling(
            office.register(full_name=f"Klien {consent}", consent_share_with_partners=consent)
        )
        case = office.review_referral(
            office.propose_referral(office.session(case, NextStep.PROPOSE_REFERRAL))
        )
        return pdf_text(letters_of(case, LetterKind.REFERRAL)[0])

    presenting_problem = "Konflik suami-istri berulang."
    assert presenting_problem in referral_text(True)
    refused = referral_text(False)
    assert presenting_problem not in refused
    assert "tidak memberikan persetujuan" in refused


def test_numbers_are_a_gap_free_sequence_per_kind(office):
    kinds = (LetterKind.REGISTRATION_RECEIPT, LetterKind.SERVICE_CONSENT, LetterKind.ASSIGNMENT)
    receipt, consent, assignment = (next_sequence(kind) for kind in kinds)
    first, second = office.register(), office.register(full_name="Klien Kedua")
    receipts = [letters_of(c, LetterKind.REGISTRATION_RECEIPT)[0] for c in (first, second)]
    assert [letter.sequence for letter in receipts] == [receipt, receipt + 1]
    assert letters_of(second, LetterKind.SERVICE_CONSENT)[0].sequence == consent + 1
    assigned = office.assign(first).letters.get(kind=LetterKind.ASSIGNMENT)
    assert assigned.sequence == assignment
    assert assigned.register_entry.status == NumberStatus.USED


@pytest.mark.parametrize("month", range(1, 13))
def test_roman_months(month):
    expected = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
    assert roman_month(month) == expected[month - 1]
    number = format_number(
        "{seq:03d}/{code}/LK3-LBK/{roman_month}/{year}",
        sequence=7,
        kind=LetterKind.REFERRAL,
        on=datetime.date(2026, month, 15),
    )
    assert number == f"007/RJK/LK3-LBK/{expected[month - 1]}/2026"


def test_number_pattern_is_validated():
    validate_number_pattern("{code}-{seq}/{year}")
    for broken in ["{code}/{year}", "{seq}/{nope}", "{seq:03q}"]:
        with pytest.raises(ValidationError):
            validate_number_pattern(broken)


def test_a_letter_issued_at_2330_utc_on_31_december_is_dated_and_numbered_in_the_new_year(
    office, monkeypatch
):
    office.register()  # a letter of the old year
    instant = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    sequence = next_sequence(LetterKind.REGISTRATION_RECEIPT, 2027)
    case = office.register(full_name="Klien Tahun Baru")
    receipt = letters_of(case, LetterKind.REGISTRATION_RECEIPT)[0]
    assert receipt.issued_on == datetime.date(2027, 1, 1)
    assert receipt.number == f"{sequence:03d}/TBP/LK3-LBK/I/2027"
    assert "Rangkasbitung, 1 Januari 2027" in pdf_text(receipt)


def test_a_failing_step_issues_nothing_and_its_number_is_void_or_free(office, monkeypatch):
    """Free again where the number is drawn in the step's transaction (SQLite), void with the
    reason where it is drawn apart (PostgreSQL): never given twice, never missing."""
    case = office.register()
    sequence = next_sequence(LetterKind.ASSIGNMENT)

    def broken_composer(*_letter_draft_profile: object) -> str:
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(letter_services, "render_letter_html", broken_composer)
    with pytest.raises(RuntimeError):
        office.assign(case)
    case.refresh_from_db()
    assert case.counselor is None
    assert not Letter.objects.filter(kind=LetterKind.ASSIGNMENT).exists()
    assert [t.flow_task.name for t in flow_services.open_tasks(case)] == ["assign_counselor"]
    monkeypatch.undo()
    case = office.assign(case)
    assigned = case.letters.get(kind=LetterKind.ASSIGNMENT)
    drawn = LetterNumber.objects.filter(
        kind=LetterKind.ASSIGNMENT, year=assigned.issued_on.year, sequence__gte=sequence
    )
    if draws_apart():
        assert assigned.sequence == sequence + 1
        void = drawn.get(sequence=sequence)
        assert (void.status, void.void_reason, void.void_error) == (
            NumberStatus.VOID,
            VoidReason.ISSUE_FAILED,
            "RuntimeError",
        )
    else:
        assert assigned.sequence == sequence
        assert list(drawn) == [assigned.register_entry]


def test_f4_paper(office):
    profile = institution_profile()
    profile.paper_size = PaperSize.F4
    profile.save()
    case = office.register()
    letter = letters_of(case, LetterKind.REGISTRATION_RECEIPT)[0]
    page = pypdf.PdfReader(io.BytesIO(letter_bytes(letter))).pages[0]
    width_mm, height_mm = (float(v) * 25.4 / 72 for v in page.mediabox.upper_right)
    assert round(width_mm) == 215 and round(height_mm) == 330


HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="file:///etc/hostname">',
    "<b>tebal</b> & <script>alert(1)</script>",
    '<img src="http://127.0.0.1:9/track.png">',
]


def test_hostile_text_is_printed_literally_and_fetches_nothing(office):
    long_name = "Ṡìtī Ñurhâyàtī Ω Жанна عائشة 漢字 " + "Panjangsekali" * 12
    case = flow_services.start_case(
        actor=office.intake,
        registration=services.Registration(
            client_data={
                "kind": "individual",
                "full_name": (long_name + " " + HOSTILE[0])[:200],
                "sex": "female",
                "address": f"{HOSTILE[1]} {HOSTILE[2]}"[:500],
            },
            case_data={
                "problem_categories": ["other"],
                "services": ["referral"],
                "channel": "walk_in",
                "complaint": " ".join(HOSTILE),
                "consent_given": True,
                "consent_share_with_partners": True,
            },
        ),
    )
    case = office.assign(case)
    hostile_assessment = {name: " ".join(HOSTILE) for name in ["presenting_problem", "needs"]}
    case = office.step(
        case,
        "assessment",
        office.counselor,
        lambda c: services.record_assessment(
            case=c,
            author=office.counselor,
            data={
                **{name: "x" for name in ["family_situation", "strengths", "risks", "goals"]},
                **hostile_assessment,
                "planned_services": ["referral"],
            },
        ),
    )
    case = office.review_assessment(case)
    case = office.session(case, NextStep.PROPOSE_REFERRAL)
    case = office.step(
        case,
        "propose_referral",
        office.counselor,
        lambda c: services.propose_referral(
            case=c,
            counselor=office.counselor,
            partner=office.partner,
            reason=" ".join(HOSTILE),
            services_requested=["protection"],
        ),
    )
    case = office.review_referral(case)
    with open("/etc/passwd") as passwd_file:
        passwd = passwd_file.readline().strip()
    for letter in case.letters.all():
        raw = letter_bytes(letter)
        text = extract_text(raw)
        flat = text.replace(" ", "")
        assert passwd not in text and passwd.encode() not in raw, letter.kind
        reader = pypdf.PdfReader(io.BytesIO(raw))
        images = [image for page in reader.pages for image in page.images]
        assert len(images) <= 1, (letter.kind, len(images))  # at most the logo
        if letter.kind in (LetterKind.REFERRAL, LetterKind.ASSESSMENT_REPORT):
            assert '<imgsrc="file:///etc/passwd">' in flat, letter.kind
            assert "<b>tebal</b>&<script>alert(1)</script>" in flat, letter.kind
        if letter.kind != LetterKind.ASSIGNMENT:  # the only letter without the client's name
            assert "Ñurhâyàtī" in text, letter.kind


def test_download_needs_the_right_to_read_the_case(client, office, lifecycle):
    assignment = letters_of(lifecycle, LetterKind.ASSIGNMENT)[0]
    receipt = letters_of(lifecycle, LetterKind.REGISTRATION_RECEIPT)[0]
    url = reverse("letter_download", args=[assignment.pk])
    client.force_login(office.head)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assignment.refresh_from_db()  # the download made its file: the worker had not yet
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == assignment.sha256
    client.force_login(office.other_counselor)
    assert client.get(url).status_code == 404
    client.force_login(office.intake)
    assert client.get(url).status_code == 404
    assert client.get(reverse("letter_download", args=[receipt.pk])).status_code == 200
    anonymous = Client()
    assert anonymous.get(url).status_code == 302


def test_correction_revokes_and_supersedes(client, office, lifecycle):
    old = letters_of(lifecycle, LetterKind.SERVICE_COMPLETION)[0]
    client.force_login(office.counselor)
    url = reverse("letter_correct", args=[old.pk])
    assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 403
    client.force_login(office.head)
    assert client.post(url, {"reason": "Tanggal salah.", "confirm": "on"}).status_code == 302
    old.refresh_from_db()
    new = old.superseded_by
    assert old.status == LetterStatus.REVOKED and old.revocation_reason == "Tanggal salah."
    assert new.status == LetterStatus.VALID and new.kind == old.kind
    assert new.sequence == old.sequence + 1 and new.closure_id == old.closure_id
    with pytest.raises(ValidationError):
        letter_services.correct_letter(old, signer=office.head, reason="lagi")


def test_verification_page(office, lifecycle):
    public = Client()
    letter = letters_of(lifecycle, LetterKind.REFERRAL)[0]
    url = reverse("verify_letter", args=[letter.token])
    page = public.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-verdict="valid"' in html
    assert letter.number in html and letter.signer_name in html
    assert "Dewi Lestari" not in html and lifecycle.number not in html

    original = letter_bytes(letter)
    matching = public.post(url, {"pdf": SimpleUploadedFile("a.pdf", original)})
    assert 'data-verdict="match"' in matching.content.decode()
    tampered = public.post(url, {"pdf": SimpleUploadedFile("a.pdf", original + b"%")})
    assert 'data-verdict="mismatch"' in tampered.content.decode()

    letter_services.correct_letter(letter, signer=office.head, reason="Alamat mitra salah.")
    revoked = public.get(url).content.decode()
    assert 'data-verdict="revoked"' in revoked
    assert Letter.objects.get(pk=letter.pk).superseded_by.number in revoked

    unknown = public.get(reverse("verify_letter", args=["tidak-ada"]))
    assert unknown.status_code == 404 and 'data-verdict="unknown"' in unknown.content.decode()

    by_code = public.post(reverse("verify_letter_by_code"), {"code": letter.short_code.lower()})
    assert by_code.status_code == 302 and by_code.url == url
    wrong = public.post(reverse("verify_letter_by_code"), {"code": "XXXXX-XXXXX"})
    assert wrong.status_code == 200


def test_institution_profile_shapes_the_letterhead(office):
    InstitutionProfile.objects.update_or_create(
        pk=1, defaults={"city": "Malingping", "agency": "DINAS SOSIAL PROVINSI"}
    )
    letter = letters_of(office.register(), LetterKind.REGISTRATION_RECEIPT)[0]
    text = pdf_text(letter)
    assert "DINAS SOSIAL PROVINSI" in text
    assert date_line(letter.issued_on).replace("Rangkasbitung", "Malingping") in text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_parallel_issuing_gives_distinct_gap_free_numbers(office):
    first = next_sequence(LetterKind.ASSIGNMENT)
    cases = [office.assign(office.register(full_name=f"Klien Paralel {n}")) for n in range(4)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(cases))

    def issue(case: Case) -> None:
        try:
            barrier.wait()
            for _ in range(3):
                letter_services.issue_letter(LetterKind.ASSIGNMENT, case, signer=office.head)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sequences = sorted(
        Letter.objects.filter(kind=LetterKind.ASSIGNMENT).values_list("sequence", flat=True)
    )
    # 4 from the assignments, 12 in parallel
    assert sequences == list(range(first, first + 4 + 12))
