"""A certificate authority of this installation only, for the demo and the tests.

It issues one certificate, the institution's, and keeps the institution's key in a PKCS#12 file
beside the authority's root certificate. The authority's own key is thrown away once that
certificate is issued: nobody can issue another certificate under its name, not even from this
folder. No one outside the installation trusts it; production signs with a key that a certified
authority vouches for (see `letters.signing`).

The folder is private like the letter files (0700, files 0600) and appears whole or not at all:
it is assembled under a temporary name and renamed into place, so two processes starting at once
(the server and the worker of `make run`) cannot leave half an authority behind.
"""

import contextlib
import datetime
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from lk3_flow.private_files import FILE_MODE, FOLDER_MODE

ROOT_FILE = "root.pem"
KEY_FILE = "institution.p12"
ROOT_NAME = "LK3 Flow local demo CA"
ROOT_YEARS = 20
INSTITUTION_YEARS = 10
# Certificates are dated a little in the past, so that a clock a few minutes behind still
# finds them valid.
BACKDATE = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class LocalAuthority:
    folder: Path

    @property
    def root_file(self) -> Path:
        """The authority's certificate: the trust root of letters signed by this installation."""
        return self.folder / ROOT_FILE

    @property
    def key_file(self) -> Path:
        """The institution's key with its certificate and the root, as PKCS#12."""
        return self.folder / KEY_FILE


def ensure_local_authority(
    folder: Path, *, institution: str, passphrase: str = ""
) -> LocalAuthority:
    """The authority in `folder`, created with the institution's certificate if it is not there."""
    authority = LocalAuthority(Path(folder))
    if authority.key_file.is_file() and authority.root_file.is_file():
        return authority
    authority.folder.parent.mkdir(parents=True, exist_ok=True)
    draft = Path(tempfile.mkdtemp(prefix=".local-ca-", dir=authority.folder.parent))
    try:
        os.chmod(draft, FOLDER_MODE)
        root, key_file = _issue(institution, passphrase)
        _write_private(draft / ROOT_FILE, root)
        _write_private(draft / KEY_FILE, key_file)
        with contextlib.suppress(OSError):
            # Whoever renames first wins; the loser's draft is removed below.
            os.rename(draft, authority.folder)
    finally:
        shutil.rmtree(draft, ignore_errors=True)
    if not authority.key_file.is_file():
        raise FileNotFoundError(f"No local certificate authority in {authority.folder}")
    return authority


def _name(institution: str, common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, institution),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _issue(institution: str, passphrase: str) -> tuple[bytes, bytes]:
    """The root certificate (PEM) and the institution's key and certificate (PKCS#12)."""
    now = datetime.datetime.now(datetime.UTC) - BACKDATE
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name(institution, ROOT_NAME)
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=365 * ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(institution, institution)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=365 * INSTITUTION_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    bundle = pkcs12.serialize_key_and_certificates(
        institution.encode(), key, certificate, [root], encryption
    )
    return root.public_bytes(serialization.Encoding.PEM), bundle


def _key_usage(**granted: bool) -> x509.KeyUsage:
    usages = {
        "digital_signature": False,
        "content_commitment": False,
        "key_encipherment": False,
        "data_encipherment": False,
        "key_agreement": False,
        "key_cert_sign": False,
        "crl_sign": False,
        "encipher_only": False,
        "decipher_only": False,
    }
    return x509.KeyUsage(**{**usages, **granted})


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
