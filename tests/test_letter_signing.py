"""Electronic signatures: every letter's file is signed (PAdES) as it is made, and checked.

The suite signs with a PKCS#12 key of a certificate authority made for the session
(`signing_authority` in conftest), as production signs with its own; one module here signs with
a key on a PKCS#11 token that SoftHSM2 emulates.
"""

import asyncio
import datetime
import hashlib
import io
import re
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pkcs11
import pypdf
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    pkcs12,
)
from django.contrib.auth import get_user_model
from django.core.checks import run_checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.html import escape
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from audit.models import Action, AuditEvent
from letters import files, signing
from letters import services as letter_services
from letters.local_ca import LocalAuthority, ensure_local_authority
from letters.models import InstitutionProfile, Letter, LetterKind, PendingRendering
from letters.rendering import html_to_pdf, render_letter
from letters.selectors import institution_profile
from tests.factories import in_english
from tests.pdf import letter_bytes

pytestmark = pytest.mark.django_db

CM = 72 / 2.54
# The letters' stylesheet sizes the stamp's place (letters/assets/letter.css).
STAMP_SIZE = (4.6 * CM, 2.1 * CM)
RIGHT_MARGIN = 2 * CM
PAGE_WITHOUT_STAMP = '<link rel="stylesheet" href="lk3-asset:letter.css"><p>{}</p>'


def stored_bytes(letter: Letter) -> bytes:
    with letter.pdf.open("rb") as stored:
        return stored.read()


def validated(pdf: bytes, *roots: Path):
    """pyHanko's own verdict on the PDF's signature, against these roots only."""
    (embedded,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    context = ValidationContext(
        trust_roots=[load_cert_from_pemder(str(root)) for root in roots], allow_fetching=False
    )
    return embedded, validate_pdf_signature(embedded, context)


def signature_widget(pdf: bytes) -> tuple[int, list[float]]:
    """The page and the rectangle of the signature field's widget, read back from the PDF."""
    for number, page in enumerate(pypdf.PdfReader(io.BytesIO(pdf)).pages):
        for annotation in page.get("/Annots") or []:
            widget = annotation.get_object()
            if widget.get("/FT") == "/Sig":
                return number, [float(edge) for edge in widget["/Rect"]]
    raise AssertionError("no signature field")


WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


@dataclass(frozen=True)
class Word:
    text: str
    left: float
    top: float
    right: float
    bottom: float


def words_of(pdf: bytes, page: int) -> list[Word]:
    """Poppler's words of one page with their boxes, in points from the page's top-left."""
    result = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return [
        Word(text, float(left), float(top), float(right), float(bottom))
        for left, top, right, bottom, text in WORD.findall(result.stdout.decode())
    ]


def verify_url(letter: Letter) -> str:
    return reverse("verify_letter", args=[letter.token])


def upload(letter: Letter, data: bytes) -> str:
    page = in_english(Client()).post(verify_url(letter), {"pdf": SimpleUploadedFile("a.pdf", data)})
    assert page.status_code == 200
    return page.content.decode()


def receipt_of(office, **registration) -> Letter:
    case = office.register(**registration)
    return letter_services.rendered(
        Letter.objects.get(case=case, kind=LetterKind.REGISTRATION_RECEIPT)
    )


def test_the_stored_file_carries_a_pades_signature_the_authority_vouches_for(
    office, signing_authority
):
    case = office.register()
    assert letter_services.render_pending_letters() == 2
    receipt = Letter.objects.get(case=case, kind=LetterKind.REGISTRATION_RECEIPT)
    data = stored_bytes(receipt)

    embedded, status = validated(data, signing_authority.root_file)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    # The institution's certificate signs; the signature names the person and their position.
    assert embedded.sig_object["/Name"] == receipt.signer_name
    assert embedded.sig_object["/Reason"] == (
        f"{receipt.signer_position}, surat nomor {receipt.number}"
    )
    assert embedded.sig_object["/Location"] == institution_profile().city

    # The hash, the audit log and the page's facts are the signed file's.
    assert hashlib.sha256(data).hexdigest() == receipt.sha256
    filed = AuditEvent.objects.get(action=Action.LETTER_FILED, object_id=str(receipt.pk))
    assert filed.details == {"number": receipt.number, "sha256": receipt.sha256}
    certificate = x509.load_der_x509_certificate(status.signing_cert.dump())
    assert receipt.certificate_subject == "CN=LK3 Kabupaten Lebak,O=LK3 Kabupaten Lebak,C=ID"
    assert receipt.certificate_issuer == certificate.issuer.rfc4514_string()
    assert receipt.certificate_serial == format(certificate.serial_number, "X")
    assert receipt.certificate_fingerprint == hashlib.sha256(status.signing_cert.dump()).hexdigest()
    assert receipt.certificate_trusted
    assert abs(status.signer_reported_dt - receipt.signed_at) < datetime.timedelta(seconds=2)


def test_the_visible_stamp_lies_in_the_signature_block_above_the_signers_name(office):
    get_user_model().objects.filter(pk=office.head.pk).update(last_name="Suryadi")
    case = office.assign(office.register())
    letter = Letter.objects.get(case=case, kind=LetterKind.ASSIGNMENT)
    laid_out = render_letter(letter.pending_rendering.html)
    assert laid_out.pdf == html_to_pdf(letter.pending_rendering.html)
    data = letter_bytes(letter)

    page, rect = signature_widget(data)
    assert (page, rect) == (laid_out.stamp.page, pytest.approx(laid_out.stamp.box, abs=0.01))
    left, bottom, right, top = rect
    assert (right - left, top - bottom) == pytest.approx(STAMP_SIZE, abs=0.1)
    mediabox = pypdf.PdfReader(io.BytesIO(data)).pages[page].mediabox
    page_width, page_height = float(mediabox.width), float(mediabox.height)
    assert 0 < left < right < page_width and 0 < bottom < top < page_height

    # In poppler's words (from the top-left): nothing of the letter under the stamp but the
    # stamp's own text, and the signer's name right under it, in the signature's column (the
    # verification page's QR code stands left of the stamp), within the right margin.
    stamp_left, stamp_top, stamp_right, stamp_bottom = (
        left,
        page_height - top,
        right,
        page_height - bottom,
    )

    def under_the_stamp(word: Word) -> bool:
        return (
            word.right > stamp_left
            and word.left < stamp_right
            and word.bottom > stamp_top
            and word.top < stamp_bottom
        )

    words = words_of(data, page)
    stamp = " ".join(word.text for word in words if under_the_stamp(word))
    assert stamp.startswith(
        f"Ditandatangani secara elektronik oleh Pimpinan Suryadi {letter.signer_position}"
    )
    assert stamp.endswith("Penerbit sertifikat: LK3 Flow local demo CA")
    letter_words = [word for word in words if not under_the_stamp(word)]
    surname = next(word for word in letter_words if word.text == "Suryadi")
    (name,) = [w for w in letter_words if w.text == "Pimpinan" and w.top == surname.top]
    assert 0 < name.top - stamp_bottom < 20
    assert name.left < stamp_left < stamp_right <= page_width - RIGHT_MARGIN + 0.5


def test_a_page_without_a_place_for_the_stamp_is_signed_invisibly(signing_authority):
    laid_out = render_letter(PAGE_WITHOUT_STAMP.format("Tanpa tempat tanda tangan."))
    assert laid_out.stamp is None
    text = signing.SignatureText(
        signer_name="Ñurhâyàtī",
        signer_position="Pimpinan",
        letter_number="001/X/2026",
        location="Rangkasbitung",
        signed_at=timezone.now(),
    )
    signer = signing.letter_signer()
    signed = signer.sign(laid_out.pdf, stamp=None, text=text)
    assert signature_widget(signed) == (0, [0, 0, 0, 0])
    _embedded, status = validated(signed, signing_authority.root_file)
    assert status.bottom_line
    # The stamp's built-in font shows Latin-1: other letters lose their accents only.
    assert "Ñurhâyàti" in signing.stamp_text(text, signer.certificate)


def test_signing_and_checking_work_where_the_thread_already_runs_an_event_loop(
    signing_authority,
):
    """As in an asynchronous server, or under a browser test's driver (the e2e journeys)."""
    laid_out = render_letter(PAGE_WITHOUT_STAMP.format("Di dalam event loop."))
    text = signing.SignatureText(
        signer_name="Euis Komariah",
        signer_position="Ketua LK3 Kabupaten Lebak",
        letter_number="002/X/2026",
        location="Rangkasbitung",
        signed_at=timezone.now(),
    )

    async def sign_and_check() -> signing.SignatureCheck:
        signed = signing.letter_signer().sign(laid_out.pdf, stamp=None, text=text)
        return signing.check_signature(signed)

    assert asyncio.run(sign_and_check()).verdict == signing.Verdict.TRUSTED


def test_the_verification_pages_name_the_institution_and_the_signature_not_the_client(office):
    InstitutionProfile.objects.update_or_create(
        pk=1, defaults={"short_name": "LK3 Kota Serang", "name": "LK3 SERANG"}
    )
    receipt = receipt_of(office, full_name="Klien Rahasia")
    public = in_english(Client())
    html = public.get(verify_url(receipt)).content.decode()
    assert 'data-signature="trusted"' in html
    assert "VALID: this letter was issued by LK3 Kota Serang and has not been revoked." in html
    with translation.override("en"):
        signed_at = dateformat.format(timezone.localtime(receipt.signed_at), "j F Y H:i:s T")
    for fact in [
        "LK3 SERANG",
        receipt.certificate_subject,
        receipt.certificate_issuer,
        receipt.certificate_serial,
        receipt.certificate_fingerprint,
        f"{receipt.signer_name}, {receipt.signer_position}",
        signed_at,
    ]:
        assert escape(fact) in html, fact
    assert "Klien Rahasia" not in html and receipt.case.number not in html
    assert "LK3 SERANG" in public.get(reverse("verify_letter_by_code")).content.decode()

    identical = upload(receipt, stored_bytes(receipt))
    assert 'data-verdict="match"' in identical
    assert 'data-signature-check="trusted"' in identical
    assert escape(receipt.certificate_subject) in identical


def test_a_copy_changed_after_signing_is_reported_modified(office):
    receipt = receipt_of(office)
    original = stored_bytes(receipt)
    # An update appended after the signature, as PDF editors save their changes.
    writer = IncrementalPdfFileWriter(io.BytesIO(original))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    appended = io.BytesIO()
    writer.write(appended)
    # A byte changed inside what the signature covers.
    assert original.startswith(b"%PDF-1.7")
    altered = b"%PDF-1.6" + original[len(b"%PDF-1.7") :]
    for copy in (appended.getvalue(), altered):
        page = upload(receipt, copy)
        assert 'data-verdict="mismatch"' in page
        assert 'data-signature-check="modified"' in page
    assert receipt.verification_tallies.get().mismatches == 2


def test_a_certificate_no_trusted_root_vouches_for_is_reported_untrusted(
    office, tmp_path, signing_authority
):
    # The same names as the institution's own certificate, from an authority nobody trusts.
    stranger = ensure_local_authority(tmp_path / "stranger", institution="LK3 Kabupaten Lebak")
    with override_settings(
        LK3_SIGNING_PKCS12_FILE=str(stranger.key_file), LK3_SIGNING_PKCS12_PASSPHRASE=""
    ):
        receipt = receipt_of(office)
    receipt.refresh_from_db()
    assert not receipt.certificate_trusted
    _embedded, status = validated(stored_bytes(receipt), signing_authority.root_file)
    assert status.intact and status.valid and not status.trusted

    html = in_english(Client()).get(verify_url(receipt)).content.decode()
    assert 'data-signature="untrusted"' in html and 'data-signature="trusted"' not in html
    page = upload(receipt, stored_bytes(receipt))
    assert 'data-verdict="match"' in page
    assert 'data-signature-check="untrusted"' in page


def test_a_letter_made_before_letters_were_signed_says_it_carries_no_signature(office):
    receipt = receipt_of(office)
    unsigned = html_to_pdf(PAGE_WITHOUT_STAMP.format("Surat lama tanpa tanda tangan."))
    files.store_pdf(receipt, unsigned)
    Letter.objects.filter(pk=receipt.pk).update(
        pdf=receipt.pdf.name,
        sha256=hashlib.sha256(unsigned).hexdigest(),
        signed_at=None,
        **dict.fromkeys(["certificate_subject", "certificate_issuer", "certificate_serial"], ""),
        certificate_fingerprint="",
        certificate_trusted=False,
    )
    html = in_english(Client()).get(verify_url(receipt)).content.decode()
    assert 'data-signature="none"' in html
    assert "issued before letters were signed electronically" in html
    page = upload(receipt, unsigned)
    assert 'data-verdict="match"' in page
    assert 'data-signature-check="unsigned"' in page


def test_a_letter_whose_file_is_not_made_yet_says_so(office):
    receipt = Letter.objects.get(case=office.register(), kind=LetterKind.REGISTRATION_RECEIPT)
    html = in_english(Client()).get(verify_url(receipt)).content.decode()
    assert 'data-signature="pending"' in html


def test_bad_uploads_get_a_clear_answer(office):
    receipt = receipt_of(office)
    original = stored_bytes(receipt)

    not_a_pdf = in_english(Client()).post(
        verify_url(receipt), {"pdf": SimpleUploadedFile("a.pdf", b"GIF89a" + bytes(2000))}
    )
    assert not_a_pdf.status_code == 200
    assert not_a_pdf.context["form"].errors["pdf"] == ["The file is not a PDF."]

    broken_signature = original.replace(b"/ByteRange", b"/ByteRangX")
    for copy in [
        original[: len(original) // 2],
        b"%PDF-1.7\n" + bytes(range(256)) * 8,
        broken_signature,
    ]:
        page = upload(receipt, copy)
        assert 'data-verdict="mismatch"' in page
        assert 'data-signature-check="unreadable"' in page
    assert receipt.verification_tallies.get().mismatches == 3


def test_without_a_key_no_file_is_made_and_the_letters_wait(office):
    case = office.register()
    with override_settings(LK3_SIGNING_KEY=""):
        assert letter_services.render_pending_letters() == 0
        problems = {message.id for message in run_checks(include_deployment_checks=True)}
        assert "letters.E001" in problems
    pending = PendingRendering.objects.filter(letter__case=case)
    assert [(p.attempts, p.last_error) for p in pending] == [(1, "SigningUnavailable")] * 2
    assert not Letter.objects.filter(case=case).exclude(pdf="").exists()
    assert not Letter.objects.filter(case=case, rendered_at__isnull=False).exists()

    # Once a key is configured, the worker makes them.
    assert letter_services.render_pending_letters() == 2
    assert not PendingRendering.objects.filter(letter__case=case).exists()


def test_the_demo_signs_with_a_private_authority_it_makes_on_first_use(office, tmp_path):
    folder = tmp_path / "var" / "signing"
    with override_settings(LK3_SIGNING_KEY="local-ca", LK3_LOCAL_CA_DIR=folder):
        signer = signing.letter_signer()
        receipt = receipt_of(office)
    authority = LocalAuthority(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {path.name: stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()} == {
        "root.pem": 0o600,
        "institution.p12": 0o600,
    }
    # Nothing is left of the drafts it was assembled in.
    assert [path.name for path in folder.parent.iterdir()] == ["signing"]
    assert signer.certificate.trusted and signer.certificate.subject.startswith(
        f"CN={institution_profile().short_name}"
    )
    _embedded, status = validated(stored_bytes(receipt), authority.root_file)
    assert status.bottom_line
    # Made once: a second process finds it and signs with the same key.
    key_file = authority.key_file.read_bytes()
    ensure_local_authority(folder, institution="another")
    assert authority.key_file.read_bytes() == key_file
    assert receipt.certificate_fingerprint == signer.certificate.fingerprint


def test_the_deploy_check_accepts_a_trusted_key_only():
    def problems() -> set[str]:
        return {
            message.id
            for message in signing.check_signing_key(None)
            if message.id.startswith("letters.")
        }

    assert problems() == set()
    with override_settings(LK3_SIGNING_KEY="local-ca"):
        assert problems() == {"letters.E002"}
    with override_settings(LK3_SIGNING_KEY="pkcs12", LK3_SIGNING_PKCS12_PASSPHRASE="wrong"):
        assert problems() == {"letters.E001"}
        with pytest.raises(signing.SigningUnavailable, match="LK3_SIGNING_PKCS12_PASSPHRASE"):
            signing.letter_signer()
    with override_settings(LK3_SIGNING_TRUST_ROOTS=[]):
        assert problems() == {"letters.W002"}


SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN = "lk3-test"
PIN = "1234"


@pytest.fixture(scope="module")
def token_authority(tmp_path_factory) -> LocalAuthority:
    """A SoftHSM2 token holding the institution's key (of an authority of its own) and the
    certificates: the key is imported with SoftHSM's tool, the certificates over PKCS#11."""
    assert shutil.which("softhsm2-util") and Path(SOFTHSM_MODULE).is_file(), (
        "SoftHSM2 is missing: `make install-test` installs it (Debian's softhsm2)"
    )
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    config = folder / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOFTHSM2_CONF", str(config))
        authority = ensure_local_authority(folder / "authority", institution="LK3 Token")
        key, certificate, chain = pkcs12.load_key_and_certificates(
            authority.key_file.read_bytes(), None
        )
        key_file = folder / "key.pem"
        key_file.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
        tool = ["softhsm2-util", "--pin", PIN]
        subprocess.run(
            [*tool, "--init-token", "--free", "--label", TOKEN, "--so-pin", "123456"],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [*tool, "--import", str(key_file), "--token", TOKEN, "--label", "institution",
             "--id", "01"],
            check=True,
            capture_output=True,
        )  # fmt: skip
        key_file.unlink()
        token = pkcs11.lib(SOFTHSM_MODULE).get_token(token_label=TOKEN)
        with token.open(rw=True, user_pin=PIN) as session:
            for label, cert, object_id in [
                ("institution", certificate, b"\x01"),
                ("root", chain[0], b"\x02"),
            ]:
                session.create_object(
                    {
                        pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE,
                        pkcs11.Attribute.CERTIFICATE_TYPE: pkcs11.CertificateType.X_509,
                        pkcs11.Attribute.TOKEN: True,
                        pkcs11.Attribute.LABEL: label,
                        pkcs11.Attribute.ID: object_id,
                        pkcs11.Attribute.SUBJECT: cert.subject.public_bytes(),
                        pkcs11.Attribute.VALUE: cert.public_bytes(Encoding.DER),
                    }
                )
        yield authority


def on_the_token(authority: LocalAuthority, **overrides: str) -> override_settings:
    token = {
        "LK3_SIGNING_KEY": "pkcs11",
        "LK3_SIGNING_PKCS11_MODULE": SOFTHSM_MODULE,
        "LK3_SIGNING_PKCS11_TOKEN": TOKEN,
        "LK3_SIGNING_PKCS11_KEY": "institution",
        "LK3_SIGNING_PKCS11_PIN": PIN,
        "LK3_SIGNING_TRUST_ROOTS": [str(authority.root_file)],
    }
    return override_settings(**{**token, **overrides})


def test_a_key_on_a_pkcs11_token_signs(office, token_authority):
    with on_the_token(token_authority):
        receipt = receipt_of(office)
    receipt.refresh_from_db()
    _embedded, status = validated(stored_bytes(receipt), token_authority.root_file)
    assert status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    _key, certificate, _chain = pkcs12.load_key_and_certificates(
        token_authority.key_file.read_bytes(), None
    )
    token_certificate = hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()
    assert receipt.certificate_fingerprint == token_certificate
    assert receipt.certificate_subject == "CN=LK3 Token,O=LK3 Token,C=ID"
    assert receipt.certificate_trusted


def test_a_wrong_pin_leaves_the_letters_waiting(office, token_authority):
    case = office.register()
    with on_the_token(token_authority, LK3_SIGNING_PKCS11_PIN="0000"):
        with pytest.raises(signing.SigningUnavailable, match="PKCS#11 token 'lk3-test'"):
            signing.letter_signer()
        assert letter_services.render_pending_letters() == 0
    assert PendingRendering.objects.filter(letter__case=case).count() == 2
