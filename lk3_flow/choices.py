"""Closed vocabularies of the case domain, shared by models, forms and the demo data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClientKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Perorangan")
    FAMILY = "family", _("Keluarga")
    GROUP = "group", _("Kelompok")
    INSTITUTION = "institution", _("Lembaga")


class Sex(models.TextChoices):
    MALE = "male", _("Laki-laki")
    FEMALE = "female", _("Perempuan")


class ProblemCategory(models.TextChoices):
    MARITAL_CONFLICT = "marital_conflict", _("Konflik suami-istri")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Kekerasan dalam rumah tangga")
    PARENTING = "parenting", _("Pengasuhan anak")
    JUVENILE_DELINQUENCY = "juvenile_delinquency", _("Kenakalan remaja")
    ECONOMIC = "economic", _("Masalah ekonomi")
    DIVORCE = "divorce", _("Perceraian")
    DISABILITY = "disability", _("Disabilitas")
    ELDERLY = "elderly", _("Lanjut usia")
    OTHER = "other", _("Lainnya")


class Service(models.TextChoices):
    """The seven services an LK3 gives families (Permensos 25/2017)."""

    COUNSELING = "counseling", _("Konseling")
    CONSULTATION = "consultation", _("Konsultasi")
    INFORMATION = "information", _("Pemberian informasi")
    OUTREACH = "outreach", _("Penjangkauan")
    PROTECTION = "protection", _("Perlindungan")
    ACCOMPANIMENT = "accompaniment", _("Pendampingan")
    REFERRAL = "referral", _("Rujukan")


class IntakeChannel(models.TextChoices):
    WALK_IN = "walk_in", _("Datang langsung")
    OUTREACH = "outreach", _("Penjangkauan")
    INCOMING_REFERRAL = "incoming_referral", _("Rujukan dari lembaga lain")
    PHONE_ONLINE = "phone_online", _("Telepon/daring")


class Priority(models.TextChoices):
    LOW = "low", _("Rendah")
    NORMAL = "normal", _("Biasa")
    HIGH = "high", _("Tinggi")
    URGENT = "urgent", _("Darurat")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Berjalan")
    CLOSED = "closed", _("Selesai")
    WITHDRAWN = "withdrawn", _("Ditarik")


class Stage(models.TextChoices):
    """Where a case stands; open stages carry the name of the flow task that waits."""

    INTAKE = "intake", _("Registrasi")
    ASSIGN_COUNSELOR = "assign_counselor", _("Penunjukan konselor")
    ASSESSMENT = "assessment", _("Asesmen dan rencana intervensi")
    APPROVE_ASSESSMENT = "approve_assessment", _("Persetujuan asesmen")
    COUNSELING = "counseling", _("Sesi konseling")
    PROPOSE_REFERRAL = "propose_referral", _("Usulan rujukan")
    APPROVE_REFERRAL = "approve_referral", _("Persetujuan rujukan")
    PARTNER_RESPONSE = "partner_response", _("Tanggapan mitra rujukan")
    PROPOSE_CLOSURE = "propose_closure", _("Usulan terminasi")
    APPROVE_CLOSURE = "approve_closure", _("Persetujuan terminasi")
    CLOSED = "closed", _("Selesai")
    WITHDRAWN = "withdrawn", _("Ditarik")


class Review(models.TextChoices):
    """A head's decision on something a counselor proposed."""

    PENDING = "pending", _("Menunggu persetujuan")
    APPROVED = "approved", _("Disetujui")
    RETURNED = "returned", _("Dikembalikan")


class SessionType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individu")
    COUPLE = "couple", _("Pasangan")
    FAMILY = "family", _("Keluarga")
    GROUP = "group", _("Kelompok")


class NextStep(models.TextChoices):
    """What the counselor wants after recording a session."""

    ANOTHER_SESSION = "another_session", _("Sesi konseling berikutnya")
    PROPOSE_REFERRAL = "propose_referral", _("Usulkan rujukan")
    PROPOSE_CLOSURE = "propose_closure", _("Usulkan terminasi")


class PartnerCategory(models.TextChoices):
    """The institution's own list of its network (jaringan kerja)."""

    CUSTOMARY = "customary", _("Lembaga Adat/Kekerabatan")
    LEGAL_AID = "legal_aid", _("Lembaga Bantuan Hukum")
    SOCIAL_WELFARE = "social_welfare", _("Lembaga Pelayanan Kesejahteraan Sosial")
    HEALTH = "health", _("Lembaga Pelayanan Kesehatan")
    NGO = "ngo", _("Orsos/LSM (nasional/internasional)")
    BUSINESS = "business", _("Dunia Usaha")
    EDUCATION = "education", _("Lembaga Pendidikan")
    MEDIA = "media", _("Media Massa")
    OTHER = "other", _("Lembaga terkait lainnya")


class ReferralStatus(models.TextChoices):
    PROPOSED = "proposed", _("Diusulkan")
    RETURNED = "returned", _("Dikembalikan")
    SENT = "sent", _("Dikirim")
    ACCEPTED = "accepted", _("Diterima mitra")
    DECLINED = "declined", _("Ditolak mitra")
    COMPLETED = "completed", _("Selesai ditangani mitra")


class PartnerResponse(models.TextChoices):
    """The answers a partner can give to a referral that was sent."""

    ACCEPTED = ReferralStatus.ACCEPTED.value, ReferralStatus.ACCEPTED.label
    DECLINED = ReferralStatus.DECLINED.value, ReferralStatus.DECLINED.label
    COMPLETED = ReferralStatus.COMPLETED.value, ReferralStatus.COMPLETED.label


class ClosureReason(models.TextChoices):
    GOALS_ACHIEVED = "goals_achieved", _("Tujuan intervensi tercapai")
    REFERRED_OUT = "referred_out", _("Dirujuk ke lembaga lain")
    CLIENT_WITHDREW = "client_withdrew", _("Klien mengundurkan diri")
    UNREACHABLE = "unreachable", _("Klien tidak dapat dihubungi")
    MOVED_AWAY = "moved_away", _("Klien pindah domisili")
    OTHER = "other", _("Lainnya")
