"""Attachments on a case: what is accepted, how it is stored and served, and who may do what."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import ExifTags, Image

from attachments import content, files, services
from attachments.models import Attachment, AttachmentKind
from audit.models import Action, AuditEvent
from flows import services as flow_services
from lk3_flow import services as case_services
from lk3_flow.choices import NextStep
from lk3_flow.demo import sample_file
from lk3_flow.demo_data import ATTACHMENTS, CASES
from tests.factories import in_english, make_user

KTP_NAME = "KTP Siti Aminah.jpg"


pytestmark = pytest.mark.usefixtures("fresh_storage")


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, "PNG")
    return out.getvalue()


def pdf() -> bytes:
    return sample_file("Surat dari Polres Lebak", "PDF")


def photo_with_gps() -> bytes:
    """A phone's photo: taken sideways (EXIF orientation 6) with its GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "KameraPonsel"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "S",
            ExifTags.GPS.GPSLatitude: (6.0, 21.0, 30.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (106.0, 15.0, 10.0),
        }
    )
    out = io.BytesIO()
    Image.new("RGB", (60, 30), "orange").save(out, "JPEG", exif=exif, comment=b"rumah klien")
    return out.getvalue()


def upload(client: Client, case, data: bytes, name: str = "dokumen.pdf", **fields):
    return client.post(
        reverse("cases:attachment_add", args=[case.pk]),
        {
            "kind": fields.pop("kind", AttachmentKind.INSTITUTION_LETTER),
            "description": fields.pop("description", "Surat panggilan"),
            "file": SimpleUploadedFile(name, data),
            **fields,
        },
    )


def logged_in(user) -> Client:
    client = in_english(Client())
    client.force_login(user)
    return client


def stored() -> set[str]:
    return set(files.PRIVATE.stored_names())


def attach(case, actor, data: bytes | None = None, **kwargs) -> Attachment:
    return services.add_attachment(
        case=case,
        actor=actor,
        kind=kwargs.get("kind", AttachmentKind.KTP_SCAN),
        description=kwargs.get("description", "KTP klien"),
        filename=kwargs.get("filename", KTP_NAME),
        data=data if data is not None else photo_with_gps(),
    )


def download_url(attachment: Attachment) -> str:
    return reverse("cases:attachment_download", args=[attachment.case_id, attachment.pk])


def remove_url(attachment: Attachment) -> str:
    return reverse("cases:attachment_remove", args=[attachment.case_id, attachment.pk])


@pytest.fixture
def counseling(office):
    return office.to_counseling(office.register())


# What is accepted, and how it is kept


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (pdf(), "surat-polres.pdf", "application/pdf"),
        (photo_with_gps(), "foto.jpg", "image/jpeg"),
        (png(), "pindaian.png", "image/png"),
    ],
    ids=["pdf", "jpeg", "png"],
)
def test_each_accepted_type_is_stored_under_a_random_name(
    office, counseling, data, name, content_type
):
    response = upload(logged_in(office.counselor), counseling, data, name)
    assert response.status_code == 302
    attachment = Attachment.objects.get(case=counseling)
    assert attachment.content_type == content_type
    assert attachment.original_name == name
    assert attachment.uploaded_by == office.counselor
    assert files.PRIVATE.is_private_name(attachment.file.name, frozenset(files.EXTENSIONS.values()))
    assert name.rsplit(".", 1)[0] not in attachment.file.name
    assert stored() == {attachment.file.name}
    with attachment.file.open("rb") as kept:
        kept_bytes = kept.read()
    assert attachment.size == len(kept_bytes)
    if content_type == "application/pdf":
        assert kept_bytes == data  # a PDF is kept as it came, once pypdf could read it


def test_a_photo_loses_its_metadata_and_stays_upright(office, counseling):
    assert b"GPS" not in png() and b"KameraPonsel" in photo_with_gps()
    attachment = attach(counseling, office.counselor, photo_with_gps())
    with attachment.file.open("rb") as kept:
        data = kept.read()
    assert b"KameraPonsel" not in data and b"rumah klien" not in data and b"Exif" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info and "comment" not in image.info
        # Taken 60 wide and 30 high, sideways: stored as the person held the phone.
        assert image.size == (30, 60)


def test_what_follows_a_real_image_is_not_kept(office, counseling):
    """A polyglot: a real PNG with a page (or an archive) after its end, for a browser to find."""
    attachment = attach(counseling, office.counselor, png() + b"<html><script>alert(1)</script>")
    with attachment.file.open("rb") as kept:
        data = kept.read()
    assert b"<script>" not in data and data.endswith(b"IEND\xaeB`\x82")


EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
FAKE_PNG = b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"
FAKE_JPEG = b"\xff\xd8\xff\xe0" + b"<?php system($_GET['c']); ?>" * 4
FAKE_PDF = b"%PDF-1.7\n" + EXECUTABLE


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (EXECUTABLE, "surat.pdf", "Only PDF, JPEG and PNG files are accepted"),
        (SVG, "logo.svg", "Only PDF, JPEG and PNG files are accepted"),
        (SVG, "logo.png", "Only PDF, JPEG and PNG files are accepted"),
        (HTML, "halaman.pdf", "Only PDF, JPEG and PNG files are accepted"),
        (FAKE_PNG, "foto.png", "not a readable JPEG or PNG image"),
        (FAKE_JPEG, "foto.jpg", "not a readable JPEG or PNG image"),
        (FAKE_PDF, "surat.pdf", "This PDF file is damaged"),
        (b"", "kosong.pdf", "The submitted file is empty"),
    ],
    ids=["exe", "svg", "svg-named-png", "html", "fake-png", "fake-jpeg", "fake-pdf", "empty"],
)
def test_what_is_not_a_pdf_or_an_image_is_refused_and_nothing_is_stored(
    office, counseling, data, name, message
):
    response = upload(logged_in(office.counselor), counseling, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored() == set()
    assert not AuditEvent.objects.filter(action=Action.ATTACHMENT_ADDED).exists()


def test_a_path_in_the_file_name_is_dropped(office, counseling):
    response = upload(logged_in(office.counselor), counseling, pdf(), "../../etc/passwd.pdf")
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "passwd.pdf"
    assert attachment.file.name.startswith("attachments/") and ".." not in attachment.file.name


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("..\\..\\Windows\\surat.pdf", "surat.pdf"),
        ("sura\x00t\x1b[31m\u202egpj.pdf", "surat[31mgpj.pdf"),
        ("foto.exe", "foto.pdf"),
        ("...", "attachment.pdf"),
        ("x" * 400 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_the_download_name_has_no_folder_no_control_character_and_the_real_extension(name, safe):
    # A name with nothing left is called "attachment" in the language of the page.
    with translation.override("en"):
        assert content.safe_filename(name, "pdf") == safe


def test_a_file_just_over_the_limit_gets_the_forms_message(office, counseling, settings):
    settings.UPLOAD_MAX_BYTES = 200_000
    data = pdf() + b"\n%" + b"x" * 200_000
    response = upload(logged_in(office.counselor), counseling, data)
    assert response.status_code == 200
    assert "files of at most 0.2 MB are accepted" in response.content.decode()
    assert not Attachment.objects.exists() and stored() == set()


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(office, counseling, settings):
    settings.UPLOAD_MAX_BYTES = 100_000
    response = upload(logged_in(office.counselor), counseling, b"%PDF-" + b"x" * 400_000)
    assert response.status_code == 413
    assert not Attachment.objects.exists() and stored() == set()


def test_a_decompression_bomb_is_refused_clearly(office, counseling, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000)
    response = upload(logged_in(office.counselor), counseling, png((100, 100)), "bom.png")
    assert response.status_code == 200
    assert "The image has too many pixels" in response.content.decode()
    assert not Attachment.objects.exists() and stored() == set()


@pytest.mark.parametrize("field", ["description", "original_name"])
def test_the_database_refuses_a_text_beyond_its_maximum(office, counseling, field):
    attachment = attach(counseling, office.counselor)
    limit = Attachment._meta.get_field(field).max_length
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.filter(pk=attachment.pk).update(**{field: "x" * (limit + 1)})


def test_an_over_long_description_is_a_form_error(office, counseling):
    response = upload(logged_in(office.counselor), counseling, pdf(), description="x" * 301)
    assert response.status_code == 200
    assert "at most 300 characters" in response.content.decode()
    assert not Attachment.objects.exists() and stored() == set()


# Serving


def test_a_download_is_an_attachment_never_shown_inline(office, counseling):
    # Made once: a PDF carries the second it was made in, so two calls may differ.
    uploaded = pdf()
    attachment = attach(
        counseling, office.counselor, uploaded, filename="Surat Polisi \u2013 Siti.pdf"
    )
    response = logged_in(office.counselor).get(download_url(attachment))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Surat Polisi _ Siti.pdf"; '
        "filename*=UTF-8''Surat%20Polisi%20%E2%80%93%20Siti.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == uploaded


def test_every_download_is_audited_without_the_file_name(office, counseling):
    attachment = attach(counseling, office.counselor)
    client = logged_in(office.head)
    for _time in range(2):
        assert client.get(download_url(attachment)).status_code == 200
    downloads = AuditEvent.objects.filter(action=Action.ATTACHMENT_DOWNLOADED)
    assert downloads.count() == 2
    event = downloads.first()
    assert (event.case_id, event.actor_id, event.object_id) == (
        counseling.pk,
        office.head.pk,
        str(attachment.pk),
    )
    assert "Siti" not in json.dumps(event.details) and "Siti" not in event.object_label


def test_the_log_holds_the_file_name_encrypted_and_the_auditor_reads_it(office, counseling):
    attach(counseling, office.counselor)
    added = AuditEvent.objects.get(action=Action.ATTACHMENT_ADDED)
    assert "Siti" not in json.dumps(added.details) and "KTP klien" not in json.dumps(added.details)
    html = logged_in(office.auditor).get(reverse("audit:timeline", args=[counseling.pk]))
    page = html.content.decode()
    assert "Attachment added: KTP scan" in page
    assert KTP_NAME in page and "KTP klien" in page
    digest = Attachment.objects.get().sha256
    assert f"{digest[:16]}…" in page and digest not in page  # no 64-letter word in a cell


# Who may do what


def readers_world(office):
    """An open case of the counselor, a sensitive one of another counselor, a closed one."""
    own = office.to_counseling(office.register(full_name="Klien Sendiri"))
    sensitive = office.register(full_name="Klien Sensitif", sensitive=True)
    sensitive = office.step(
        sensitive,
        "assign_counselor",
        office.head,
        lambda c: case_services.assign_counselor(
            case=c, counselor=office.other_counselor, actor=office.head
        ),
    )
    return own, sensitive


@pytest.mark.parametrize(
    ("role", "own", "sensitive"),
    [
        ("counselor", 200, 404),
        ("other_counselor", 404, 200),
        ("head", 200, 200),
        ("auditor", 200, 200),
        ("intake", 404, 404),  # registered both, uploaded neither
        ("administrator", 404, 404),
    ],
)
def test_who_may_download(office, role, own, sensitive):
    office.administrator = make_user("pengelola", "administrator")
    own_case, sensitive_case = readers_world(office)
    files_by_case = [
        attach(own_case, office.counselor),
        attach(sensitive_case, office.other_counselor),
    ]
    client = logged_in(getattr(office, role))
    statuses = [client.get(download_url(attachment)).status_code for attachment in files_by_case]
    assert statuses == [own, sensitive]
    downloads = AuditEvent.objects.filter(action=Action.ATTACHMENT_DOWNLOADED).count()
    assert downloads == [own, sensitive].count(200)


def test_an_attachment_is_reached_only_through_its_own_case(office):
    own_case, sensitive_case = readers_world(office)
    secret = attach(sensitive_case, office.other_counselor)
    url = reverse("cases:attachment_download", args=[own_case.pk, secret.pk])
    assert logged_in(office.counselor).get(url).status_code == 404


def test_the_intake_officer_brings_registration_papers_and_reads_back_only_their_own(office):
    case = office.assign(office.register())
    client = logged_in(office.intake)
    form = client.get(reverse("cases:attachment_add", args=[case.pk]))
    assert form.status_code == 200
    offered = form.context["form"].fields["kind"].choices
    assert [value for value, _label in offered] == ["signed_consent", "ktp_scan", "kk_scan"]
    assert upload(client, case, png(), "ktp.png", kind="photo").status_code == 200
    assert upload(client, case, png(), "ktp.png", kind="ktp_scan").status_code == 302
    own = Attachment.objects.get()
    theirs = attach(case, office.counselor, kind=AttachmentKind.PHOTO)
    assert client.get(download_url(own)).status_code == 200
    assert client.get(download_url(theirs)).status_code == 404
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert download_url(own) in page and download_url(theirs) not in page


@pytest.mark.parametrize(
    ("role", "status"),
    [("counselor", 302), ("head", 302), ("auditor", 403), ("other_counselor", 404)],
)
def test_who_may_upload_to_an_open_case(office, counseling, role, status):
    response = upload(logged_in(getattr(office, role)), counseling, pdf())
    assert response.status_code == status
    assert Attachment.objects.count() == (1 if status == 302 else 0)


def test_on_a_closed_case_only_the_head_uploads(office):
    closed = office.to_closed(office.register())
    assert upload(logged_in(office.intake), closed, png(), kind="ktp_scan").status_code == 403
    assert upload(logged_in(office.counselor), closed, pdf()).status_code == 403
    assert upload(logged_in(office.head), closed, pdf()).status_code == 302


def test_the_uploader_removes_a_wrong_file_after_a_confirmation(
    office, counseling, django_capture_on_commit_callbacks
):
    attachment = attach(counseling, office.counselor)
    name = attachment.file.name
    client = logged_in(office.counselor)
    assert client.get(remove_url(attachment)).status_code == 200
    assert client.post(remove_url(attachment), {"reason": "Salah unggah."}).status_code == 200
    assert Attachment.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url(attachment), {"reason": "Salah unggah.", "confirm": "on"})
    assert response.status_code == 302
    assert not Attachment.objects.exists() and name not in stored()
    event = AuditEvent.objects.get(action=Action.ATTACHMENT_REMOVED)
    assert event.details["reason"] == "Salah unggah." and "Siti" not in json.dumps(event.details)


def test_a_removal_that_rolls_back_keeps_the_file(office, counseling, monkeypatch):
    attachment = attach(counseling, office.counselor)
    monkeypatch.setattr(services.Attachment, "delete", lambda self: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        services.remove_attachment(attachment=attachment, actor=office.counselor, reason="Salah.")
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert attachment.file.name in stored()


def test_others_may_not_remove(office, counseling):
    attachment = attach(counseling, office.counselor)
    for user in (office.auditor, office.intake):
        client = logged_in(user)
        assert client.get(remove_url(attachment)).status_code in (403, 404)
        assert client.post(
            remove_url(attachment), {"reason": "x", "confirm": "on"}
        ).status_code in (
            403,
            404,
        )
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_after_a_reassignment_the_former_counselor_reaches_nothing(office, counseling):
    attachment = attach(counseling, office.counselor)
    flow_services.reassign_case(
        counseling, actor=office.head, counselor=office.other_counselor, reason="Cuti panjang."
    )
    client = logged_in(office.counselor)
    assert client.get(download_url(attachment)).status_code == 404
    assert client.post(remove_url(attachment), {"reason": "x", "confirm": "on"}).status_code == 404
    assert upload(client, counseling, pdf()).status_code == 404
    assert logged_in(office.other_counselor).get(download_url(attachment)).status_code == 200


def test_once_the_case_is_closed_the_uploader_may_not_remove_but_the_head_may(office):
    case = office.to_counseling(office.register())
    attachment = attach(case, office.counselor, kind=AttachmentKind.PHOTO)
    case = office.review_closure(
        office.propose_closure(office.session(case, NextStep.PROPOSE_CLOSURE))
    )
    assert logged_in(office.counselor).get(remove_url(attachment)).status_code == 403
    assert logged_in(office.head).get(remove_url(attachment)).status_code == 200


# Failures leave nothing behind


def test_a_failure_after_the_file_was_written_leaves_no_file_and_no_row(
    office, counseling, monkeypatch
):
    real_record = services.audit.record

    def failing_record(action, **kwargs):
        if action == Action.ATTACHMENT_ADDED:
            raise RuntimeError("audit unavailable")
        return real_record(action, **kwargs)

    monkeypatch.setattr(services.audit, "record", failing_record)
    with pytest.raises(RuntimeError):
        attach(counseling, office.counselor)
    assert not Attachment.objects.exists()
    assert stored() == set()


@pytest.mark.django_db(transaction=True)
def test_an_upload_rolled_back_by_a_later_step_leaves_no_file(office):
    case = office.to_counseling(office.register())
    with pytest.raises(RuntimeError), transaction.atomic():
        attach(case, office.counselor)
        raise RuntimeError("a later step failed")
    request_finished.send(sender=None)
    assert not Attachment.objects.exists()
    assert stored() == set()


# Erasure


def test_erasure_deletes_the_files_names_and_descriptions(
    office, django_capture_on_commit_callbacks
):
    case = office.to_counseling(office.register())
    attachment = attach(case, office.counselor)
    case = office.review_closure(
        office.propose_closure(office.session(case, NextStep.PROPOSE_CLOSURE))
    )
    with django_capture_on_commit_callbacks(execute=True):
        case_services.erase_client_personal_data(
            case.client, actor=office.head, reason="Permintaan klien (UU PDP Pasal 8)."
        )
    attachment.refresh_from_db()
    assert (attachment.file.name, attachment.original_name, attachment.description) == ("", "", "")
    assert attachment.erased_at is not None
    assert stored() == set()
    client = logged_in(office.head)
    assert client.get(download_url(attachment)).status_code == 404
    assert client.get(remove_url(attachment)).status_code == 403
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "erased with the client's personal data" in page
    timeline = logged_in(office.auditor).get(reverse("audit:timeline", args=[case.pk]))
    assert KTP_NAME not in timeline.content.decode()
    # Nothing new can be attached to an erased client's case.
    response = upload(client, case, pdf())
    assert response.status_code == 200 and Attachment.objects.count() == 1


# The case page


def test_the_case_page_lists_attachments_and_says_when_consent_is_documented(office):
    case = office.assign(office.register())
    client = logged_in(office.counselor)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "No documents are attached to this case yet." in page
    assert "consent documented" not in page
    attach(case, office.intake, pdf(), kind=AttachmentKind.SIGNED_CONSENT, description="Ttd.")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Signed consent statement" in page and "Ttd." in page and "Petugas" in page
    assert "consent documented" in page
    task = flow_services.open_tasks(case).get()
    task_page = client.get(
        reverse(f"case:{task.flow_task.name}:execute", args=[case.process_id, task.pk])
    )
    assert "consent documented" in task_page.content.decode()


def test_the_case_page_reads_the_same_number_of_queries_for_any_number_of_attachments(
    office, counseling
):
    client = logged_in(office.counselor)
    url = reverse("cases:detail", args=[counseling.pk])
    attach(counseling, office.counselor)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for kind in (AttachmentKind.PHOTO, AttachmentKind.OTHER, AttachmentKind.SIGNED_CONSENT):
        attach(counseling, office.head, png(), kind=kind)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_demo_attachments_name_a_demo_case_and_a_kind():
    clients = {demo.client_name for demo in CASES}
    for demo in ATTACHMENTS:
        assert demo.client_name in clients and demo.kind in AttachmentKind.values
