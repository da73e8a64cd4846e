"""Letters laid out as the Tata Naskah Dinas wants them: one page where the text fits, the signature
never alone on a page, Sifat from the content, a.n. where someone signs for the head, Dasar on a
letter of assignment, the NIP in its parts, the letterhead lines unbroken."""

import datetime
import io
import subprocess

import pypdf
import pytest
from django.utils import timezone

from letters.letterhead import SMALLEST_PT, fitted_size
from letters.models import Letter, LetterKind
from letters.selectors import institution_profile
from lk3_flow import services
from lk3_flow.choices import NextStep, ReferralStatus
from lk3_flow.fields import REPORT_LENGTH
from lk3_flow.models import Case, StaffProfile
from lk3_flow.templatetags.lk3 import nip
from tests.factories import ASSESSMENT, session_data
from tests.pdf import extract_text, letter_bytes

HEAD_NIP = "197011031996022001"


def letter_of(case: Case, kind: str) -> Letter:
    return Letter.objects.filter(case=case, kind=kind).latest("pk")


def pages_of(letter: Letter) -> list[str]:
    """The text of each page, white space folded."""
    reader = pypdf.PdfReader(io.BytesIO(letter_bytes(letter)))
    return [extract_text(_page_pdf(reader, number)) for number in range(len(reader.pages))]


def _page_pdf(reader: pypdf.PdfReader, number: int) -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_page(reader.pages[number])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def text_of(letter: Letter) -> str:
    return extract_text(letter_bytes(letter))


def jakarta_date(day: datetime.date) -> str:
    months = (
        "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
    )
    return f"{day.day} {months.split()[day.month - 1]} {day.year}"


@pytest.fixture
def closed_case(office):
    """A case taken through every step of the process that issues a letter."""
    StaffProfile.objects.filter(user=office.head).update(nip=HEAD_NIP)
    case = office.to_counseling(office.register(full_name="Dewi Lestari"))
    data = session_data(NextStep.ANOTHER_SESSION)
    data["next_session_at"] = timezone.now() + datetime.timedelta(days=7)
    case = office.step(
        case,
        "counseling",
        office.counselor,
        lambda c: services.record_session(case=c, counselor=office.counselor, data=data),
    )
    case = office.session(case, NextStep.PROPOSE_REFERRAL)
    case = office.review_referral(office.propose_referral(case))
    case = office.partner_response(case, ReferralStatus.ACCEPTED)
    case = office.session(case, NextStep.PROPOSE_CLOSURE)
    return office.review_closure(office.propose_closure(case))


@pytest.mark.django_db
def test_every_letter_of_an_ordinary_case_fits_on_one_page(closed_case):
    letters = Letter.objects.filter(case=closed_case)
    assert letters.count() == 7
    for letter in letters:
        assert len(pages_of(letter)) == 1, letter.kind


@pytest.mark.django_db
def test_the_signature_goes_to_the_next_page_with_the_paragraph_before_it(office):
    long = {key: "Uraian panjang. " * 200 for key in ASSESSMENT if key != "planned_services"}
    assert all(len(text) <= REPORT_LENGTH for text in long.values())
    case = office.assign(office.register())
    case = office.step(
        case,
        "assessment",
        office.counselor,
        lambda c: services.record_assessment(
            case=c, author=office.counselor, data={**ASSESSMENT, **long}
        ),
    )
    case = office.review_assessment(case)
    pages = pages_of(letter_of(case, LetterKind.ASSESSMENT_REPORT))
    assert len(pages) > 2
    last = pages[-1]
    assert office.head.get_full_name() in last
    # Not the signature alone: the last paragraph went with it, and the QR code's words too.
    assert "Layanan yang direncanakan" in last
    assert "Kode verifikasi" in last
    # A confidential letter says so at the head of each page; the pages after the first are
    # numbered.
    for number, page in enumerate(pages, start=1):
        assert page.lstrip().startswith("RAHASIA"), number
        assert (f" {number} " in f" {page} ") == (number > 1), number


def test_a_nip_prints_in_its_parts():
    assert nip(HEAD_NIP) == "19701103 199602 2 001"
    assert nip("12345") == "12345"
    assert nip("") == ""


@pytest.mark.django_db
def test_the_head_signs_in_person_others_on_behalf_of_the_head(office, closed_case):
    assignment = text_of(letter_of(closed_case, LetterKind.ASSIGNMENT))
    assert "a.n." not in assignment
    assert "Ketua LK3 Kabupaten Lebak, " in assignment
    assert f"NIP. {nip(HEAD_NIP)}" in assignment

    invitation = text_of(letter_of(closed_case, LetterKind.COUNSELING_INVITATION))
    assert "a.n. Ketua LK3 Kabupaten Lebak Pekerja Sosial, " in invitation
    receipt = text_of(letter_of(closed_case, LetterKind.REGISTRATION_RECEIPT))
    assert "a.n. Ketua LK3 Kabupaten Lebak Petugas Registrasi, " in receipt


@pytest.mark.django_db
def test_a_letter_of_assignment_states_its_basis_then_whom_it_assigns(office, closed_case):
    profile = institution_profile()
    profile.assignment_basis = "Keputusan Bupati Lebak tentang Pembentukan LK3"
    profile.save()
    case = office.assign(office.register())
    receipt = letter_of(case, LetterKind.REGISTRATION_RECEIPT)
    text = text_of(letter_of(case, LetterKind.ASSIGNMENT))
    basis = text.index("Dasar")
    assert text.index("Keputusan Bupati Lebak tentang Pembentukan LK3;") > basis
    assert f"Tanda Bukti Pendaftaran Nomor {receipt.number} tanggal" in text
    assert basis < text.index("MENUGASKAN") < text.index("Kepada") < text.index("Untuk")
    assert office.counselor.get_full_name() in text


@pytest.mark.django_db
def test_sifat_follows_the_content(office):
    ordinary = office.to_counseling(office.register())
    violence = office.to_counseling(
        office.register(full_name="Rina Marlina", problem_categories=["domestic_violence"])
    )
    for case, sifat in ((ordinary, "Biasa"), (violence, "Rahasia")):
        data = session_data(NextStep.ANOTHER_SESSION)
        data["next_session_at"] = timezone.now() + datetime.timedelta(days=3)
        office.step(
            case,
            "counseling",
            office.counselor,
            lambda c, data=data: services.record_session(
                case=c, counselor=office.counselor, data=data
            ),
        )
        text = text_of(letter_of(case, LetterKind.COUNSELING_INVITATION))
        assert f": {sifat}" in text
        # A confidential letter is marked at the head of its page too.
        assert text.lstrip().startswith("RAHASIA") == (sifat == "Rahasia")


@pytest.mark.django_db
def test_copies_go_only_where_the_social_office_should_read(closed_case):
    for letter in Letter.objects.filter(case=closed_case):
        text = text_of(letter)
        assert "Arsip" not in text, letter.kind
        copied = letter.kind in (
            LetterKind.ASSESSMENT_REPORT,
            LetterKind.REFERRAL,
            LetterKind.SERVICE_COMPLETION,
        )
        assert ("Tembusan: 1. Kepala Dinas Sosial Kabupaten Lebak" in text) == copied, letter.kind


@pytest.mark.django_db
def test_a_case_served_within_one_day_is_not_served_from_a_day_to_the_same_day(closed_case):
    text = text_of(letter_of(closed_case, LetterKind.SERVICE_COMPLETION))
    assert f"pada tanggal {jakarta_date(timezone.localdate())}" in text
    assert "sampai dengan" not in text


@pytest.mark.django_db
def test_the_consent_statement_is_dated_the_day_consent_was_given(office):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    case = office.register(consent_date=yesterday)
    statement = text_of(letter_of(case, LetterKind.SERVICE_CONSENT))
    assert f"Rangkasbitung, {jakarta_date(yesterday)}" in statement
    receipt = text_of(letter_of(case, LetterKind.REGISTRATION_RECEIPT))
    assert f"Rangkasbitung, {jakarta_date(timezone.localdate())}" in receipt


def test_a_letterhead_line_is_set_smaller_rather_than_wrapped():
    assert fitted_size("DINAS SOSIAL", size_pt=13, bold=True, width_cm=12.6) == 13
    long = "LEMBAGA KONSULTASI KESEJAHTERAAN KELUARGA (LK3) KABUPATEN LEBAK"
    smaller = fitted_size(long, size_pt=14, bold=True, width_cm=12.6)
    assert SMALLEST_PT <= smaller < 14
    assert fitted_size(long * 5, size_pt=14, bold=True, width_cm=12.6) == SMALLEST_PT


@pytest.mark.django_db
def test_the_letterhead_prints_each_line_of_the_profile_whole(office):
    profile = institution_profile()
    profile.name = "LEMBAGA KONSULTASI KESEJAHTERAAN KELUARGA (LK3) KABUPATEN LEBAK"
    profile.save()
    case = office.register()
    pdf = letter_bytes(letter_of(case, LetterKind.REGISTRATION_RECEIPT))
    lines = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert profile.name in [line.strip() for line in lines.splitlines()]


@pytest.mark.django_db
def test_an_emoji_in_a_name_prints_with_a_font_that_has_it(office):
    case = office.register(full_name="Siti \N{SMILING FACE WITH SMILING EYES} Aminah")
    reader = pypdf.PdfReader(
        io.BytesIO(letter_bytes(letter_of(case, LetterKind.REGISTRATION_RECEIPT)))
    )
    fonts = {
        str(font.get_object()["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert any("Emoji" in name for name in fonts), fonts
