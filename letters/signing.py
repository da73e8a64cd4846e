"""Electronic signatures on letters: PAdES with pyHanko, behind one small interface.

The institution's certificate signs every letter; the signature's name, reason and location and
its visible stamp name the person who signs for it and their position. Which key signs is a
setting (`LK3_SIGNING_KEY`): a PKCS#12 file, a PKCS#11 token, or for the demo a certificate
authority of this installation (`letters.local_ca`). A certified signing service (BSrE, under
PP 71/2019) can stand behind the same `LetterSigner`: it is handed the PDF, the place of the
stamp and what the signature says, and gives back the signed bytes.

Where the time of one signature goes (a one-page letter with an ECDSA P-256 key, on a busy
2-core machine where WeasyPrint renders it in 65 to 110 ms), and what is cut:
- importing pyHanko (about 0.5 s), loading the key and checking its certificate's trust
  (15 ms; a token's session is opened and its certificates read) and the first signature's
  warm-up (35 ms): once per process, never per letter;
- pyHanko's size estimate for the signature: a whole trial signature before the real one,
  14 of 32 ms. The size depends on the key and its certificates only: estimated once per key,
  a signature takes 18 ms;
- of those, building and encoding the CMS structure (asn1crypto) is about 70%, parsing the PDF
  6%, writing the incremental update and hashing it 7%, the stamp 2%; the key operation well
  under 1 ms;
- the stamp is set in pyHanko's built-in Courier (not embedded): no font is subset per letter;
- no validation on the signer's side (no validation context, so no revocation fetching): the
  certificate's trust is checked once, when the key is loaded.
"""

import asyncio
import datetime
import functools
import hashlib
import io
import logging
import textwrap
import threading
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pkcs11
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core import checks
from django.utils import dateformat, timezone, translation
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathError, ValidationError

from .local_ca import LocalAuthority, ensure_local_authority
from .rendering import StampPlace

logger = logging.getLogger(__name__)

Result = TypeVar("Result")


def _outside_event_loop(call: Callable[[], Result]) -> Result:
    """pyHanko's synchronous calls run an event loop of their own (asyncio.run), which a thread
    that already runs one cannot: an asynchronous server's, or a browser test's driver. There
    the call runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


PKCS12 = "pkcs12"
PKCS11 = "pkcs11"
LOCAL_CA = "local-ca"
SETTINGS = frozenset(
    {
        "LK3_SIGNING_KEY",
        "LK3_SIGNING_PKCS12_FILE",
        "LK3_SIGNING_PKCS12_PASSPHRASE",
        "LK3_SIGNING_PKCS11_MODULE",
        "LK3_SIGNING_PKCS11_TOKEN",
        "LK3_SIGNING_PKCS11_KEY",
        "LK3_SIGNING_PKCS11_PIN",
        "LK3_SIGNING_TRUST_ROOTS",
        "LK3_LOCAL_CA_DIR",
    }
)
FIELD_NAME = "TandaTanganElektronik"
DIGEST = "sha256"
# What a document-signing certificate must allow: pyHanko's validation asks the same.
KEY_USAGE = frozenset({"non_repudiation"})
# Courier at 7 pt is 4.2 pt a character: 28 of them fill the 4.6 cm stamp of the letters'
# stylesheet within its margins, and seven lines its 2.1 cm. pyHanko shrinks the text to fit
# more lines or a smaller box. (pyHanko takes whole points only.)
STAMP_FONT_SIZE = 7
STAMP_LINE_LENGTH = 28
_STAMP_LAYOUT = layout.SimpleBoxLayoutRule(
    x_align=layout.AxisAlignment.ALIGN_MIN,
    y_align=layout.AxisAlignment.ALIGN_MID,
    margins=layout.Margins.uniform(2),
)
STAMP_STYLE = TextStampStyle(
    stamp_text="%(text)s",
    border_width=1,
    text_box_style=TextBoxStyle(font_size=STAMP_FONT_SIZE, box_layout_rule=_STAMP_LAYOUT),
    inner_content_layout=_STAMP_LAYOUT,
)


class SigningUnavailable(Exception):
    """There is no key to sign letters with: none is configured, or it cannot be loaded."""


@dataclass(frozen=True)
class CertificateFacts:
    """What the verification page says about the certificate that signs."""

    subject: str
    issuer: str
    serial: str
    fingerprint: str
    # Whether it chains to a configured trust root and may sign documents.
    trusted: bool

    @property
    def issuer_name(self) -> str:
        """The issuer's common name, short enough for the stamp."""
        name = x509.Name.from_rfc4514_string(self.issuer)
        common_names = name.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(common_names[0].value) if common_names else self.issuer


@dataclass(frozen=True)
class SignatureText:
    """What a signature says besides its certificate: who signs for the institution and as
    what, which letter, where and when."""

    signer_name: str
    signer_position: str
    letter_number: str
    location: str
    signed_at: datetime.datetime


class LetterSigner(Protocol):
    """Signs a letter's PDF with the institution's certificate."""

    @property
    def certificate(self) -> CertificateFacts: ...

    def sign(self, pdf: bytes, *, stamp: StampPlace | None, text: SignatureText) -> bytes:
        """The signed PDF: a PAdES signature, visible at `stamp` (invisible without one)."""
        ...


class PyHankoSigner:
    """A key pyHanko can sign with: a PKCS#12 file's, or a PKCS#11 token's."""

    def __init__(self, signer: signers.Signer, certificate: CertificateFacts) -> None:
        self._signer = signer
        self._certificate = certificate
        # A token's session serves one signature at a time; a thread waits for the other's.
        self._lock = threading.Lock()
        self._bytes_reserved: int | None = None

    @property
    def certificate(self) -> CertificateFacts:
        return self._certificate

    def sign(self, pdf: bytes, *, stamp: StampPlace | None, text: SignatureText) -> bytes:
        metadata = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            md_algorithm=DIGEST,
            subfilter=fields.SigSeedSubFilter.PADES,
            name=text.signer_name,
            reason=f"{text.signer_position}, surat nomor {text.letter_number}",
            location=text.location,
        )
        field = fields.SigFieldSpec(
            FIELD_NAME,
            on_page=stamp.page if stamp else 0,
            box=stamp.box if stamp else None,
        )
        pdf_signer = signers.PdfSigner(
            metadata, self._signer, new_field_spec=field, stamp_style=STAMP_STYLE
        )
        with self._lock:
            signed = _outside_event_loop(
                lambda: pdf_signer.sign_pdf(
                    IncrementalPdfFileWriter(io.BytesIO(pdf)),
                    bytes_reserved=self._room_for_signature(),
                    appearance_text_params={"text": stamp_text(text, self._certificate)},
                )
            )
        return signed.getvalue()

    def _room_for_signature(self) -> int:
        """How many bytes the PDF keeps for the signature: pyHanko's own estimate (a trial
        signature, with its margin), made once per key rather than before every letter, since
        the size depends on the key and its certificates only."""
        if self._bytes_reserved is None:
            trial = _outside_event_loop(
                lambda: asyncio.run(
                    self._signer.async_sign(
                        hashlib.new(DIGEST).digest(),
                        DIGEST,
                        dry_run=True,
                        use_pades=True,
                        signed_attr_settings=PdfCMSSignedAttributes(signing_time=timezone.now()),
                    )
                )
            )
            hex_length = len(trial.dump()) * 2
            self._bytes_reserved = hex_length + 2 * (hex_length // 4)
        return self._bytes_reserved


def stamp_text(text: SignatureText, certificate: CertificateFacts) -> str:
    """The visible stamp, in the letter's language; in the Latin-1 letters the stamp's
    built-in font can show."""
    with translation.override("id"):
        when = dateformat.format(timezone.localtime(text.signed_at), "j F Y H:i T")
    lines = [
        "Ditandatangani secara",
        f"elektronik oleh {text.signer_name}",
        text.signer_position,
        when,
        f"Penerbit sertifikat: {certificate.issuer_name}",
    ]
    wrapped = [part for line in lines for part in textwrap.wrap(line, STAMP_LINE_LENGTH)]
    return _latin1("\n".join(wrapped))


def _latin1(text: str) -> str:
    """Letters outside Latin-1 lose their accents (ī → i); what has none left becomes '?'."""
    shown = []
    for character in text:
        if ord(character) < 256:
            shown.append(character)
            continue
        bare = unicodedata.normalize("NFKD", character).encode("latin-1", "ignore")
        shown.append(bare.decode("latin-1") or "?")
    return "".join(shown)


# One key per process: reading it (or opening its token) is what costs, and a token may
# refuse a second session.
_loading = threading.Lock()


def letter_signer() -> LetterSigner:
    """The configured signer, loaded once per process; SigningUnavailable if there is none."""
    with _loading:
        try:
            return _configured_signer()
        except SigningUnavailable as error:
            # The worker logs a failed letter by its error's class; this says what to mend.
            logger.error("Letters cannot be signed: %s", error)
            raise


@functools.cache
def _configured_signer() -> LetterSigner:
    kind = settings.LK3_SIGNING_KEY
    if kind == PKCS12:
        signer = _pkcs12_signer(
            Path(settings.LK3_SIGNING_PKCS12_FILE), settings.LK3_SIGNING_PKCS12_PASSPHRASE
        )
    elif kind == PKCS11:
        signer = _pkcs11_signer()
    elif kind == LOCAL_CA:
        authority = _local_authority()
        signer = _pkcs12_signer(authority.key_file, "")
    elif not kind:
        raise SigningUnavailable("No key to sign letters with: LK3_SIGNING_KEY is not set.")
    else:
        raise SigningUnavailable(
            f"LK3_SIGNING_KEY is {kind!r}; it must be {PKCS12!r}, {PKCS11!r} or {LOCAL_CA!r}."
        )
    return PyHankoSigner(signer, _certificate_facts(signer))


def _pkcs12_signer(path: Path, passphrase: str) -> signers.SimpleSigner:
    if not str(path) or not path.is_file():
        raise SigningUnavailable(f"The PKCS#12 file {path} (LK3_SIGNING_PKCS12_FILE) is missing.")
    try:
        return signers.SimpleSigner.load_pkcs12_data(
            path.read_bytes(), other_certs=[], passphrase=passphrase.encode() or None
        )
    except (OSError, ValueError) as error:
        raise SigningUnavailable(
            f"The PKCS#12 file {path} cannot be read with LK3_SIGNING_PKCS12_PASSPHRASE."
        ) from error


def _pkcs11_signer() -> PKCS11Signer:
    module = settings.LK3_SIGNING_PKCS11_MODULE
    token, key = settings.LK3_SIGNING_PKCS11_TOKEN, settings.LK3_SIGNING_PKCS11_KEY
    if not (module and token and key):
        raise SigningUnavailable(
            "A PKCS#11 key needs LK3_SIGNING_PKCS11_MODULE, LK3_SIGNING_PKCS11_TOKEN and "
            "LK3_SIGNING_PKCS11_KEY."
        )
    try:
        session = open_pkcs11_session(
            module,
            token_criteria=TokenCriteria(label=token),
            user_pin=settings.LK3_SIGNING_PKCS11_PIN or None,
        )
        # The token holds the key, its certificate under the same label, and the chain.
        signer = PKCS11Signer(session, key_label=key, other_certs_to_pull=None)
        # Read now, so that a missing key or certificate fails here and not in a letter.
        certificate = signer.signing_cert
        if certificate is None:
            raise SigningError("no certificate")
        # Many tokens (SoftHSM2 among them) sign with EC keys only by raw ECDSA: the digest is
        # computed here and the token signs that, which makes the same signature.
        signer.use_raw_mechanism = certificate.public_key.algorithm == "ec"
    except (pkcs11.PKCS11Error, SigningError, OSError, RuntimeError) as error:
        raise SigningUnavailable(
            f"The key {key!r} of the PKCS#11 token {token!r} cannot be used "
            f"({type(error).__name__})."
        ) from error
    return signer


def _local_authority() -> LocalAuthority:
    """The demo's authority, made on first use (`seed_demo` asks for it first)."""
    from .selectors import institution_profile

    authority = ensure_local_authority(
        Path(settings.LK3_LOCAL_CA_DIR), institution=institution_profile().short_name
    )
    # Its root is a trust root now, whether or not the roots were read before it existed.
    trust_roots.cache_clear()
    return authority


def _certificate_facts(signer: signers.Signer) -> CertificateFacts:
    certificate = signer.signing_cert
    if certificate is None:
        raise SigningUnavailable("The signing key has no certificate.")
    return CertificateFacts(
        **_name_facts(certificate),
        trusted=_chains_to_a_trust_root(certificate, list(signer.cert_registry)),
    )


def _name_facts(certificate: asn1_x509.Certificate) -> dict[str, str]:
    parsed = x509.load_der_x509_certificate(certificate.dump())
    return {
        "subject": parsed.subject.rfc4514_string(),
        "issuer": parsed.issuer.rfc4514_string(),
        "serial": format(parsed.serial_number, "X"),
        "fingerprint": hashlib.sha256(certificate.dump()).hexdigest(),
    }


def _chains_to_a_trust_root(
    certificate: asn1_x509.Certificate, intermediates: list[asn1_x509.Certificate]
) -> bool:
    validator = CertificateValidator(
        certificate, intermediate_certs=intermediates, validation_context=_validation_context()
    )
    try:
        _outside_event_loop(lambda: asyncio.run(validator.async_validate_usage(set(KEY_USAGE))))
    except (PathError, ValidationError) as error:
        logger.warning("The signing certificate is not trusted: %s", type(error).__name__)
        return False
    return True


@functools.cache
def trust_roots() -> tuple[asn1_x509.Certificate, ...]:
    """The configured roots (and the local authority's, when it signs), read once."""
    paths = [Path(path) for path in settings.LK3_SIGNING_TRUST_ROOTS]
    if settings.LK3_SIGNING_KEY == LOCAL_CA:
        local_root = LocalAuthority(Path(settings.LK3_LOCAL_CA_DIR)).root_file
        if local_root.is_file():
            paths.append(local_root)
    roots = []
    for path in paths:
        try:
            roots.extend(load_certs_from_pemder_data(path.read_bytes()))
        except (OSError, ValueError):
            logger.error("The trust root %s cannot be read", path)
    return tuple(roots)


def _validation_context() -> ValidationContext:
    """Only the configured roots (never the system's), and nothing fetched from the network."""
    return ValidationContext(trust_roots=list(trust_roots()), allow_fetching=False)


def forget_loaded_keys(*, setting: str, **kwargs: Any) -> None:
    """A `setting_changed` receiver: tests switch keys and trust roots."""
    if setting in SETTINGS:
        with _loading:
            _configured_signer.cache_clear()
            trust_roots.cache_clear()


class Verdict(StrEnum):
    """What the signature of an uploaded copy says."""

    UNREADABLE = "unreadable"
    UNSIGNED = "unsigned"
    MODIFIED = "modified"
    UNTRUSTED = "untrusted"
    TRUSTED = "trusted"


@dataclass(frozen=True)
class SignatureCheck:
    verdict: Verdict
    subject: str = ""
    signed_at: datetime.datetime | None = None


def check_signature(pdf: bytes) -> SignatureCheck:
    """Validate the first signature of a PDF anyone may upload.

    A copy is intact only if the signature covers the whole file: anything appended after it (an
    incremental update, a second signature) counts as a change. A file pyHanko cannot read, for
    whatever reason a hostile file gives it, is unreadable, never an error page.
    """
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
        if not embedded:
            return SignatureCheck(Verdict.UNSIGNED)
        status = _outside_event_loop(
            lambda: validate_pdf_signature(
                embedded[0], signer_validation_context=_validation_context(), skip_diff=True
            )
        )
    except Exception as error:
        # Parsers of hostile files raise anything; the class is enough to tell a bug apart.
        logger.info("An uploaded copy could not be read: %s", type(error).__name__)
        return SignatureCheck(Verdict.UNREADABLE)
    subject = _name_facts(status.signing_cert)["subject"] if status.signing_cert else ""
    if (
        not (status.intact and status.valid)
        or status.coverage != SignatureCoverageLevel.ENTIRE_FILE
    ):
        verdict = Verdict.MODIFIED
    elif status.trusted:
        verdict = Verdict.TRUSTED
    else:
        verdict = Verdict.UNTRUSTED
    return SignatureCheck(verdict, subject=subject, signed_at=status.signer_reported_dt)


@checks.register(checks.Tags.security, deploy=True)
def check_signing_key(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """A production site must sign its letters with a key others can trust."""
    hint = (
        "Set LK3_SIGNING_KEY=pkcs12 with LK3_SIGNING_PKCS12_FILE and "
        "LK3_SIGNING_PKCS12_PASSPHRASE, or LK3_SIGNING_KEY=pkcs11 with "
        "LK3_SIGNING_PKCS11_MODULE, _TOKEN, _KEY and _PIN (see README)."
    )
    if settings.LK3_SIGNING_KEY == LOCAL_CA:
        return [
            checks.Error(
                "Letters are signed by the local demo certificate authority, which nobody "
                "outside this installation trusts.",
                hint=hint,
                id="letters.E002",
            )
        ]
    try:
        signer = letter_signer()
    except SigningUnavailable as error:
        return [checks.Error(f"No letter file can be made: {error}", hint=hint, id="letters.E001")]
    if not trust_roots():
        return [
            checks.Warning(
                "No trust roots are configured: the verification page calls every letter's "
                "certificate untrusted.",
                hint="Name the root certificates' PEM files in LK3_SIGNING_TRUST_ROOTS.",
                id="letters.W002",
            )
        ]
    if not signer.certificate.trusted:
        return [
            checks.Warning(
                "The signing certificate does not chain to a root of "
                "LK3_SIGNING_TRUST_ROOTS, or may not sign documents: the verification page "
                "calls it untrusted.",
                hint="Add its root (and check its key usage: non-repudiation).",
                id="letters.W003",
            )
        ]
    return []
