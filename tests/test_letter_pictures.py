"""Pictures that guard the letter layout: every kind of letter, made from fixed records through the
code that makes its file, is compared page by page with the pictures in tests/letter_pictures/.

A change of the layout fails here until someone has looked at the new pictures and accepted them
(`make letter-pictures`). Pixels are compared with a tolerance, so that the anti-aliasing of
another machine's rasteriser passes while a line of text moved by a millimetre does not.
"""

import datetime
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from PIL import Image, ImageChops, ImageFilter

from letters import content
from letters.models import InstitutionProfile, Letter, LetterKind
from letters.numbering import format_number
from letters.rendering import ASSETS, html_to_pdf
from letters.services import TEMPLATE_VERSION, _signer_facts, render_letter_html
from lk3_flow.choices import (
    ClientKind,
    ClosureReason,
    InstitutionKind,
    IntakeChannel,
    NextStep,
    PartnerCategory,
    Placement,
    ReferralStatus,
    Relationship,
    Review,
    SessionType,
    Sex,
)
from lk3_flow.models import (
    Accompaniment,
    Assessment,
    Case,
    Client,
    Closure,
    CounselingSession,
    HomeVisit,
    HouseholdMember,
    Partner,
    Protection,
    Referral,
    StaffProfile,
)
from plans.models import Goal
from regions.models import District, Village
from tests.pdf import embedded_fonts, page_pictures

pytestmark = pytest.mark.django_db

PICTURES = Path(__file__).resolve().parent / "letter_pictures"
# Where a failing comparison leaves the new pictures and their differences (git-ignored).
NEW_PICTURES = Path(settings.BASE_DIR) / "var" / "letter-pictures"
# Set by `make letter-pictures`: the pictures are written instead of compared.
ACCEPT = os.environ.get("LK3_ACCEPT_LETTER_PICTURES") == "1"

# Dots per inch: a 12 pt line of text is some 12 pixels high, an A4 page 579 x 819 pixels.
RESOLUTION = 70
# A pixel differs when one of its colour channels lies more than this (of 255) outside the range
# of the pixels around its place in the other picture: a glyph drawn a pixel over, or its grey
# edges smoothed a little otherwise by another rasteriser, stay within it.
PIXEL_TOLERANCE = 128
# A page differs when, in some square of SPOT x SPOT pixels (under 5 mm: about a line of text
# high, a short word wide), more than MAX_SPOT_SHARE of the pixels differ. Noise is spread thin
# over the whole page; a changed word or a moved line is dense in one place. Measured on the
# letters of December 2026: a whole page moved by 0.05 to 0.2 mm (less than a pixel) or drawn
# with another anti-aliasing (rendered at 140 dpi and scaled down) reaches at most 5%, except
# along the goals table's 0.5 pt borders (15%), which no two anti-aliasings draw alike; one word
# changed reaches 10% to 15%, one line moved by 1 mm 15% to 18%.
SPOT = 13
MAX_SPOT_SHARE = 0.075

JAKARTA = ZoneInfo("Asia/Jakarta")
ISSUED_AT = datetime.datetime(2026, 11, 27, 9, 30, tzinfo=JAKARTA)
ISSUED_ON = ISSUED_AT.date()
REGISTERED_AT = datetime.datetime(2026, 10, 5, 8, 45, tzinfo=JAKARTA)
PUBLIC_URL = "https://lk3.lebakkab.go.id"
TOKEN = "q7Xv2LmN9pRt4KwZ8bYc3HdF6sJg1AeUo5TiVr0MxQk"
SHORT_CODE = "K7M2P-X9Q4R"


@dataclass
class FixedOffice:
    """One case of LK3 Kabupaten Lebak with every record a letter draws on, and who signs what."""

    profile: InstitutionProfile
    case: Case
    signers: dict[str, Any]
    records: dict[str, dict[str, Any]]


def staff(username: str, first_name: str, last_name: str, position: str, nip: str = "") -> Any:
    user = get_user_model().objects.create_user(
        username=username, first_name=first_name, last_name=last_name
    )
    StaffProfile.objects.create(user=user, position=position, nip=nip)
    return get_user_model().objects.select_related("lk3_profile").get(pk=user.pk)


def institution() -> InstitutionProfile:
    """Every field given, not left to the model's defaults, whose change is not a layout change."""
    return InstitutionProfile(
        government="PEMERINTAH KABUPATEN LEBAK",
        agency="DINAS SOSIAL",
        name="LEMBAGA KONSULTASI KESEJAHTERAAN KELUARGA (LK3)",
        short_name="LK3 Kabupaten Lebak",
        address="Jl. Abdi Negara No. 3, Rangkasbitung, Kabupaten Lebak, Banten 42312",
        phone="(0252) 201012",
        email="lk3@lebakkab.go.id",
        website="lk3.lebakkab.go.id",
        city="Rangkasbitung",
        paper_size="A4",
        number_pattern="{seq:03d}/{code}/LK3-LBK/{roman_month}/{year}",
        copies_to="Kepala Dinas Sosial Kabupaten Lebak\nKetua Pengurus LK3 Kabupaten Lebak",
    )


def build_fixed_office() -> FixedOffice:
    intake = staff("petugas.rina", "Rina", "Agustina", "Petugas Registrasi")
    counselor = staff(
        "konselor.siti", "Siti", "Nurhasanah, S.Tr.Sos.", "Pekerja Sosial", "198406122009032004"
    )
    psychologist = staff("konselor.nenden", "Nenden", "Rahmawati, M.Psi.", "Psikolog")
    head = staff(
        "pimpinan.euis",
        "Hj. Euis",
        "Komariah, S.Sos., M.Si.",
        "Penanggung Jawab Operasional",
        "197011031996022001",
    )
    with time_machine.travel(REGISTERED_AT, tick=False):
        client = Client.objects.create(
            kind=ClientKind.INDIVIDUAL,
            full_name="Ai Nurhayati",
            nik="3602145705900003",
            family_card_number="3602141203150007",
            sex=Sex.FEMALE,
            birth_date=datetime.date(1990, 5, 17),
            address="Kp. Cibeas RT 002/RW 001",
            kecamatan=District.objects.get(code="36.02.14"),
            desa=Village.objects.get(code="36.02.14.2001"),
            phone="081287654321",
            registered_by=intake,
        )
        case = Case.objects.create(
            number="LK3-LBK/2026/0142",
            client=client,
            problem_categories=["marital_conflict", "domestic_violence", "parenting"],
            services=["counseling", "outreach", "accompaniment", "protection", "referral"],
            channel=IntakeChannel.WALK_IN,
            complaint="Sering bertengkar dengan suami hingga terjadi kekerasan; anak sulung "
            "berhenti sekolah sejak tiga bulan.",
            consent_given=True,
            consent_date=REGISTERED_AT.date(),
            consent_share_with_partners=True,
            counselor=counselor,
            registered_by=intake,
        )
    HouseholdMember.objects.create(
        client=client,
        full_name="Asep Saepudin",
        nik="3602140311870002",
        relationship=Relationship.HUSBAND,
        sex=Sex.MALE,
        birth_date=datetime.date(1987, 11, 3),
    )
    son = HouseholdMember.objects.create(
        client=client,
        full_name="Muhammad Rizki Pratama",
        nik="3602140908120001",
        relationship=Relationship.CHILD,
        sex=Sex.MALE,
        birth_date=datetime.date(2012, 8, 9),
    )
    assessment = Assessment.objects.create(
        case=case,
        author=counselor,
        presenting_problem=(
            "Klien dan suaminya, Sdr. Asep Saepudin, bertengkar hampir setiap minggu sejak suami "
            "kehilangan pekerjaan di pabrik pada awal tahun 2026. Pertengkaran beberapa kali "
            "berujung pada kekerasan fisik ringan dan ancaman terhadap klien. Anak sulung, "
            "Muhammad Rizki Pratama (14 tahun), berhenti bersekolah sejak Agustus 2026 dan sering "
            "meninggalkan rumah hingga larut malam."
        ),
        family_situation=(
            "Keluarga tinggal di rumah orang tua klien di Kp. Cibeas bersama dua anak (14 dan "
            "10 tahun). Suami bekerja serabutan sebagai buruh bangunan; klien berjualan makanan "
            "ringan di depan rumah. Penghasilan keluarga tidak tetap, sekitar Rp1.500.000 per "
            "bulan.\nOrang tua klien mendukung klien, tetapi enggan mencampuri urusan rumah tangga."
        ),
        strengths=(
            "Klien bermotivasi tinggi untuk mempertahankan keluarga dan keselamatan anak-anaknya. "
            "Suami bersedia mengikuti konseling pasangan. Keluarga besar klien dapat menampung "
            "klien dan anak-anak bila diperlukan. Kepala desa dan ketua RT mengenal keluarga."
        ),
        risks=(
            "Risiko kekerasan berulang apabila suami kembali mengonsumsi minuman keras. Anak "
            "sulung berisiko putus sekolah dan terlibat pergaulan yang tidak sehat. Klien "
            "menunjukkan gejala kecemasan dan sulit tidur."
        ),
        needs=(
            "Konseling pasangan dan konseling individu bagi klien; pendampingan anak untuk kembali "
            "bersekolah; informasi dan pendampingan hukum; tempat aman sementara bila kekerasan "
            "terulang."
        ),
        goals=(
            "Keluarga mampu menyelesaikan konflik tanpa kekerasan, anak kembali bersekolah, dan "
            "klien mengetahui hak-haknya serta layanan yang dapat diaksesnya."
        ),
        planned_services=["counseling", "outreach", "accompaniment", "protection", "referral"],
        review=Review.APPROVED,
        reviewed_by=head,
        reviewed_at=datetime.datetime(2026, 10, 20, 10, 15, tzinfo=JAKARTA),
    )
    plan = [
        (
            "Pasangan berkomunikasi tanpa kekerasan verbal maupun fisik selama tiga bulan.",
            ["counseling"],
            counselor,
            datetime.date(2027, 1, 29),
        ),
        (
            "Muhammad Rizki Pratama kembali bersekolah secara teratur di SMP Negeri 1 "
            "Rangkasbitung.",
            ["outreach", "accompaniment"],
            psychologist,
            datetime.date(2026, 12, 18),
        ),
        (
            "Klien memahami hak-haknya dan memperoleh bantuan hukum dari lembaga mitra.",
            ["referral", "accompaniment"],
            counselor,
            datetime.date(2027, 2, 26),
        ),
    ]
    for position, (description, services, responsible, target) in enumerate(plan, start=1):
        Goal.objects.create(
            case=case,
            position=position,
            description=description,
            services=services,
            responsible=responsible,
            target_date=target,
            approved=True,
            assessment=assessment,
        )
    session = CounselingSession.objects.create(
        case=case,
        counselor=counselor,
        person_concerned=son,
        scheduled_at=datetime.datetime(2026, 11, 26, 9, 0, tzinfo=JAKARTA),
        held_at=datetime.datetime(2026, 11, 26, 9, 10, tzinfo=JAKARTA),
        session_type=SessionType.FAMILY,
        duration_minutes=90,
        next_session_at=datetime.datetime(2026, 12, 3, 9, 30, tzinfo=JAKARTA),
        notes="Rizki menceritakan alasan berhenti sekolah: malu karena tunggakan iuran.",
        progress="Rizki bersedia bertemu wali kelas.",
        next_step=NextStep.ANOTHER_SESSION,
    )
    partner = Partner.objects.create(
        name="Lembaga Bantuan Hukum Rumah Keadilan Lebak",
        category=PartnerCategory.LEGAL_AID,
        address="Jl. Siliwangi No. 18, Rangkasbitung Timur, Kabupaten Lebak",
        contact_person="Dedi Mulyadi, S.H.",
        phone="(0252) 203344",
    )
    referral = Referral.objects.create(
        case=case,
        partner=partner,
        proposed_by=counselor,
        reason=(
            "Klien membutuhkan informasi dan pendampingan hukum mengenai perlindungan dari "
            "kekerasan dalam rumah tangga (UU No. 23 Tahun 2004) serta hak asuh anak, apabila "
            "klien memutuskan mengajukan gugatan cerai ke Pengadilan Agama Rangkasbitung."
        ),
        services_requested=["consultation", "accompaniment"],
        status=ReferralStatus.SENT,
        reviewed_by=head,
        reviewed_at=datetime.datetime(2026, 11, 25, 14, 0, tzinfo=JAKARTA),
        sent_at=ISSUED_AT,
    )
    closure = Closure.objects.create(
        case=case,
        proposed_by=counselor,
        reason=ClosureReason.GOALS_ACHIEVED,
        summary="Konflik mereda; anak kembali bersekolah; klien memperoleh bantuan hukum.",
        follow_up_plan=(
            "Kunjungan rumah oleh konselor satu bulan setelah layanan selesai, dan pemantauan "
            "kehadiran Muhammad Rizki Pratama di sekolah bersama wali kelas sampai akhir semester."
        ),
        review=Review.APPROVED,
        reviewed_by=head,
        reviewed_at=ISSUED_AT,
    )
    home_visit = HomeVisit.objects.create(
        case=case,
        counselor=counselor,
        planned_on=datetime.date(2026, 12, 1),
        place="Rumah klien, Kp. Cibeas RT 002/RW 001, Desa Pasirtanjung, Kec. Rangkasbitung",
        purpose=(
            "Menemui klien, suami, dan orang tua klien untuk menilai keamanan rumah dan "
            "membicarakan kesepakatan pengasuhan anak."
        ),
    )
    accompaniment = Accompaniment.objects.create(
        case=case,
        counselor=counselor,
        institution_kind=InstitutionKind.RELIGIOUS_COURT,
        institution_name="Pengadilan Agama Rangkasbitung",
        purpose="Mendampingi klien pada konsultasi di Pos Bantuan Hukum (Posbakum).",
        planned_on=datetime.date(2026, 12, 8),
    )
    school_visit = Accompaniment.objects.create(
        case=case,
        counselor=psychologist,
        person_concerned=son,
        institution_kind=InstitutionKind.SCHOOL,
        institution_name="SMP Negeri 1 Rangkasbitung",
        purpose=(
            "Mendampingi Muhammad Rizki Pratama dan orang tuanya bertemu kepala sekolah dan wali "
            "kelas untuk kembali bersekolah."
        ),
        planned_on=datetime.date(2026, 11, 24),
        accompanied_on=datetime.date(2026, 11, 24),
        outcome="Rizki diterima kembali di kelas VIII-C mulai 25 November 2026.",
        next_step=NextStep.ANOTHER_SESSION,
    )
    protection = Protection.objects.create(
        case=case,
        counselor=counselor,
        placement=Placement.SAFE_HOUSE,
        institution_name="UPTD Perlindungan Perempuan dan Anak Provinsi Banten",
        institution_address="Jl. Syekh Nawawi Al-Bantani, Kawasan Pusat Pemerintahan Provinsi "
        "Banten, Kota Serang",
        reason="Suami kembali mengancam klien setelah mengetahui rencana gugatan cerai.",
        starts_on=datetime.date(2026, 11, 28),
        planned_end_on=datetime.date(2026, 12, 26),
        review=Review.APPROVED,
        reviewed_by=head,
        reviewed_at=ISSUED_AT,
    )
    by_head = {kind: head for kind in LetterKind}
    return FixedOffice(
        profile=institution(),
        case=case,
        # Who signs each kind, as the process has them signed (README, "Letters").
        signers={
            **by_head,
            LetterKind.REGISTRATION_RECEIPT: intake,
            LetterKind.SERVICE_CONSENT: intake,
            LetterKind.COUNSELING_INVITATION: counselor,
        },
        records={
            LetterKind.COUNSELING_INVITATION: {"session": session},
            LetterKind.REFERRAL: {"referral": referral},
            LetterKind.SERVICE_COMPLETION: {"closure": closure},
            LetterKind.HOME_VISIT_ASSIGNMENT: {"activity": home_visit},
            LetterKind.ACCOMPANIMENT_ASSIGNMENT: {"activity": accompaniment},
            LetterKind.ACCOMPANIMENT_CERTIFICATE: {"activity": school_visit},
            LetterKind.PROTECTION_PLACEMENT: {"activity": protection},
        },
    )


@pytest.fixture
def fixed_office(settings) -> Any:
    """The office's records, on a clock stopped at the letters' date and time."""
    settings.LK3_PUBLIC_URL = PUBLIC_URL
    with time_machine.travel(ISSUED_AT, tick=False):
        yield build_fixed_office()


def letter_html(office: FixedOffice, kind: str) -> str:
    """The page a letter of `kind` is issued as (`issue_letter`), with a fixed number and token."""
    draft = content.draft(
        kind, office.case, office.profile, on=ISSUED_ON, **office.records.get(kind, {})
    )
    signer = office.signers[kind]
    letter = Letter(
        case=office.case,
        kind=kind,
        number=format_number(office.profile.number_pattern, sequence=7, kind=kind, on=ISSUED_ON),
        sequence=7,
        issued_at=ISSUED_AT,
        issued_on=ISSUED_ON,
        subject=draft.subject,
        signer=signer,
        token=TOKEN,
        short_code=SHORT_CODE,
        template_version=TEMPLATE_VERSION,
        **_signer_facts(signer),
    )
    return render_letter_html(letter, draft, office.profile)


@dataclass(frozen=True)
class Comparison:
    """How a new page differs from the committed picture of it."""

    # White where a pixel differs beyond the tolerance.
    differing: Image.Image
    # The share of the page's pixels that differ, and of the pixels of its densest spot.
    share: float
    densest_spot: float

    @property
    def differs(self) -> bool:
        return self.densest_spot > MAX_SPOT_SHARE


def _outside_neighbourhood(page: Image.Image, other: Image.Image) -> Image.Image:
    """By how much each pixel of `page` lies outside the range of the 3 x 3 pixels around its
    place in `other`, in its farthest channel."""
    darkest = other.filter(ImageFilter.MinFilter(3))
    lightest = other.filter(ImageFilter.MaxFilter(3))
    channels = ImageChops.lighter(
        ImageChops.subtract(darkest, page), ImageChops.subtract(page, lightest)
    ).split()
    return ImageChops.lighter(ImageChops.lighter(channels[0], channels[1]), channels[2])


def compare(expected: Image.Image, actual: Image.Image) -> Comparison:
    """Both ways: a stroke that vanished is as much a difference as one that appeared."""
    distance = ImageChops.lighter(
        _outside_neighbourhood(actual, expected), _outside_neighbourhood(expected, actual)
    )
    differing = distance.point(lambda value: 255 if value > PIXEL_TOLERANCE else 0)
    width, height = expected.size
    spots = differing.filter(ImageFilter.BoxBlur(SPOT // 2))
    return Comparison(
        differing=differing,
        share=differing.histogram()[255] / (width * height),
        densest_spot=spots.getextrema()[1] / 255,
    )


def difference_picture(page: Image.Image, comparison: Comparison) -> Image.Image:
    """The new page faded, with the pixels that differ from the committed picture in red."""
    faded = Image.blend(page, Image.new("RGB", page.size, "white"), 0.75)
    red = Image.new("RGB", page.size, (220, 0, 0))
    return Image.composite(red, faded, comparison.differing)


def committed_pictures(kind: str) -> dict[int, Path]:
    """The committed picture of each page of `kind`, by page number."""
    pattern = re.compile(rf"{re.escape(kind)}-(\d+)\.png")
    return {
        int(match[1]): path
        for path in PICTURES.glob(f"{kind}-*.png")
        if (match := pattern.fullmatch(path.name))
    }


def accept(kind: str, pages: list[Image.Image]) -> None:
    """Make the new pages the committed pictures of `kind`, dropping pages it no longer has."""
    PICTURES.mkdir(exist_ok=True)
    for path in committed_pictures(kind).values():
        path.unlink()
    for number, page in enumerate(pages, start=1):
        page.save(PICTURES / f"{kind}-{number}.png", optimize=True)


def mismatches(kind: str, pages: list[Image.Image]) -> list[str]:
    """What differs between the new pages of `kind` and the committed pictures, page by page;
    each page that differs is left with its difference picture under var/letter-pictures/."""
    committed = committed_pictures(kind)
    problems = []
    if len(pages) != len(committed):
        problems.append(f"{len(pages)} pages, where the committed pictures have {len(committed)}")
    for number, page in enumerate(pages, start=1):
        if number not in committed:
            problems.append(f"page {number}: no committed picture")
            continue
        with Image.open(committed[number]) as picture:
            expected = picture.convert("RGB")
        if expected.size != page.size:
            problems.append(
                f"page {number}: {page.size[0]}x{page.size[1]} pixels, where the committed "
                f"picture has {expected.size[0]}x{expected.size[1]} (another paper size?)"
            )
            continue
        comparison = compare(expected, page)
        if comparison.differs:
            diff_path = NEW_PICTURES / f"{kind}-{number}-diff.png"
            difference_picture(page, comparison).save(diff_path)
            problems.append(
                f"page {number}: {comparison.share:.2%} of its pixels differ, and "
                f"{comparison.densest_spot:.1%} of those of its densest {SPOT}x{SPOT} square "
                f"(at most {MAX_SPOT_SHARE:.1%} may); differences in red: {shown(diff_path)}"
            )
    return problems


def shown(path: Path) -> str:
    return str(path.relative_to(settings.BASE_DIR))


def is_bundled(font_name: str) -> bool:
    """Whether a font of the PDF is one of the stylesheet's @font-face fonts, which are read from
    letters/assets/fonts/ (the URL fetcher serves nothing else); WeasyPrint names them after
    their family, "LK3 Sans" as LK3-Sans, LK3-Sans-Bold, … A font the machine supplied instead
    is named after itself (DejaVuSans)."""
    stylesheet = (ASSETS / "letter.css").read_text()
    families = re.findall(r'@font-face\s*{\s*font-family:\s*"([^"]+)"', stylesheet)
    prefixes = {family.replace(" ", "-") for family in families}
    return any(font_name == prefix or font_name.startswith(f"{prefix}-") for prefix in prefixes)


@pytest.mark.parametrize("kind", LetterKind.values)
def test_the_letter_looks_as_its_committed_pictures(fixed_office, kind):
    pdf = html_to_pdf(letter_html(fixed_office, kind))
    # A glyph the bundled font lacks would be drawn in whatever font the machine has.
    fonts = embedded_fonts(pdf)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    assert all(is_bundled(name) for name, _embedded in fonts), fonts
    pages = page_pictures(pdf, RESOLUTION)
    if ACCEPT:
        accept(kind, pages)
    NEW_PICTURES.mkdir(parents=True, exist_ok=True)
    for stale in NEW_PICTURES.glob(f"{kind}-*.png"):
        stale.unlink()
    problems = mismatches(kind, pages)
    if problems:
        for number, page in enumerate(pages, start=1):
            page.save(NEW_PICTURES / f"{kind}-{number}.png")
        pytest.fail(
            f"The {kind} letter no longer looks as tests/letter_pictures/{kind}-*.png:\n  "
            + "\n  ".join(problems)
            + f"\nIts new pages are {shown(NEW_PICTURES)}/{kind}-<page>.png. If the change is "
            "meant (and letters.services.TEMPLATE_VERSION raised), look at them, then accept "
            "them with `make letter-pictures` and commit tests/letter_pictures/.",
            pytrace=False,
        )


def test_every_committed_picture_is_a_page_of_a_letter_kind():
    pattern = re.compile(rf"({'|'.join(LetterKind.values)})-\d+\.png")
    assert PICTURES.is_dir()
    strays = [path.name for path in PICTURES.iterdir() if not pattern.fullmatch(path.name)]
    assert strays == []


def pages_of(html: str) -> list[Image.Image]:
    return page_pictures(html_to_pdf(html), RESOLUTION)


def compared(html: str, changed_html: str) -> list[Comparison]:
    """Each page of a letter compared with the same page of it changed."""
    pages, changed = pages_of(html), pages_of(changed_html)
    assert len(pages) == len(changed)
    return [compare(page, changed_page) for page, changed_page in zip(pages, changed, strict=True)]


def nudged(html: str, element: str, css: str) -> str:
    """The page with `css` on the last `element` of it (e.g. "p", "body")."""
    opening = list(re.finditer(rf"<{element}\b", html))[-1].end()
    return f'{html[:opening]} style="{css}"{html[opening:]}'


@pytest.mark.parametrize("offset", ["0.1mm", "0.2mm"])
def test_a_page_moved_by_less_than_a_pixel_passes(fixed_office, offset):
    """As another machine may place the same page, its glyphs smoothed otherwise."""
    html = letter_html(fixed_office, LetterKind.ASSIGNMENT)
    moved = nudged(html, "body", f"position: relative; left: {offset}; top: {offset}")
    pages, moved_pages = pages_of(html), pages_of(moved)
    assert len(pages) == len(moved_pages)
    pairs = list(zip(pages, moved_pages, strict=True))
    assert any(ImageChops.difference(page, moved_page).getbbox() for page, moved_page in pairs)
    assert not any(compare(page, moved_page).differs for page, moved_page in pairs)


def test_a_line_moved_by_a_millimetre_fails(fixed_office):
    html = letter_html(fixed_office, LetterKind.ASSIGNMENT)
    moved = nudged(html, "p", "position: relative; top: 1mm")
    assert any(comparison.differs for comparison in compared(html, moved))


def test_one_word_changed_fails(fixed_office):
    html = letter_html(fixed_office, LetterKind.ASSIGNMENT)
    assert "Nurhasanah" in html
    changed = html.replace("Nurhasanah", "Nurjannah")
    assert any(comparison.differs for comparison in compared(html, changed))
