"""A throw-away certificate authority and a loopback server certificate.

Clients must verify TLS against a CA bundle they chose (``AUTHSOME_NB_CA_BUNDLE``), exactly
as with a corporate proxy; so the emulator serves HTTPS from its own CA instead of turning
verification off.  Keys are EC P-256 (fast to make) and cached per process, so starting many
emulators in one test run costs one key generation.  A CA kept in a state directory is
reused, so clients that trust it keep working across emulator restarts.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_LOCK = threading.Lock()
_PROCESS_CA: CertificateAuthority | None = None
_CONTEXTS: dict[bytes, ssl.SSLContext] = {}


@dataclass(frozen=True)
class CertificateAuthority:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())

    @property
    def fingerprint(self) -> bytes:
        return self.cert.fingerprint(hashes.SHA256())


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "authsome_nb emulator"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _validity() -> tuple[dt.datetime, dt.datetime]:
    now = dt.datetime.now(dt.UTC)
    return now - dt.timedelta(days=1), now + dt.timedelta(days=3650)


def create_ca() -> CertificateAuthority:
    key = ec.generate_private_key(ec.SECP256R1())
    start, end = _validity()
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("authsome_nb emulator CA"))
        .issuer_name(_name("authsome_nb emulator CA"))
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return CertificateAuthority(key, cert)


def _leaf(ca: CertificateAuthority) -> tuple[bytes, bytes]:
    """A server certificate for 127.0.0.1, localhost and ::1, signed by ``ca`` (PEMs)."""
    key = ec.generate_private_key(ec.SECP256R1())
    start, end = _validity()
    san = x509.SubjectAlternativeName([
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1")),
    ])
    ca_ski = ca.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(san, critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                       critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def process_ca() -> CertificateAuthority:
    """The CA shared by every emulator of this process that has no state directory."""
    global _PROCESS_CA
    with _LOCK:
        if _PROCESS_CA is None:
            _PROCESS_CA = create_ca()
        return _PROCESS_CA


def load_or_create_ca(state_dir: Path) -> CertificateAuthority:
    """The CA kept in ``state_dir`` (``ca.pem`` + ``ca-key.pem``), created on first use."""
    cert_path, key_path = state_dir / "ca.pem", state_dir / "ca-key.pem"
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return CertificateAuthority(key, cert)
    ca = create_ca()
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(ca.key_pem)
    return ca


def server_context(ca: CertificateAuthority) -> ssl.SSLContext:
    """A TLS server context for a leaf signed by ``ca``; one per CA per process."""
    with _LOCK:
        cached = _CONTEXTS.get(ca.fingerprint)
        if cached is not None:
            return cached
        cert_pem, key_pem = _leaf(ca)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        # load_cert_chain only reads files: write them privately, load, delete at once.
        with tempfile.TemporaryDirectory(prefix="authsome-emulator-tls-") as tmp:
            chain = Path(tmp) / "server.pem"
            fd = os.open(chain, os.O_WRONLY | os.O_CREAT, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(cert_pem + key_pem)
            context.load_cert_chain(chain)
        _CONTEXTS[ca.fingerprint] = context
        return context
