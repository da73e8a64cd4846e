"""Fictional demo data for the LK3 Kabupaten Lebak case-management app.

LK3 (Lembaga Konsultasi Kesejahteraan Keluarga) is a family welfare consultation
institution under the district social office in Rangkasbitung, Banten. Every person,
case and phone number below is invented; organisation names are plausible local
institutions used only as referral targets. Human-facing text is in Indonesian.

Pure data, checked against the domain's vocabularies and NIK rules by tests/test_demo_data.py.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DemoStaff:
    username: str
    first_name: str
    last_name: str
    role: str
    position: str
    nip: str


@dataclass(frozen=True)
class DemoPartner:
    name: str
    category: str
    address: str
    contact_person: str
    phone: str


@dataclass(frozen=True)
class DemoMember:
    full_name: str
    relationship: str  # a code of lk3_flow.choices.Relationship
    sex: str
    birth_date: date | None
    nik: str = ""


@dataclass(frozen=True)
class DemoNote:
    client_name: str  # the demo case's client
    text: str
    confidential: bool = False


@dataclass(frozen=True)
class DemoContact:
    client_name: str
    kind: str
    days_ago: int
    with_whom: str
    summary: str


@dataclass(frozen=True)
class DemoCase:
    client_name: str
    client_kind: str
    nik: str
    sex: str
    birth_date: date | None
    address: str
    kecamatan: str
    desa: str
    phone: str
    members: tuple[DemoMember, ...]
    problem_categories: tuple[str, ...]
    services: tuple[str, ...]
    channel: str
    priority: str
    sensitive: bool
    complaint: str
    counselor: str
    stage: str
    presenting_problem: str
    family_situation: str
    strengths: str
    risks: str
    needs: str
    goals: str
    session_notes: tuple[str, ...]
    referral_partner: str
    referral_reason: str
    closure_summary: str
    family_card_number: str = ""
    # Whom each session (in order) and the referral are about: a member's name, "" the client.
    session_concerned: tuple[str, ...] = ()
    referral_concerned: str = ""
    email: str = ""


# ---------------------------------------------------------------------------
# Staff
# ---------------------------------------------------------------------------

STAFF: tuple[DemoStaff, ...] = (
    DemoStaff(
        username="petugas.rina",
        first_name="Rina",
        last_name="Agustina",
        role="intake_officer",
        position="Petugas Registrasi",
        nip="",
    ),
    DemoStaff(
        username="konselor.siti",
        first_name="Siti",
        last_name="Nurhasanah",
        role="counselor",
        position="Pekerja Sosial",
        nip="198406122009032004",
    ),
    DemoStaff(
        username="konselor.nenden",
        first_name="Nenden",
        last_name="Rahmawati",
        role="counselor",
        position="Psikolog",
        nip="",
    ),
    DemoStaff(
        username="konselor.fauzi",
        first_name="Ahmad",
        last_name="Fauzi",
        role="counselor",
        position="Ahli Hukum",
        nip="",
    ),
    DemoStaff(
        username="pimpinan.euis",
        first_name="Euis",
        last_name="Komariah",
        role="head",
        position="Ketua LK3 Kabupaten Lebak",
        nip="197011031996022001",
    ),
    DemoStaff(
        username="pj.dadang",
        first_name="Dadang",
        last_name="Suherman",
        role="head",
        position="Penanggung Jawab Operasional",
        nip="197508172001121003",
    ),
    DemoStaff(
        username="auditor.yudi",
        first_name="Yudi",
        last_name="Hermawan",
        role="auditor",
        position="Auditor Internal",
        nip="198101252006041002",
    ),
    DemoStaff(
        username="admin.fajar",
        first_name="Fajar",
        last_name="Ramadhan",
        role="administrator",
        position="Pengelola Sistem",
        nip="",
    ),
)


# ---------------------------------------------------------------------------
# Partner organisations (referral targets)
# ---------------------------------------------------------------------------

_P_KASEPUHAN = "Lembaga Adat Kasepuhan Citorek"
_P_POSBAKUM = "Pos Bantuan Hukum (Posbakum) Pengadilan Agama Rangkasbitung"
_P_UPTD_PPA = "UPTD Perlindungan Perempuan dan Anak (PPA) Kabupaten Lebak"
_P_DINSOS = "Dinas Sosial Kabupaten Lebak"
_P_RSUD = "RSUD dr. Adjidarmo Rangkasbitung"
_P_PUSKESMAS = "Puskesmas Malingping"
_P_LPA = "Lembaga Perlindungan Anak (LPA) Kabupaten Lebak"
_P_BUMDES = "BUMDes Sawarna Mandiri"
_P_PESANTREN = "Pondok Pesantren Nurul Falah Putri"
_P_SLB = "SLB Harapan Bunda Rangkasbitung"
_P_RADIO = "Radio Suara Lebak 98.4 FM"
_P_KUA = "Kantor Urusan Agama (KUA) Kecamatan Rangkasbitung"

PARTNERS: tuple[DemoPartner, ...] = (
    DemoPartner(
        name=_P_KASEPUHAN,
        category="customary",
        address="Kp. Cibengkung, Desa Citorek Tengah, Kecamatan Cibeber, Kabupaten Lebak",
        contact_person="Abah Jarsim (Sesepuh Kasepuhan)",
        phone="0812-9087-6543",
    ),
    DemoPartner(
        name=_P_POSBAKUM,
        category="legal_aid",
        address="Jl. Jenderal Sudirman Km. 3, Narimbang Mulia, Rangkasbitung, Kabupaten Lebak",
        contact_person="Rudi Hartono, S.H. (Advokat Posbakum)",
        phone="(0252) 206117",
    ),
    DemoPartner(
        name=_P_UPTD_PPA,
        category="social_welfare",
        address="Jl. R.T. Hardiwinangun No. 12, Muara Ciujung Timur, Rangkasbitung",
        contact_person="Dra. Hj. Rosita Dewi (Kepala UPTD)",
        phone="(0252) 207845",
    ),
    DemoPartner(
        name=_P_DINSOS,
        category="social_welfare",
        address="Jl. Siliwangi No. 18, Rangkasbitung Timur, Rangkasbitung",
        contact_person="Heri Kusnadi, S.Sos. (Bidang Rehabilitasi Sosial)",
        phone="(0252) 201754",
    ),
    DemoPartner(
        name=_P_RSUD,
        category="health",
        address="Jl. Iko Jatmiko No. 1, Cijoro Lebak, Rangkasbitung",
        contact_person="dr. Ratna Kusumawati, Sp.KJ (Poli Jiwa)",
        phone="(0252) 201420",
    ),
    DemoPartner(
        name=_P_PUSKESMAS,
        category="health",
        address="Jl. Raya Saketi-Malingping, Desa Malingping Utara, Kecamatan Malingping",
        contact_person="Yeni Marlina, A.Md.Keb. (Pengelola PKPR)",
        phone="0813-1188-4521",
    ),
    DemoPartner(
        name=_P_LPA,
        category="ngo",
        address="Jl. Multatuli No. 27, Rangkasbitung Barat, Rangkasbitung",
        contact_person="Ujang Suhendar, S.Pd. (Ketua Harian)",
        phone="0878-0011-2345",
    ),
    DemoPartner(
        name=_P_BUMDES,
        category="business",
        address="Kantor Desa Sawarna, Kecamatan Bayah, Kabupaten Lebak",
        contact_person="Jaenudin (Direktur BUMDes)",
        phone="0819-3456-7788",
    ),
    DemoPartner(
        name=_P_PESANTREN,
        category="education",
        address="Kp. Pasir Gintung, Desa Pasir Gintung, Kecamatan Cikulur, Kabupaten Lebak",
        contact_person="Ustazah Hj. Nurhayati, S.Pd.I. (Pengasuh Asrama Putri)",
        phone="0852-8899-0011",
    ),
    DemoPartner(
        name=_P_SLB,
        category="education",
        address="Jl. Sunan Kalijaga No. 45, Cijoro Pasir, Rangkasbitung",
        contact_person="Dewi Anggraeni, S.Pd. (Kepala Sekolah)",
        phone="(0252) 203366",
    ),
    DemoPartner(
        name=_P_RADIO,
        category="media",
        address="Jl. Ahmad Yani No. 40, Muara Ciujung Barat, Rangkasbitung",
        contact_person="Andri Firmansyah (Penanggung Jawab Siaran)",
        phone="(0252) 205589",
    ),
    DemoPartner(
        name=_P_KUA,
        category="other",
        address="Jl. Pahlawan No. 9, Rangkasbitung Barat, Rangkasbitung",
        contact_person="H. Mahmud Saefulloh, S.Ag. (Kepala KUA)",
        phone="(0252) 201988",
    ),
)


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

CASES: tuple[DemoCase, ...] = (
    # 1. Walk-in marital conflict, waiting for a counselor to be assigned.
    DemoCase(
        client_name="Neneng Sumiati",
        client_kind="individual",
        nik="3602145404900123",
        sex="female",
        birth_date=date(1990, 4, 14),
        address="Gg. Kenanga, Kp. Kaum RT 004/RW 002",
        kecamatan="Rangkasbitung",
        desa="Muara Ciujung Timur",
        phone="0812-8745-2210",
        members=(),
        problem_categories=("marital_conflict",),
        services=("counseling", "consultation"),
        channel="walk_in",
        priority="normal",
        sensitive=False,
        complaint=(
            "Ibu Neneng datang sendiri ke kantor LK3 dan menyampaikan bahwa sejak enam bulan "
            "terakhir suaminya sering pulang larut malam dan jarang memberi nafkah. Ia menemukan "
            "percakapan mesra suaminya dengan perempuan lain di ponsel, dan setiap kali ditanya "
            "suaminya marah serta membanting barang. Ibu Neneng bingung apakah harus bertahan "
            "demi kedua anaknya yang masih SD."
        ),
        counselor="konselor.siti",
        stage="assign_counselor",
        presenting_problem=(
            "Konflik perkawinan yang dipicu dugaan perselingkuhan suami melalui media sosial "
            "serta berkurangnya nafkah. Komunikasi suami-istri tertutup dan setiap pembicaraan "
            "berakhir dengan pertengkaran."
        ),
        family_situation=(
            "Klien menikah tahun 2012 dan memiliki dua anak berusia 10 dan 7 tahun. Suami "
            "bekerja sebagai sopir travel Rangkasbitung-Jakarta dengan penghasilan tidak tetap, "
            "sedangkan klien berjualan gorengan di depan rumah."
        ),
        strengths=(
            "Klien terbuka, mampu menceritakan masalahnya dengan runtut, dan didukung kakak "
            "perempuannya yang tinggal satu kampung. Klien memiliki usaha kecil sebagai sumber "
            "penghasilan sendiri."
        ),
        risks=(
            "Belum ditemukan kekerasan fisik, tetapi suami pernah membanting barang saat marah "
            "sehingga risiko eskalasi perlu dipantau. Anak-anak mulai tampak cemas setiap kali "
            "orang tuanya bertengkar."
        ),
        needs=(
            "Ruang aman untuk mengurai perasaan, latihan komunikasi asertif, dan konseling "
            "bersama suami bila suami bersedia hadir."
        ),
        goals=(
            "Klien mampu mengambil keputusan yang matang tentang kelanjutan perkawinannya dan "
            "pasangan menyepakati cara berkomunikasi tanpa kekerasan verbal."
        ),
        session_notes=(
            (
                "Sesi pertama difokuskan pada membangun hubungan dan memetakan pola konflik. Klien "
                "tampak lega setelah bercerita dan bersedia mengajak suami pada sesi berikutnya."
            ),
        ),
        referral_partner="",
        referral_reason="",
        closure_summary="",
    ),
    # 2. Family with a truant teenager; the son's referral awaits approval.
    DemoCase(
        client_name="Yayat Supriatna",
        client_kind="family",
        nik="3602180209780456",
        sex="male",
        birth_date=date(1978, 9, 2),
        address="Kp. Kaduagung RT 002/RW 004",
        kecamatan="Cibadak",
        desa="Kaduagung Timur",
        phone="0878-7123-4456",
        members=(
            DemoMember("Enok Rohaeti", "wife", "female", date(1982, 5, 19), "3602185905820003"),
            DemoMember("Rizky Maulana", "child", "male", date(2009, 11, 8), "3602180811090001"),
            DemoMember("Salsabila Putri", "child", "female", date(2015, 2, 21), "3602186102150002"),
        ),
        problem_categories=("parenting", "juvenile_delinquency"),
        services=("counseling", "consultation", "referral"),
        channel="walk_in",
        priority="normal",
        sensitive=False,
        complaint=(
            "Pak Yayat dan istrinya datang karena anak sulung mereka, Rizky (15 tahun), sudah "
            "tiga minggu tidak masuk sekolah dan hampir setiap malam bermain gim daring di warnet "
            "sampai subuh. Ketika ditegur, Rizky membentak dan pernah pergi dari rumah selama dua "
            "hari. Pihak sekolah sudah mengirim surat panggilan kedua."
        ),
        counselor="konselor.nenden",
        stage="approve_referral",
        presenting_problem=(
            "Anak remaja membolos sekolah, kecanduan gim daring, dan membangkang terhadap orang "
            "tua. Orang tua belum menemukan cara yang efektif untuk menetapkan aturan di rumah."
        ),
        family_situation=(
            "Keluarga inti terdiri dari ayah yang bekerja sebagai buruh bangunan, ibu rumah "
            "tangga, dan dua anak. Ayah sering bekerja di luar kota berminggu-minggu sehingga "
            "pengasuhan sehari-hari bertumpu pada ibu."
        ),
        strengths=(
            "Kedua orang tua sama-sama peduli dan datang bersama ke LK3. Wali kelas Rizky "
            "bersedia bekerja sama dan sekolah belum mengeluarkan Rizky."
        ),
        risks=(
            "Risiko putus sekolah tinggi dan Rizky mulai bergaul dengan remaja yang lebih tua di "
            "warnet. Ada indikasi Rizky meminjam uang kepada teman untuk membeli voucher gim."
        ),
        needs=(
            "Konseling individu bagi Rizky, pelatihan pengasuhan positif bagi orang tua, dan "
            "koordinasi dengan sekolah untuk rencana kembali belajar."
        ),
        goals=(
            "Rizky kembali bersekolah secara rutin dalam satu bulan dan keluarga memiliki "
            "kesepakatan tertulis tentang penggunaan gawai dan jam malam."
        ),
        session_notes=(
            (
                "Sesi awal bersama orang tua untuk menggali riwayat perilaku anak. Disepakati "
                "jadwal pertemuan terpisah dengan Rizky di rumah pada minggu berikutnya."
            ),
            (
                "Sesi dengan Rizky di rumah. Rizky mengaku malu kembali ke sekolah karena "
                "tertinggal pelajaran dan diejek teman. Ia bersedia mengikuti pendampingan "
                "remaja bila tidak di sekolah."
            ),
        ),
        referral_partner=_P_LPA,
        referral_reason=(
            "Rizky (16 tahun) memerlukan konseling remaja dan pendampingan kembali ke sekolah "
            "yang dilayani LPA bersama wali kelas, di luar lingkungan sekolah."
        ),
        closure_summary="",
        family_card_number="3602181203100045",
        session_concerned=("", "Rizky Maulana"),
        referral_concerned="Rizky Maulana",
    ),
    # 3. Neglected elderly man found during outreach; assessment awaiting approval.
    DemoCase(
        client_name="Arsa",
        client_kind="individual",
        nik="",
        sex="male",
        birth_date=None,
        address="Kp. Cilaja RT 001/RW 003",
        kecamatan="Cipanas",
        desa="Luhurjaya",
        phone="0813-1055-2876",
        members=(),
        problem_categories=("elderly", "economic"),
        services=("outreach", "consultation", "information"),
        channel="outreach",
        priority="high",
        sensitive=False,
        complaint=(
            "Saat kegiatan penjangkauan, ketua RT melaporkan bahwa Aki Arsa, lansia sekitar 75 "
            "tahun, tinggal sendirian di rumah panggung yang atapnya bocor dan dindingnya lapuk. "
            "Ia sering tidak makan seharian dan belum pernah menerima bantuan sosial karena tidak "
            "memiliki KTP elektronik. Anak-anaknya merantau ke Jakarta dan jarang memberi kabar."
        ),
        counselor="konselor.siti",
        stage="approve_assessment",
        presenting_problem=(
            "Lansia terlantar yang hidup sendiri tanpa penghasilan tetap di rumah tidak layak "
            "huni. Klien belum memiliki dokumen kependudukan sehingga tidak terdaftar sebagai "
            "penerima bantuan sosial."
        ),
        family_situation=(
            "Istri klien meninggal lima tahun lalu. Tiga anaknya bekerja serabutan di Jakarta "
            "dan Tangerang dan hanya pulang saat Lebaran, sementara tetangga sesekali mengantarkan "
            "makanan."
        ),
        strengths=(
            "Klien masih dapat berjalan dan mengurus diri sendiri serta dikenal baik oleh warga. "
            "Ketua RT dan pengurus masjid bersedia membantu memantau keadaannya."
        ),
        risks=(
            "Klien berisiko kekurangan gizi, sakit tanpa penanganan, dan tertimpa rumah yang "
            "hampir roboh saat musim hujan. Klien mulai pelupa sehingga rawan celaka di rumah."
        ),
        needs=(
            "Perekaman KTP elektronik melalui layanan jemput bola Disdukcapil, pendaftaran "
            "bantuan sosial lansia, pemeriksaan kesehatan, dan perbaikan rumah melalui program "
            "rumah tidak layak huni."
        ),
        goals=(
            "Dalam tiga bulan klien memiliki NIK dan KTP elektronik, terdaftar sebagai penerima "
            "bantuan, dan ada kesepakatan dengan anak-anaknya tentang perawatan klien."
        ),
        session_notes=(
            (
                "Kunjungan rumah bersama ketua RT untuk menilai kondisi tempat tinggal. Klien "
                "menyatakan ingin tetap tinggal di kampungnya dan tidak bersedia dibawa ke panti."
            ),
            (
                "Petugas menghubungi anak sulung klien melalui telepon. Ia berjanji mengirim uang "
                "setiap bulan dan pulang akhir bulan untuk membicarakan perawatan ayahnya."
            ),
        ),
        referral_partner="",
        referral_reason="",
        closure_summary="",
    ),
    # 4. Mother of a child with cerebral palsy; assessment sent back for revision.
    DemoCase(
        client_name="Imas Masitoh",
        client_kind="family",
        nik="3602157012870078",
        sex="female",
        birth_date=date(1987, 12, 30),
        address="Kp. Babakan Sukaraja RT 005/RW 002",
        kecamatan="Warunggunung",
        desa="Sukaraja",
        phone="0857-7412-3390",
        members=(
            DemoMember("Jajang Nurjaman", "husband", "male", date(1984, 3, 11), "3602151103840005"),
            DemoMember("Muhammad Fikri Ramadhan", "child", "male", date(2016, 6, 25)),
            DemoMember("Aulia Zahra", "child", "female", date(2021, 1, 14)),
        ),
        problem_categories=("disability", "parenting", "economic"),
        services=("consultation", "information", "accompaniment"),
        channel="incoming_referral",
        priority="normal",
        sensitive=False,
        complaint=(
            "Ibu Imas dirujuk oleh bidan desa karena kelelahan merawat anaknya, Fikri (9 tahun), "
            "yang mengalami cerebral palsy dan belum bisa duduk sendiri. Fikri belum pernah "
            "bersekolah dan terapinya di rumah sakit terhenti karena biaya transportasi. Ibu Imas "
            "mengaku sering menangis sendiri dan merasa tidak ada yang membantu."
        ),
        counselor="konselor.nenden",
        stage="assessment_returned",
        presenting_problem=(
            "Pengasuh utama anak dengan disabilitas ganda mengalami kelelahan fisik dan "
            "emosional. Akses anak terhadap terapi, pendidikan, dan alat bantu terhambat oleh "
            "biaya dan jarak."
        ),
        family_situation=(
            "Suami bekerja sebagai pengemudi ojek pangkalan dengan penghasilan sekitar Rp60.000 "
            "per hari. Keluarga memiliki anak kedua berusia empat tahun dan menumpang di rumah "
            "orang tua suami."
        ),
        strengths=(
            "Ibu sangat telaten dan memahami kebutuhan harian Fikri. Keluarga memiliki kartu "
            "BPJS Kesehatan PBI dan bidan desa aktif mendampingi."
        ),
        risks=(
            "Kelelahan berat pada ibu berisiko berkembang menjadi depresi. Fikri berisiko "
            "mengalami kekakuan sendi dan gizi kurang bila terapi dan pemantauan tumbuh kembang "
            "tidak dilanjutkan."
        ),
        needs=(
            "Dukungan psikologis bagi ibu, bantuan transportasi atau jadwal terapi yang lebih "
            "dekat, kursi roda anak, serta informasi tentang sekolah luar biasa dan bantuan bagi "
            "penyandang disabilitas."
        ),
        goals=(
            "Terapi Fikri berjalan kembali minimal dua kali sebulan, ibu memiliki waktu istirahat "
            "rutin dengan berbagi peran bersama suami, dan Fikri terdaftar di layanan pendidikan "
            "khusus."
        ),
        session_notes=(
            (
                "Kunjungan rumah untuk mengamati rutinitas perawatan Fikri. Ibu Imas menunjukkan "
                "tanda kelelahan berat dan diajarkan teknik relaksasi sederhana."
            ),
        ),
        referral_partner="",
        referral_reason="",
        closure_summary="",
        family_card_number="3602150701170012",
    ),
    # 5. Husband separated after losing his job; counseling under way (contact by phone).
    DemoCase(
        client_name="Hendra Gunawan",
        client_kind="individual",
        nik="",
        sex="male",
        birth_date=date(1992, 2, 8),
        address="Perumahan Griya Maja Asri Blok D2 No. 7 RT 003/RW 009",
        kecamatan="Maja",
        desa="Curugbadak",
        phone="0896-3321-0478",
        email="hendra.gunawan@contoh.example",
        members=(),
        problem_categories=("marital_conflict", "economic"),
        services=("counseling", "consultation"),
        channel="phone_online",
        priority="normal",
        sensitive=False,
        complaint=(
            "Pak Hendra menghubungi LK3 melalui WhatsApp dan bercerita bahwa istrinya pulang ke "
            "rumah orang tuanya di Serang sejak ia terkena PHK dari pabrik di Tangerang tiga "
            "bulan lalu. Mereka sering bertengkar soal cicilan rumah dan kebutuhan anak. Ia ingin "
            "rumah tangganya tetap utuh tetapi tidak tahu cara memulai pembicaraan."
        ),
        counselor="konselor.siti",
        stage="counseling",
        presenting_problem=(
            "Konflik perkawinan dan pisah rumah yang dipicu kehilangan pekerjaan dan tekanan "
            "ekonomi. Suami merasa gagal dan cenderung menarik diri."
        ),
        family_situation=(
            "Klien menikah tahun 2018 dan memiliki satu anak berusia lima tahun yang kini ikut "
            "ibunya di Serang. Keluarga masih menanggung cicilan KPR subsidi dan utang pinjaman "
            "daring."
        ),
        strengths=(
            "Klien sangat termotivasi memperbaiki hubungan dan sudah mulai bekerja sebagai kurir "
            "lepas. Mertua masih bersikap terbuka terhadap klien."
        ),
        risks=(
            "Utang pinjaman daring dan tekanan penagih dapat memperburuk konflik. Klien "
            "menunjukkan gejala stres seperti sulit tidur dan mudah marah."
        ),
        needs=(
            "Konseling pasangan, perencanaan keuangan keluarga, serta informasi tentang pelatihan "
            "kerja dan penanganan utang pinjaman daring."
        ),
        goals=(
            "Pasangan bertemu dalam sesi bersama, menyusun rencana keuangan keluarga, dan "
            "menyepakati waktu istri kembali ke rumah."
        ),
        session_notes=(
            (
                "Konseling individu melalui panggilan video untuk meredakan stres klien. Klien "
                "diajak memetakan pengeluaran bulanan dan daftar utangnya."
            ),
            (
                "Istri klien bersedia mengikuti sesi bersama secara daring. Keduanya sepakat "
                "berhenti saling menyalahkan di depan anak."
            ),
        ),
        referral_partner="",
        referral_reason="",
        closure_summary="",
    ),
    # 6. Group of teenagers involved in brawls; a visit to their parents, information on job
    # training, group counseling under way.
    DemoCase(
        client_name="Kelompok Remaja Kampung Babakan Aweh",
        client_kind="group",
        nik="",
        sex="",
        birth_date=None,
        address="Kp. Babakan RT 002/RW 003",
        kecamatan="Kalanganyar",
        desa="Aweh",
        phone="0819-1122-6734",
        members=(),
        problem_categories=("juvenile_delinquency",),
        services=("outreach", "counseling", "information"),
        channel="outreach",
        priority="high",
        sensitive=False,
        complaint=(
            "Kepala desa meminta LK3 turun tangan setelah sekelompok remaja Kampung Babakan "
            "terlibat tawuran antarkampung dan balap liar di jalan raya. Dua remaja sempat "
            "diamankan polsek dan beberapa orang tua melaporkan anaknya minum minuman keras "
            "oplosan. Warga resah karena kejadian berulang hampir setiap akhir pekan."
        ),
        counselor="konselor.nenden",
        stage="home_visit",
        presenting_problem=(
            "Perilaku berisiko berkelompok pada sekitar 15 remaja berusia 14-19 tahun berupa "
            "tawuran, balap liar, dan konsumsi minuman keras. Sebagian besar sudah putus sekolah "
            "dan tidak memiliki kegiatan positif."
        ),
        family_situation=(
            "Banyak anggota kelompok berasal dari keluarga yang orang tuanya merantau atau "
            "bekerja sebagai buruh harian di luar desa. Pengawasan orang tua minim, terutama pada "
            "malam hari."
        ),
        strengths=(
            "Para remaja memiliki solidaritas yang kuat serta minat pada sepak bola dan otomotif. "
            "Karang Taruna dan DKM masjid setempat bersedia menyediakan tempat kegiatan."
        ),
        risks=(
            "Ada risiko cedera serius, berhadapan dengan hukum, dan ketergantungan alkohol. "
            "Kelompok dari kampung tetangga juga mengancam akan membalas."
        ),
        needs=(
            "Konseling kelompok, kegiatan alternatif yang positif, pelatihan keterampilan kerja, "
            "dan forum orang tua untuk memperkuat pengawasan."
        ),
        goals=(
            "Tidak ada lagi keterlibatan dalam tawuran selama tiga bulan, terbentuk klub sepak "
            "bola remaja, dan minimal lima remaja mengikuti pelatihan keterampilan bengkel."
        ),
        session_notes=(
            (
                "Konseling kelompok pertama di aula desa dihadiri 12 remaja. Mereka menyepakati "
                "aturan kelompok dan menceritakan alasan ikut tawuran."
            ),
            (
                "Sesi kedua membahas pengelolaan emosi dan tekanan teman sebaya. Ketua Karang "
                "Taruna menawarkan lapangan desa untuk latihan sepak bola rutin."
            ),
        ),
        referral_partner="",
        referral_reason="",
        closure_summary="",
    ),
    # 7. Domestic violence with a weapon threat; accompanied to the police, now in a safe house
    # (sensitive).
    DemoCase(
        client_name="Rohmah",
        client_kind="individual",
        nik="3602016207950042",
        sex="female",
        birth_date=date(1995, 7, 22),
        address="Kp. Cibobos RT 003/RW 006",
        kecamatan="Malingping",
        desa="Malingping Selatan",
        phone="0831-4567-1209",
        members=(),
        problem_categories=("domestic_violence", "marital_conflict"),
        services=("protection", "consultation", "accompaniment", "referral"),
        channel="walk_in",
        priority="urgent",
        sensitive=True,
        complaint=(
            "Ibu Rohmah datang diantar ibunya dengan memar di lengan dan pelipis. Ia mengatakan "
            "suaminya memukulnya tadi malam dan mengancam dengan golok ketika ia menolak "
            "menyerahkan uang hasil kerjanya. Kekerasan ini sudah berulang sejak dua tahun "
            "terakhir dan ia takut pulang ke rumah."
        ),
        counselor="konselor.fauzi",
        stage="protection",
        presenting_problem=(
            "Kekerasan fisik dan psikis berulang dalam rumah tangga disertai ancaman senjata "
            "tajam. Klien dan kedua anaknya berada dalam situasi tidak aman."
        ),
        family_situation=(
            "Klien menikah pada usia 19 tahun dan memiliki dua anak berusia 7 dan 3 tahun. Suami "
            "bekerja serabutan dan sering mabuk, sedangkan klien bekerja sebagai buruh cuci dan "
            "kini mengungsi di rumah orang tuanya."
        ),
        strengths=(
            "Klien berani melapor dan mendapat dukungan penuh dari ibu serta kakak laki-lakinya. "
            "Klien masih memiliki penghasilan sendiri."
        ),
        risks=(
            "Risiko kekerasan berulang tinggi karena suami mengetahui rumah orang tua klien dan "
            "pernah mengancam akan membawa anak-anak. Pelaku pernah menggunakan senjata tajam "
            "untuk mengancam."
        ),
        needs=(
            "Perlindungan segera di rumah aman, visum et repertum, pendampingan pelaporan ke "
            "Unit PPA Polres Lebak, serta pemulihan psikologis bagi klien dan anak-anak."
        ),
        goals=(
            "Klien dan anak-anak aman dari kekerasan, proses hukum berjalan sesuai keputusan "
            "klien, dan klien memperoleh pemulihan psikologis."
        ),
        session_notes=(
            (
                "Konseling krisis dilakukan untuk menstabilkan emosi klien dan menyusun rencana "
                "keselamatan. Klien sepakat tidak pulang ke rumah suami untuk sementara."
            ),
            (
                "Konselor menjelaskan hak-hak korban menurut UU Penghapusan KDRT dan pilihan "
                "pelaporan. Klien memutuskan akan melapor setelah mendapat perlindungan."
            ),
        ),
        referral_partner=_P_UPTD_PPA,
        referral_reason=(
            "Klien membutuhkan perlindungan sementara di rumah aman, pendampingan visum dan "
            "pelaporan ke Unit PPA Polres Lebak, serta layanan pemulihan psikologis yang menjadi "
            "kewenangan UPTD PPA."
        ),
        closure_summary="",
    ),
    # 8. Abandoned wife seeking a divorce in absentia; waiting for the partner's answer.
    DemoCase(
        client_name="Iis Suryani",
        client_kind="family",
        nik="3602114510830219",
        sex="female",
        birth_date=date(1983, 10, 5),
        address="Kp. Cibeureum RT 002/RW 005",
        kecamatan="Cimarga",
        desa="Sudamanik",
        phone="0852-1098-7765",
        members=(
            DemoMember("Dede Kurniawan", "child", "male", date(2008, 1, 17), "3602111701080002"),
            DemoMember("Nurul Hidayah", "child", "female", date(2012, 8, 3)),
            DemoMember("Odah", "parent", "female", None),
        ),
        problem_categories=("divorce", "economic"),
        services=("consultation", "information", "accompaniment", "referral"),
        channel="walk_in",
        priority="normal",
        sensitive=False,
        complaint=(
            "Ibu Iis menyampaikan bahwa suaminya pergi merantau ke Kalimantan tiga tahun lalu dan "
            "sejak itu tidak pernah memberi kabar maupun nafkah. Ia ingin kepastian status "
            "perkawinan agar dapat mengurus Kartu Keluarga dan bantuan sosial atas namanya "
            "sendiri. Ia tidak tahu prosedurnya dan khawatir biaya perkara di pengadilan mahal."
        ),
        counselor="konselor.fauzi",
        stage="partner_response",
        presenting_problem=(
            "Penelantaran oleh suami yang tidak diketahui keberadaannya selama tiga tahun. Klien "
            "membutuhkan kepastian hukum melalui gugatan cerai ghaib di Pengadilan Agama."
        ),
        family_situation=(
            "Klien tinggal bersama dua anaknya dan ibunya yang sudah lanjut usia. Klien bekerja "
            "sebagai buruh tani dan membuat anyaman bambu untuk memenuhi kebutuhan keluarga."
        ),
        strengths=(
            "Klien mandiri secara ekonomi meskipun terbatas dan memiliki buku nikah serta dokumen "
            "kependudukan yang lengkap. Kepala desa bersedia membuat surat keterangan ghaib."
        ),
        risks=(
            "Tanpa kepastian status, klien kesulitan memperbarui KK dan mengakses bantuan sosial. "
            "Anak sulung mulai ingin berhenti sekolah untuk bekerja."
        ),
        needs=(
            "Informasi dan bantuan hukum untuk mengajukan gugatan cerai secara prodeo, "
            "pendampingan saat sidang, dan motivasi pendidikan bagi anak sulung."
        ),
        goals=(
            "Gugatan terdaftar di Pengadilan Agama Rangkasbitung dengan pembebasan biaya perkara "
            "dan anak sulung tetap bersekolah hingga lulus SMA."
        ),
        session_notes=(
            (
                "Konsultasi hukum mengenai syarat gugatan cerai ghaib dan permohonan pembebasan "
                "biaya perkara. Klien diminta melengkapi surat keterangan tidak mampu dari desa."
            ),
            (
                "Klien membawa dokumen lengkap dan surat keterangan dari kepala desa. Konselor "
                "menyiapkan surat rujukan ke Posbakum untuk penyusunan gugatan."
            ),
        ),
        referral_partner=_P_POSBAKUM,
        referral_reason=(
            "Klien memerlukan bantuan penyusunan surat gugatan cerai ghaib dan permohonan perkara "
            "prodeo yang dilayani Posbakum di Pengadilan Agama Rangkasbitung."
        ),
        closure_summary="",
        family_card_number="3602112006090031",
    ),
    # 9. Young man with severe depression; the hospital declined the direct referral.
    DemoCase(
        client_name="Asep Saepudin",
        client_kind="individual",
        nik="3602123005980087",
        sex="male",
        birth_date=date(1998, 5, 30),
        address="Kp. Pasir Nangka RT 003/RW 001",
        kecamatan="Sajira",
        desa="Sajira",
        phone="0877-8812-3345",
        members=(),
        problem_categories=("other", "economic"),
        services=("counseling", "outreach", "referral"),
        channel="phone_online",
        priority="high",
        sensitive=False,
        complaint=(
            "Ibu dari Asep menelepon LK3 karena sejak empat bulan terakhir anaknya mengurung diri "
            "di kamar, jarang mandi, dan menolak makan bersama keluarga. Asep pernah mengatakan "
            "dirinya tidak berguna setelah berkali-kali gagal melamar kerja. Keluarga khawatir "
            "karena ia sempat berbicara tentang ingin mengakhiri hidup."
        ),
        counselor="konselor.nenden",
        stage="referral_declined",
        presenting_problem=(
            "Gejala depresi berat pada pemuda berusia 27 tahun berupa menarik diri, kehilangan "
            "minat, dan ungkapan ingin mati. Keadaan ini dipicu kegagalan mencari kerja dan rasa "
            "malu terhadap lingkungan."
        ),
        family_situation=(
            "Klien anak ketiga dari lima bersaudara dan tinggal bersama orang tua yang bekerja "
            "sebagai petani penggarap. Ayah klien cenderung menyalahkan klien karena belum bekerja."
        ),
        strengths=(
            "Ibu klien sangat peduli dan aktif mencari bantuan. Klien lulusan SMK jurusan "
            "otomotif dan sebelumnya aktif dalam kegiatan remaja masjid."
        ),
        risks=(
            "Adanya ide bunuh diri memerlukan pemantauan ketat dan pemeriksaan psikiatri. Stigma "
            "tentang gangguan jiwa di lingkungan membuat keluarga enggan membawa klien berobat."
        ),
        needs=(
            "Pemeriksaan dan penanganan psikiatri, konseling psikologis lanjutan, psikoedukasi "
            "keluarga, serta dukungan untuk kembali bekerja."
        ),
        goals=(
            "Klien mendapatkan diagnosis dan pengobatan yang tepat, ide bunuh diri mereda, dan "
            "keluarga mampu memberi dukungan tanpa menyalahkan."
        ),
        session_notes=(
            (
                "Kunjungan rumah; klien bersedia berbicara setelah dibujuk ibunya. Dilakukan "
                "penilaian risiko bunuh diri dan disusun rencana keselamatan bersama keluarga."
            ),
            (
                "Psikoedukasi kepada orang tua tentang depresi dan cara mendampingi klien. Ayah "
                "klien mulai menerima bahwa anaknya membutuhkan pengobatan."
            ),
        ),
        referral_partner=_P_RSUD,
        referral_reason=(
            "Klien membutuhkan pemeriksaan dan terapi psikiatri di Poli Jiwa karena menunjukkan "
            "gejala depresi berat disertai ide bunuh diri."
        ),
        closure_summary="",
    ),
    # 10. Marital conflict over in-laws, resolved; closure awaiting approval.
    DemoCase(
        client_name="Lilis Nurlaela",
        client_kind="individual",
        nik="3602244903930156",
        sex="female",
        birth_date=date(1993, 3, 9),
        address="Kp. Pasir Kupa RT 002/RW 001",
        kecamatan="Kalanganyar",
        desa="Pasirkupa",
        phone="0821-1234-8890",
        members=(),
        problem_categories=("marital_conflict", "parenting"),
        services=("counseling", "consultation"),
        channel="walk_in",
        priority="normal",
        sensitive=False,
        complaint=(
            "Ibu Lilis datang karena sering bertengkar dengan suami soal pengasuhan anak dan "
            "campur tangan mertua yang tinggal serumah. Suaminya lebih sering membela ibunya "
            "sehingga Ibu Lilis merasa tidak dihargai. Setelah pertengkaran terakhir ia sempat "
            "pulang ke rumah orang tuanya selama seminggu."
        ),
        counselor="konselor.siti",
        stage="approve_closure",
        presenting_problem=(
            "Konflik perkawinan terkait pembagian peran pengasuhan dan batasan dengan keluarga "
            "besar. Pasangan kesulitan menyampaikan kebutuhan tanpa saling menyerang."
        ),
        family_situation=(
            "Pasangan menikah tahun 2017, memiliki dua anak berusia 6 dan 2 tahun, dan tinggal "
            "di rumah milik mertua. Suami bekerja sebagai karyawan toko bangunan di Rangkasbitung."
        ),
        strengths=(
            "Kedua pasangan masih saling menyayangi dan bersedia mengikuti konseling bersama. "
            "Mertua terbuka untuk diajak berdiskusi."
        ),
        risks=(
            "Bila tidak tertangani, konflik berpotensi berujung perceraian. Anak sulung kembali "
            "mengompol sejak orang tuanya sering bertengkar."
        ),
        needs=(
            "Konseling pasangan, kesepakatan pembagian peran pengasuhan, dan mediasi keluarga "
            "bersama mertua."
        ),
        goals=(
            "Pasangan menyepakati aturan pengasuhan bersama dan batasan peran mertua, serta "
            "frekuensi pertengkaran menurun."
        ),
        session_notes=(
            (
                "Konseling pasangan pertama untuk memetakan sumber konflik. Keduanya sepakat "
                "berlatih memakai kalimat 'saya merasa' ketika berbeda pendapat."
            ),
            (
                "Mediasi keluarga bersama mertua di rumah klien. Disepakati bahwa keputusan "
                "tentang anak diambil oleh pasangan, sedangkan mertua membantu mengasuh saat "
                "keduanya bekerja."
            ),
            (
                "Evaluasi dua minggu setelah mediasi menunjukkan pertengkaran jauh berkurang dan "
                "anak sulung tidak lagi mengompol. Pasangan merasa siap menjalankan kesepakatan "
                "sendiri."
            ),
        ),
        referral_partner="",
        referral_reason="",
        closure_summary=(
            "Tujuan konseling tercapai: pasangan memiliki kesepakatan pengasuhan dan batasan "
            "peran keluarga besar yang sudah dijalankan selama sebulan. Klien menyatakan puas dan "
            "kasus diusulkan ditutup dengan pemantauan melalui telepon tiga bulan lagi."
        ),
    ),
    # 11. Post-divorce access and child support dispute, mediated and closed.
    DemoCase(
        client_name="Wawan Setiawan",
        client_kind="individual",
        nik="3602142111860502",
        sex="male",
        birth_date=date(1986, 11, 21),
        address="Kp. Cijoro Pasir RT 005/RW 003",
        kecamatan="Rangkasbitung",
        desa="Cijoro Pasir",
        phone="0813-8090-1122",
        members=(),
        problem_categories=("divorce", "parenting"),
        services=("consultation", "counseling", "information"),
        channel="walk_in",
        priority="low",
        sensitive=False,
        complaint=(
            "Pak Wawan bercerai dengan istrinya setahun lalu melalui putusan Pengadilan Agama dan "
            "anak perempuannya yang berusia 8 tahun ikut ibunya. Sejak enam bulan terakhir mantan "
            "istrinya melarang ia bertemu anak dengan alasan nafkah anak sering terlambat. Ia "
            "ingin mengetahui hak dan kewajibannya menurut hukum dan berharap ada jalan damai."
        ),
        counselor="konselor.fauzi",
        stage="closed",
        presenting_problem=(
            "Sengketa akses bertemu anak dan nafkah anak pascaperceraian. Komunikasi mantan "
            "pasangan buruk sehingga anak menjadi pihak yang paling dirugikan."
        ),
        family_situation=(
            "Klien bekerja sebagai pegawai honorer kecamatan dan sudah menikah lagi. Mantan istri "
            "tinggal bersama orang tuanya di Kecamatan Cibadak dan berjualan secara daring."
        ),
        strengths=(
            "Klien beritikad baik memenuhi nafkah anak dan tidak ingin menempuh jalur hukum. "
            "Mantan istri bersedia hadir dalam mediasi di kantor LK3."
        ),
        risks=(
            "Anak berisiko mengalami konflik loyalitas dan kehilangan figur ayah. Konflik dapat "
            "meningkat bila dibawa ke jalur eksekusi putusan."
        ),
        needs=(
            "Informasi hukum tentang hak asuh dan nafkah anak, mediasi antara mantan pasangan, "
            "dan kesepakatan tertulis tentang jadwal bertemu anak."
        ),
        goals=(
            "Tersusun kesepakatan tertulis mengenai besaran serta tanggal pembayaran nafkah dan "
            "jadwal klien bertemu anak setiap dua minggu."
        ),
        session_notes=(
            (
                "Konsultasi hukum tentang hak asuh (hadhanah) dan kewajiban nafkah anak sesuai "
                "putusan pengadilan. Klien memahami bahwa keterlambatan nafkah perlu dibenahi dulu."
            ),
            (
                "Mediasi dengan mantan istri menghasilkan kesepakatan nafkah ditransfer setiap "
                "tanggal 5 dan klien bertemu anak setiap Minggu kedua dan keempat. Kedua pihak "
                "menandatangani kesepakatan tersebut."
            ),
        ),
        referral_partner="",
        referral_reason="",
        closure_summary=(
            "Kesepakatan mediasi berjalan baik selama dua bulan: nafkah dibayar tepat waktu dan "
            "klien rutin bertemu anaknya. Kedua pihak tidak memerlukan layanan lanjutan sehingga "
            "kasus ditutup."
        ),
    ),
    # 12. Fisherman's widow; referred for work to the village enterprise, closed.
    DemoCase(
        client_name="Sarnah",
        client_kind="family",
        nik="3602035602850611",
        sex="female",
        birth_date=date(1985, 2, 16),
        address="Kp. Cibeas RT 003/RW 002",
        kecamatan="Bayah",
        desa="Sawarna",
        phone="0838-7766-5412",
        members=(
            DemoMember("Iwan Setiadi", "child", "male", date(2008, 4, 10), "3602031004080003"),
            DemoMember("Siti Nurjanah", "child", "female", date(2011, 12, 1)),
            DemoMember("Rizal Maulana", "child", "male", date(2017, 7, 7)),
        ),
        problem_categories=("economic", "parenting"),
        services=("counseling", "outreach", "accompaniment", "referral"),
        channel="outreach",
        priority="normal",
        sensitive=False,
        complaint=(
            "Dalam kegiatan penjangkauan bersama pendamping desa, Ibu Sarnah bercerita bahwa "
            "suaminya, seorang nelayan, meninggal dunia setelah perahunya terbalik empat bulan "
            "lalu. Sejak itu ia tidak memiliki penghasilan tetap dan anak sulungnya berencana "
            "berhenti sekolah untuk ikut melaut. Ia masih sering murung dan sulit tidur."
        ),
        counselor="konselor.siti",
        stage="closed",
        presenting_problem=(
            "Duka mendalam dan krisis ekonomi keluarga setelah kepala keluarga meninggal. Anak "
            "sulung berisiko putus sekolah untuk menggantikan peran ayahnya."
        ),
        family_situation=(
            "Klien kini menjadi ibu tunggal dengan tiga anak berusia 17, 13, dan 8 tahun. "
            "Keluarga tinggal di rumah sendiri dekat kawasan wisata Pantai Sawarna."
        ),
        strengths=(
            "Klien terampil memasak dan pernah membantu warung ikan bakar milik saudaranya. "
            "Tetangga dan kelompok pengajian memberi dukungan moral."
        ),
        risks=(
            "Tanpa penghasilan, keluarga berisiko terjerat utang kepada tengkulak. Duka yang "
            "berkepanjangan dapat mengganggu pengasuhan anak bungsu."
        ),
        needs=(
            "Konseling duka, akses pekerjaan atau modal usaha, dan dukungan agar anak sulung "
            "tetap bersekolah."
        ),
        goals=(
            "Klien memiliki sumber penghasilan tetap dalam tiga bulan dan anak sulung "
            "menyelesaikan pendidikan SMK."
        ),
        session_notes=(
            (
                "Konseling duka di rumah klien; klien menceritakan kecelakaan yang menimpa "
                "suaminya dan mulai dapat menerima kehilangan. Disepakati kunjungan setiap dua "
                "minggu."
            ),
            (
                "Konselor berbicara dengan Iwan tentang pentingnya menyelesaikan sekolah. Iwan "
                "bersedia tetap sekolah asalkan boleh membantu ibunya berjualan pada akhir pekan."
            ),
        ),
        referral_partner=_P_BUMDES,
        referral_reason=(
            "Klien membutuhkan sumber penghasilan; BUMDes mengelola kios kuliner dan homestay di "
            "kawasan wisata Sawarna yang dapat menyerap tenaga kerja perempuan setempat."
        ),
        closure_summary=(
            "Klien kini bekerja di kios kuliner yang dikelola BUMDes dengan penghasilan rutin dan "
            "anak sulung tetap bersekolah. Kondisi emosional klien membaik sehingga kasus ditutup "
            "dengan pemantauan oleh pendamping desa."
        ),
        family_card_number="3602031508080007",
        session_concerned=("", "Iwan Setiadi"),
    ),
    # 13. Planned child marriage prevented; girl placed with a scholarship (sensitive).
    DemoCase(
        client_name="Nur Aisyah",
        client_kind="individual",
        nik="3602285908090033",
        sex="female",
        birth_date=date(2009, 8, 19),
        address="Kp. Lebaksiuh RT 002/RW 003",
        kecamatan="Cigemblong",
        desa="Cigemblong",
        phone="0815-6543-2109",
        members=(),
        problem_categories=("parenting", "economic", "other"),
        services=("counseling", "consultation", "accompaniment", "referral"),
        channel="incoming_referral",
        priority="high",
        sensitive=True,
        complaint=(
            "Wali kelas merujuk Nur ke LK3 karena Nur (15 tahun) menangis di sekolah dan mengaku "
            "akan segera dinikahkan dengan seorang pria berusia 32 tahun dari kampung tetangga. "
            "Orang tuanya beralasan tidak sanggup lagi membiayai sekolah dan khawatir anaknya "
            "menjadi bahan gunjingan. Nur ingin tetap sekolah dan bercita-cita menjadi guru."
        ),
        counselor="konselor.nenden",
        stage="closed",
        presenting_problem=(
            "Rencana perkawinan anak yang tidak dikehendaki oleh anak, dilatarbelakangi "
            "kesulitan ekonomi dan tekanan sosial di lingkungan."
        ),
        family_situation=(
            "Nur adalah anak kedua dari empat bersaudara. Ayahnya petani penggarap dan ibunya "
            "membuat gula aren, sehingga penghasilan keluarga tidak menentu."
        ),
        strengths=(
            "Nur berprestasi di sekolah dan bertekad kuat melanjutkan pendidikan. Bibinya "
            "mendukung dan bersedia menjadi penghubung dengan orang tua."
        ),
        risks=(
            "Perkawinan anak berisiko menghentikan pendidikan, membahayakan kesehatan "
            "reproduksi, dan meningkatkan risiko KDRT. Orang tua mungkin mengajukan dispensasi "
            "kawin atau melangsungkan nikah siri."
        ),
        needs=(
            "Perlindungan dari perkawinan anak, dialog dengan orang tua, dukungan biaya "
            "pendidikan, dan pendampingan psikologis."
        ),
        goals=(
            "Rencana pernikahan dibatalkan, Nur melanjutkan sekolah dengan beasiswa, dan orang "
            "tua memahami risiko perkawinan anak."
        ),
        session_notes=(
            (
                "Konseling individu di sekolah untuk menenangkan Nur dan memastikan "
                "keselamatannya. Nur menyatakan belum siap menikah dan takut melawan ayahnya."
            ),
            (
                "Pertemuan dengan orang tua bersama bibi, wali kelas, dan amil desa. Orang tua "
                "bersedia menunda pernikahan bila Nur dapat tetap sekolah tanpa biaya."
            ),
        ),
        referral_partner=_P_PESANTREN,
        referral_reason=(
            "Pesantren menyediakan beasiswa asrama dan sekolah formal tingkat MA bagi santri "
            "putri dari keluarga kurang mampu sehingga Nur dapat melanjutkan pendidikan."
        ),
        closure_summary=(
            "Rencana pernikahan dibatalkan dan Nur telah diterima sebagai santri penerima "
            "beasiswa sambil bersekolah di MA. Orang tua menandatangani pernyataan tidak akan "
            "menikahkan Nur sebelum berusia 19 tahun; kasus ditutup dengan pemantauan oleh "
            "pengasuh asrama."
        ),
    ),
    # 14. Domestic violence reported via WhatsApp; client withdrew (sensitive).
    DemoCase(
        client_name="Yuyun Yuningsih",
        client_kind="individual",
        nik="3602104401970274",
        sex="female",
        birth_date=date(1997, 1, 4),
        address="Kp. Cipeundeuy RT 004/RW 002",
        kecamatan="Cileles",
        desa="Cileles",
        phone="0859-4433-2110",
        members=(),
        problem_categories=("domestic_violence", "marital_conflict"),
        services=("counseling", "consultation", "information"),
        channel="phone_online",
        priority="high",
        sensitive=True,
        complaint=(
            "Ibu Yuyun mengirim pesan WhatsApp ke layanan LK3 pada malam hari dan bercerita bahwa "
            "suaminya sering menamparnya dan menguasai seluruh uang belanja. Ia juga dilarang "
            "berkomunikasi dengan keluarganya sendiri. Ia meminta saran cara keluar dari situasi "
            "ini tanpa diketahui suaminya."
        ),
        counselor="konselor.fauzi",
        stage="withdrawn",
        presenting_problem=(
            "Kekerasan fisik, psikis, dan ekonomi dalam rumah tangga disertai isolasi sosial "
            "oleh suami."
        ),
        family_situation=(
            "Klien menikah tiga tahun lalu dan memiliki satu anak berusia 2 tahun. Klien tinggal "
            "di rumah keluarga suami, jauh dari keluarganya sendiri di Banjarsari."
        ),
        strengths=(
            "Klien mampu mencari bantuan secara diam-diam dan memiliki sahabat yang dapat "
            "dipercaya. Klien memahami bahwa perlakuan suaminya tidak dapat dibenarkan."
        ),
        risks=(
            "Klien tinggal serumah dengan pelaku dan keluarganya sehingga sulit mengakses "
            "bantuan. Kekerasan dapat meningkat bila suami mengetahui klien menghubungi LK3."
        ),
        needs=(
            "Rencana keselamatan, informasi layanan perlindungan dan hak hukum korban, serta "
            "dukungan untuk kembali terhubung dengan keluarganya."
        ),
        goals=(
            "Klien memiliki rencana keselamatan yang jelas dan dapat mengambil keputusan sendiri "
            "tentang langkah berikutnya tanpa tekanan."
        ),
        session_notes=(
            (
                "Konseling melalui pesan singkat pada jam yang aman bagi klien. Disusun rencana "
                "keselamatan, termasuk nomor darurat dan tempat berlindung di rumah sahabatnya."
            ),
            (
                "Klien mengabarkan bahwa suaminya meminta maaf dan keluarga suami mendesaknya "
                "untuk berhenti. Klien memutuskan menghentikan layanan dan konselor menegaskan "
                "bahwa LK3 tetap terbuka kapan pun ia membutuhkan."
            ),
        ),
        referral_partner="",
        referral_reason="",
        closure_summary="",
    ),
    # 15. Elderly father pressured over his land; closed after adat mediation, now reopened.
    DemoCase(
        client_name="Sukarta",
        client_kind="individual",
        nik="3602190204560009",
        sex="male",
        birth_date=date(1956, 4, 2),
        address="Kp. Cibangkala RT 002/RW 001",
        kecamatan="Cibeber",
        desa="Citorek Timur",
        phone="0823-2211-9087",
        members=(),
        problem_categories=("elderly", "other"),
        services=("consultation", "counseling", "accompaniment", "referral"),
        channel="incoming_referral",
        priority="high",
        sensitive=False,
        complaint=(
            "Aki Sukarta dirujuk kepala desa dan mengeluhkan anak-anaknya bertengkar "
            "memperebutkan sawah dan kebun miliknya padahal ia masih hidup. Anak bungsunya "
            "memaksanya menandatangani surat hibah, dan sejak ia menolak ia tidak lagi diberi "
            "makan secara layak. Ia ingin masalah ini diselesaikan secara kekeluargaan sesuai adat."
        ),
        counselor="konselor.fauzi",
        stage="reopened",
        presenting_problem=(
            "Konflik keluarga terkait pembagian harta dan hibah yang berujung penelantaran "
            "lansia oleh anak sendiri."
        ),
        family_situation=(
            "Klien duda berusia 69 tahun dengan empat anak yang sudah berkeluarga. Ia tinggal "
            "bersama keluarga anak bungsu di rumah miliknya sendiri, sementara tiga anak lainnya "
            "tinggal di kampung yang sama."
        ),
        strengths=(
            "Klien masih sehat, berpikiran jernih, dan dihormati di lingkungan kasepuhan. Tokoh "
            "adat bersedia menjadi penengah."
        ),
        risks=(
            "Penelantaran dan tekanan psikis terhadap klien dapat berlanjut. Ada kemungkinan "
            "pemalsuan tanda tangan pada dokumen tanah."
        ),
        needs=(
            "Informasi hukum tentang hibah dan waris, mediasi keluarga melalui lembaga adat, dan "
            "pemantauan kesejahteraan klien."
        ),
        goals=(
            "Tercapai kesepakatan keluarga yang disaksikan tokoh adat dan aparat desa, serta "
            "klien mendapatkan perawatan yang layak dari anak-anaknya."
        ),
        session_notes=(
            (
                "Konsultasi hukum tentang perbedaan hibah dan waris serta hak klien atas hartanya "
                "selama masih hidup. Klien menegaskan belum ingin membagi tanahnya."
            ),
            (
                "Musyawarah keluarga difasilitasi sesepuh Kasepuhan Citorek. Anak-anak sepakat "
                "merawat klien bergiliran dan tidak memaksa penandatanganan surat hibah."
            ),
            (
                "Kasus dibuka kembali setelah tetangga melapor bahwa anak bungsu memindahkan klien "
                "ke gubuk di kebun. Konselor menjadwalkan kunjungan rumah dan musyawarah ulang."
            ),
        ),
        referral_partner=_P_KASEPUHAN,
        referral_reason=(
            "Sengketa keluarga lebih efektif diselesaikan melalui musyawarah yang dipimpin "
            "sesepuh adat yang dihormati oleh seluruh anggota keluarga klien."
        ),
        closure_summary=(
            "Musyawarah adat menghasilkan kesepakatan tertulis bahwa klien dirawat bergiliran "
            "oleh anak-anaknya dan hartanya tidak dibagi sebelum klien sendiri menghendakinya. "
            "Kasus ditutup setelah dua bulan pemantauan menunjukkan kesepakatan dijalankan."
        ),
    ),
    # 16. Islamic junior high school asking for support on student behaviour; closed.
    DemoCase(
        client_name="MTs Al-Ikhlas Malingping",
        client_kind="institution",
        nik="",
        sex="",
        birth_date=None,
        address="Jl. Raya Malingping-Bayah, Kp. Cibaju RT 001/RW 004",
        kecamatan="Malingping",
        desa="Malingping Utara",
        phone="0817-0912-3344",
        members=(),
        problem_categories=("juvenile_delinquency", "parenting", "other"),
        services=("information", "outreach", "consultation", "referral"),
        channel="walk_in",
        priority="low",
        sensitive=False,
        complaint=(
            "Kepala madrasah datang membawa surat permohonan kerja sama karena dalam satu "
            "semester terjadi tiga kasus perundungan, dua siswi berhenti sekolah karena menikah, "
            "dan beberapa siswa kedapatan merokok serta menonton konten pornografi. Guru BK hanya "
            "satu orang dan kewalahan. Madrasah meminta pendampingan dan penyuluhan bagi siswa "
            "dan orang tua."
        ),
        counselor="konselor.siti",
        stage="closed",
        presenting_problem=(
            "Madrasah menghadapi masalah perilaku siswa berupa perundungan, merokok, dan paparan "
            "pornografi, serta perkawinan anak, dengan kapasitas bimbingan konseling terbatas."
        ),
        family_situation=(
            "Sebagian besar dari 320 siswa berasal dari keluarga petani dan nelayan. Cukup banyak "
            "siswa yang orang tuanya merantau sehingga diasuh kakek dan nenek."
        ),
        strengths=(
            "Pimpinan madrasah terbuka dan komite madrasah aktif. Kegiatan keagamaan rutin dapat "
            "dimanfaatkan sebagai sarana penyuluhan."
        ),
        risks=(
            "Tanpa intervensi, perundungan dan perkawinan anak dapat meningkat dan menyebabkan "
            "lebih banyak siswa putus sekolah."
        ),
        needs=(
            "Penyuluhan bagi siswa dan orang tua, penguatan kapasitas guru BK, dan layanan "
            "kesehatan reproduksi remaja."
        ),
        goals=(
            "Terbentuk tim anti-perundungan madrasah, terselenggara penyuluhan pengasuhan bagi "
            "orang tua, dan siswa memperoleh akses layanan PKPR di puskesmas."
        ),
        session_notes=(
            (
                "Penyuluhan tentang perundungan dan pengendalian diri bagi 120 siswa kelas VII dan "
                "VIII. Siswa menyusun ikrar kelas anti-perundungan."
            ),
            (
                "Pertemuan orang tua murid membahas pengasuhan jarak jauh dan bahaya perkawinan "
                "anak. Komite madrasah sepakat mengadakan pertemuan serupa setiap semester."
            ),
        ),
        referral_partner=_P_PUSKESMAS,
        referral_reason=(
            "Siswa membutuhkan edukasi kesehatan reproduksi dan konseling remaja melalui program "
            "Pelayanan Kesehatan Peduli Remaja (PKPR) yang dikelola puskesmas."
        ),
        closure_summary=(
            "Seluruh rencana kegiatan terlaksana: penyuluhan siswa dan orang tua, pelatihan "
            "singkat guru BK, serta kunjungan PKPR puskesmas ke madrasah. Madrasah telah "
            "membentuk tim anti-perundungan sehingga pendampingan ditutup."
        ),
    ),
)


# ---------------------------------------------------------------------------
# Attachments (files drawn by the seeding code: no binary file in the repository)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAttachment:
    client_name: str
    kind: str
    description: str
    filename: str
    text: str  # what the drawn page or picture says


ATTACHMENTS: tuple[DemoAttachment, ...] = (
    DemoAttachment(
        client_name="Hendra Gunawan",
        kind="signed_consent",
        description="Ditandatangani klien di kantor LK3 setelah registrasi.",
        filename="pernyataan-persetujuan-ditandatangani.pdf",
        text="SURAT PERNYATAAN PERSETUJUAN LAYANAN - DITANDATANGANI (CONTOH)",
    ),
    DemoAttachment(
        client_name="Hendra Gunawan",
        kind="kk_scan",
        description="Pindaian Kartu Keluarga, dibawa klien.",
        filename="kartu-keluarga.png",
        text="KARTU KELUARGA (CONTOH, BUKAN DOKUMEN ASLI)",
    ),
)


# ---------------------------------------------------------------------------
# Case notes and the contact log (written by the case's counselor, on open cases)
# ---------------------------------------------------------------------------

NOTES: tuple[DemoNote, ...] = (
    DemoNote(
        client_name="Hendra Gunawan",
        text=(
            "Klien menyampaikan bahwa istrinya bersedia bertemu di rumah mertua di Serang. "
            "Perlu disiapkan sesi bersama setelah klien mendapat pekerjaan tetap."
        ),
    ),
    DemoNote(
        client_name="Hendra Gunawan",
        text=(
            "Klien mengaku beberapa kali berpikir untuk menyakiti diri sendiri saat penagih "
            "pinjaman daring datang ke rumah. Dipantau setiap minggu; bila berulang, rujuk ke "
            "psikolog RSUD."
        ),
        confidential=True,
    ),
    DemoNote(
        client_name="Lilis Nurlaela",
        text=(
            "Suami klien hadir pada sesi terakhir dan setuju membuat kesepakatan pembagian tugas "
            "pengasuhan. Rencana terminasi sudah dibicarakan dengan klien."
        ),
    ),
)

CONTACTS: tuple[DemoContact, ...] = (
    DemoContact(
        client_name="Hendra Gunawan",
        kind="phone",
        days_ago=12,
        with_whom="Klien",
        summary="Mengonfirmasi jadwal sesi; klien meminta sesi sore hari karena bekerja.",
    ),
    DemoContact(
        client_name="Hendra Gunawan",
        kind="home_visit",
        days_ago=5,
        with_whom="Mertua klien",
        summary=(
            "Kunjungan ke rumah mertua di Serang. Mertua mendukung rujuk dan bersedia menjadi "
            "penengah bila pasangan bertemu."
        ),
    ),
    DemoContact(
        client_name="Hendra Gunawan",
        kind="message",
        days_ago=1,
        with_whom="Istri klien",
        summary="Istri klien membalas pesan WhatsApp dan bersedia dihubungi minggu depan.",
    ),
    DemoContact(
        client_name="Lilis Nurlaela",
        kind="office_visit",
        days_ago=3,
        with_whom="Klien dan suami",
        summary="Datang ke kantor menanyakan jadwal kunjungan rumah setelah terminasi.",
    ),
)


# ---------------------------------------------------------------------------
# Self-check
# ---------------------------------------------------------------------------

# BPS/Kemendagri kecamatan codes of Kabupaten Lebak (36.02.xx), used for NIK digits 5-6.


# What the demo's cases received beyond counseling, in the order given (`demo._CaseDriver`).
HOME_VISIT = {
    "place": "Rumah Ketua RT 002/RW 003, Kp. Babakan, Desa Aweh",
    "purpose": "Bertemu para orang tua anggota kelompok untuk membentuk forum pengawasan malam.",
    "persons_met": "Ketua RT, tujuh orang tua anggota kelompok, Ketua Karang Taruna",
    "findings": (
        "Orang tua sepakat bergiliran berjaga pada malam Minggu. Dua keluarga meminta informasi "
        "pelatihan kerja bagi anaknya yang putus sekolah."
    ),
}
CONSULTATION = {
    "topic": "Pelatihan keterampilan bengkel bagi remaja putus sekolah",
    "given": (
        "Dijelaskan jadwal dan syarat pelatihan montir di BLK Rangkasbitung serta program "
        "Paket C di PKBM Kalanganyar."
    ),
}
ACCOMPANIMENT = {
    "institution_name": "Polsek Malingping (Unit PPA)",
    "purpose": "Mendampingi klien membuat laporan polisi atas kekerasan dalam rumah tangga.",
    "outcome": (
        "Laporan diterima dan klien menjalani visum di Puskesmas Malingping. Penyidik meminta "
        "klien tidak kembali ke rumah selama penyelidikan."
    ),
}
PROTECTION = {
    "institution_name": "Rumah Aman UPTD PPA Kabupaten Lebak",
    "institution_address": "Jl. Pahlawan No. 12, Rangkasbitung",
    "reason": (
        "Suami masih mengancam dengan senjata tajam dan mengetahui rumah orang tua klien. Klien "
        "dan kedua anaknya perlu tempat aman selama penyelidikan."
    ),
}
