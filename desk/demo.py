"""The demo office's services without a case file and its outreach events.

Recorded through the same services the pages call. Idempotent: nothing is added once the demo
has some. One walk-in consultation is the one that became the demo case of its requester.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from lk3_flow.models import Case
from regions.selectors import office_villages

from . import services
from .models import DeskService, OutreachEvent


@dataclass(frozen=True)
class DemoService:
    handled_by: str
    days_ago: int
    service: str
    channel: str
    requester_kind: str
    topic: str
    answer: str
    requester_name: str = ""
    head_count: int | None = None
    sex: str = ""
    age_group: str = ""
    phone: str = ""
    place: tuple[str, str] = ("", "")  # kecamatan, desa
    problem_categories: tuple[str, ...] = ()
    # The demo client whose case this consultation became.
    became_case_of: str = ""


@dataclass(frozen=True)
class DemoEvent:
    recorded_by: str
    days_ago: int
    kind: str
    place: str
    area: tuple[str, str]
    audience_kind: str
    audience_description: str
    men: int
    women: int
    topic: str
    materials: str
    officers: tuple[str, ...] = field(default_factory=tuple)


SERVICES = (
    DemoService(
        handled_by="petugas.rina",
        days_ago=2,
        service="consultation",
        channel="phone",
        requester_kind="individual",
        requester_name="Ibu Enok",
        sex="female",
        age_group="adult",
        phone="0813-1122-4455",
        place=("Rangkasbitung", "Muara Ciujung Timur"),
        problem_categories=("economic", "marital_conflict"),
        topic="Suami tidak memberi nafkah sejak tiga bulan",
        answer="Dijelaskan layanan konseling pasangan dan hak nafkah; ibu akan datang bila siap.",
    ),
    DemoService(
        handled_by="konselor.siti",
        days_ago=5,
        service="information",
        channel="walk_in",
        requester_kind="individual",
        sex="male",
        age_group="elderly",
        place=("Cibadak", "Kaduagung Timur"),
        problem_categories=("elderly",),
        topic="Syarat bantuan sosial bagi lansia yang tinggal sendiri",
        answer="Diberikan daftar syarat dan alamat Dinas Sosial; diarahkan ke TKSK kecamatan.",
    ),
    DemoService(
        handled_by="pimpinan.euis",
        days_ago=9,
        service="information",
        channel="letter",
        requester_kind="institution",
        requester_name="SMP Negeri 2 Cibadak",
        problem_categories=("juvenile_delinquency",),
        topic="Permohonan narasumber pencegahan perundungan",
        answer="Dijawab dengan surat: LK3 bersedia mengisi sosialisasi bulan depan.",
    ),
    DemoService(
        handled_by="konselor.nenden",
        days_ago=12,
        service="consultation",
        channel="message",
        requester_kind="organisation",
        requester_name="Serikat Pekerja PT Lebak Tekstil",
        head_count=25,
        problem_categories=("divorce", "parenting"),
        topic="Pendampingan karyawan yang sedang bercerai",
        answer="Dijelaskan layanan konseling keluarga dan rujukan Posbakum Pengadilan Agama.",
    ),
    DemoService(
        handled_by="konselor.fauzi",
        days_ago=20,
        service="information",
        channel="message",
        requester_kind="group",
        requester_name="Karang Taruna Desa Sukaraja",
        head_count=12,
        place=("Warunggunung", "Sukaraja"),
        topic="Layanan LK3 bagi remaja dan orang tua",
        answer="Dikirimkan leaflet layanan dan nomor pengaduan.",
    ),
    DemoService(
        handled_by="konselor.siti",
        days_ago=1,
        service="consultation",
        channel="phone",
        requester_kind="individual",
        sex="female",
        age_group="young_adult",
        problem_categories=("domestic_violence",),
        topic="Ragu melaporkan kekerasan oleh pasangan",
        answer="Dijelaskan pilihan perlindungan dan layanan UPTD PPA; penelepon tanpa nama.",
    ),
    DemoService(
        handled_by="petugas.rina",
        days_ago=0,
        service="consultation",
        channel="walk_in",
        requester_kind="individual",
        requester_name="Imas Masitoh",
        sex="female",
        age_group="adult",
        phone="0857-7412-3390",
        place=("Warunggunung", "Sukaraja"),
        problem_categories=("disability", "parenting"),
        topic="Merawat anak dengan cerebral palsy",
        answer="Ibu ingin didampingi; didaftarkan sebagai kasus.",
        became_case_of="Imas Masitoh",
    ),
)

EVENTS = (
    DemoEvent(
        recorded_by="konselor.siti",
        days_ago=6,
        kind="awareness",
        place="Balai Desa Muara Ciujung Timur",
        area=("Rangkasbitung", "Muara Ciujung Timur"),
        audience_kind="community",
        audience_description="Ibu-ibu PKK dan kader posyandu",
        men=6,
        women=42,
        topic="Pencegahan perkawinan anak",
        materials="Slide paparan, leaflet layanan LK3 (50 lembar)",
        officers=("konselor.siti", "pimpinan.euis"),
    ),
    DemoEvent(
        recorded_by="konselor.nenden",
        days_ago=15,
        kind="socialisation",
        place="Aula SMP Negeri 2 Cibadak",
        area=("Cibadak", ""),
        audience_kind="school",
        audience_description="Siswa kelas 8 dan guru BK",
        men=58,
        women=63,
        topic="Pencegahan perundungan dan layanan LK3",
        materials="Slide paparan, poster nomor pengaduan",
        officers=("konselor.nenden",),
    ),
    DemoEvent(
        recorded_by="pimpinan.euis",
        days_ago=27,
        kind="field_visit",
        place="Majelis Taklim Al-Hidayah",
        area=("Warunggunung", "Sukaraja"),
        audience_kind="religious",
        audience_description="Jamaah ibu-ibu majelis taklim",
        men=0,
        women=35,
        topic="Ketahanan keluarga",
        materials="Buku saku ketahanan keluarga",
        officers=("konselor.fauzi", "pimpinan.euis"),
    ),
)


def _area(kecamatan: str, desa: str) -> dict:
    if not kecamatan:
        return {}
    villages = office_villages().filter(district__name=kecamatan)
    if desa:
        village = villages.get(name=desa)
        return {"kecamatan": village.district, "desa": village}
    return {"kecamatan": villages.first().district}


def seed(users: dict) -> None:
    """Add the demo's services and events, unless the office already has some."""
    with transaction.atomic():
        if not DeskService.objects.exists():
            for demo in SERVICES:
                _record_service(demo, users)
        if not OutreachEvent.objects.exists():
            for event in EVENTS:
                _record_event(event, users)


def _record_service(demo: DemoService, users: dict) -> None:
    actor = users[demo.handled_by]
    occurred_at = timezone.now() - datetime.timedelta(days=demo.days_ago, hours=1)
    case = None
    if demo.became_case_of:
        case = Case.objects.filter(client__full_name=demo.became_case_of).order_by("pk").first()
        if case is not None:
            occurred_at = case.created_at - datetime.timedelta(hours=1)
    desk_service = services.record_desk_service(
        actor=actor,
        service=demo.service,
        occurred_at=occurred_at,
        channel=demo.channel,
        requester_kind=demo.requester_kind,
        requester_name=demo.requester_name,
        head_count=demo.head_count,
        sex=demo.sex,
        age_group=demo.age_group,
        phone=demo.phone,
        problem_categories=list(demo.problem_categories),
        topic=demo.topic,
        answer=demo.answer,
        **_area(*demo.place),
    )
    if case is not None:
        services.link_to_case(actor=actor, desk_service_id=desk_service.pk, case=case)


def _record_event(demo: DemoEvent, users: dict) -> None:
    services.record_outreach(
        actor=users[demo.recorded_by],
        officers=[users[name] for name in demo.officers],
        kind=demo.kind,
        held_on=timezone.localdate() - datetime.timedelta(days=demo.days_ago),
        place=demo.place,
        audience_kind=demo.audience_kind,
        audience_description=demo.audience_description,
        men=demo.men,
        women=demo.women,
        topic=demo.topic,
        materials=demo.materials,
        **_area(*demo.area),
    )
