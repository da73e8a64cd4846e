"""The case domain: clients, their cases, and everything recorded while helping them."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import (
    CaseStatus,
    ClientKind,
    ClosureReason,
    IntakeChannel,
    NextStep,
    PartnerCategory,
    Priority,
    ReferralStatus,
    Review,
    SessionType,
    Sex,
    Stage,
)
from .nik import validate_nik

phone_validator = RegexValidator(
    r"^\+?[0-9 ()-]{6,20}$",
    _("Nomor telepon hanya boleh berisi angka, spasi, +, -, dan tanda kurung."),
)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        abstract = True


class StaffProfile(models.Model):
    """What letters and assignment need to know about a staff member beyond their login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lk3_profile"
    )
    position = models.CharField(_("jabatan"), max_length=120, blank=True)
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        blank=True,
        validators=[RegexValidator(r"^\d{18}$", _("NIP terdiri atas 18 angka."))],
    )

    class Meta:
        verbose_name = _("profil petugas")
        verbose_name_plural = _("profil petugas")

    def __str__(self) -> str:
        return f"{self.user} ({self.position})"


class Sequence(models.Model):
    """A named, gap-free counter; the row is locked while a number is drawn from it."""

    key = models.CharField(max_length=100, unique=True)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("nomor urut")
        verbose_name_plural = _("nomor urut")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class Client(TimeStamped):
    kind = models.CharField(_("jenis klien"), max_length=20, choices=ClientKind.choices)
    full_name = models.CharField(_("nama lengkap"), max_length=200)
    nik = models.CharField(
        _("NIK"), max_length=16, blank=True, validators=[validate_nik], db_index=True
    )
    sex = models.CharField(_("jenis kelamin"), max_length=10, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    kecamatan = models.CharField(_("kecamatan"), max_length=100, blank=True)
    desa = models.CharField(_("desa/kelurahan"), max_length=100, blank=True)
    phone = models.CharField(
        _("nomor telepon"), max_length=20, blank=True, validators=[phone_validator]
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("didaftarkan oleh"),
    )

    class Meta:
        verbose_name = _("klien")
        verbose_name_plural = _("klien")
        indexes = [models.Index(fields=["birth_date", "full_name"])]

    def __str__(self) -> str:
        return self.full_name


class HouseholdMember(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("nama lengkap"), max_length=200)
    relationship = models.CharField(_("hubungan keluarga"), max_length=60)
    sex = models.CharField(_("jenis kelamin"), max_length=10, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)

    class Meta:
        verbose_name = _("anggota keluarga")
        verbose_name_plural = _("anggota keluarga")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.relationship})"


class Case(TimeStamped):
    number = models.CharField(_("nomor kasus"), max_length=30, unique=True)
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="cases", verbose_name=_("klien")
    )
    process = models.OneToOneField(
        "viewflow.Process", on_delete=models.PROTECT, related_name="case", null=True
    )
    problem_categories = models.JSONField(_("kategori masalah"), default=list)
    services = models.JSONField(_("layanan yang dibutuhkan"), default=list)
    channel = models.CharField(_("jalur masuk"), max_length=30, choices=IntakeChannel.choices)
    priority = models.CharField(
        _("prioritas"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    sensitive = models.BooleanField(_("kasus sensitif"), default=False)
    complaint = models.TextField(_("keluhan awal"))
    consent_given = models.BooleanField(_("persetujuan layanan diberikan"), default=False)
    consent_date = models.DateField(_("tanggal persetujuan"), null=True, blank=True)
    consent_share_with_partners = models.BooleanField(
        _("klien mengizinkan ringkasan kasus dibagikan kepada mitra rujukan"), default=False
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="counseled_cases",
        verbose_name=_("konselor"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="registered_cases",
        verbose_name=_("didaftarkan oleh"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    stage = models.CharField(_("tahap"), max_length=30, choices=Stage.choices, default=Stage.INTAKE)
    withdrawal_reason = models.TextField(_("alasan penarikan"), blank=True)
    reopened_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reopenings",
        verbose_name=_("dibuka kembali dari"),
    )

    class Meta:
        verbose_name = _("kasus")
        verbose_name_plural = _("kasus")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["counselor", "status"]),
            models.Index(fields=["stage"]),
        ]
        permissions = [
            ("register_case", _("Dapat mendaftarkan klien dan kasus baru")),
            ("manage_case", _("Dapat menunjuk konselor, menyetujui, dan menarik kasus")),
            ("audit_case", _("Dapat menelusuri seluruh kasus tanpa mengubahnya")),
        ]

    def __str__(self) -> str:
        return self.number


class Assessment(TimeStamped):
    """An assessment with its intervention plan; a returned one is kept and a new one follows."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    presenting_problem = models.TextField(_("masalah yang dihadapi"))
    family_situation = models.TextField(_("situasi keluarga"))
    strengths = models.TextField(_("kekuatan/potensi"))
    risks = models.TextField(_("risiko"))
    needs = models.TextField(_("kebutuhan"))
    goals = models.TextField(_("tujuan intervensi"))
    planned_services = models.JSONField(_("layanan yang direncanakan"), default=list)
    review = models.CharField(
        _("keputusan"), max_length=10, choices=Review.choices, default=Review.PENDING
    )
    review_comment = models.TextField(_("catatan pimpinan"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("asesmen")
        verbose_name_plural = _("asesmen")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.created_at:%Y-%m-%d}"


class CounselingSession(TimeStamped):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_at = models.DateTimeField(_("jadwal sesi"))
    held_at = models.DateTimeField(_("waktu pelaksanaan"), null=True, blank=True)
    session_type = models.CharField(_("jenis sesi"), max_length=20, choices=SessionType.choices)
    duration_minutes = models.PositiveSmallIntegerField(_("durasi (menit)"), null=True, blank=True)
    notes = models.TextField(_("catatan sesi"))
    progress = models.TextField(_("perkembangan klien"), blank=True)
    next_step = models.CharField(_("langkah berikutnya"), max_length=30, choices=NextStep.choices)

    class Meta:
        verbose_name = _("sesi konseling")
        verbose_name_plural = _("sesi konseling")
        ordering = ["scheduled_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.scheduled_at:%Y-%m-%d}"


class Partner(TimeStamped):
    """An institution of the referral network (jaringan kerja)."""

    name = models.CharField(_("nama lembaga"), max_length=200, unique=True)
    category = models.CharField(_("kategori"), max_length=30, choices=PartnerCategory.choices)
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    contact_person = models.CharField(_("narahubung"), max_length=120, blank=True)
    phone = models.CharField(
        _("nomor telepon"), max_length=20, blank=True, validators=[phone_validator]
    )
    email = models.EmailField(_("surel"), blank=True)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("mitra rujukan")
        verbose_name_plural = _("mitra rujukan")
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class Referral(TimeStamped):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("mitra")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("alasan rujukan"))
    services_requested = models.JSONField(_("layanan yang diminta"), default=list)
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.PROPOSED
    )
    review_comment = models.TextField(_("catatan pimpinan"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("tanggal dikirim"), null=True, blank=True)
    partner_response = models.TextField(_("tanggapan mitra"), blank=True)
    responded_at = models.DateTimeField(_("tanggal tanggapan"), null=True, blank=True)

    class Meta:
        verbose_name = _("rujukan")
        verbose_name_plural = _("rujukan")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} → {self.partner}"


class Closure(TimeStamped):
    """A proposal to end the service; approved, it closes the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closures")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("alasan terminasi"), max_length=30, choices=ClosureReason.choices)
    summary = models.TextField(_("ringkasan layanan"))
    follow_up_plan = models.TextField(_("rencana tindak lanjut"), blank=True)
    review = models.CharField(
        _("keputusan"), max_length=10, choices=Review.choices, default=Review.PENDING
    )
    review_comment = models.TextField(_("catatan pimpinan"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("terminasi")
        verbose_name_plural = _("terminasi")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_reason_display()}"
