"""The broker's certificate authority: made per run, limited to the hosts it may sign for.

A child process must trust our CA to talk TLS to the proxy for an intercepted host, so a CA
that leaked from a run could be used to impersonate any site to that child — unless it cannot
sign for any site.  X.509 Name Constraints (RFC 5280, 4.2.1.10; enforced by OpenSSL, Go and
browsers) limit it to the routed hosts: a ``dNSName`` per host name (a ``regex:`` host by its
DNS suffix) and an ``iPAddress`` per address (``127.0.0.1/32`` for the emulator).  The CA lives
for one run (or one kernel-wide session): its key never touches a disk outside the run's
private folder, which goes when the run ends.  Keys are P-256: made in a millisecond.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
from collections.abc import Iterable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LIFETIME = datetime.timedelta(days=30)  # the CA dies with its run long before this
_BACKDATE = datetime.timedelta(minutes=5)  # clock skew between us and a child


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


class BrokerCA:
    """A CA that may sign only for ``names`` (DNS names and suffixes) and ``addresses``."""

    def __init__(self, folder: Path, names: Iterable[str], addresses: Iterable[str]) -> None:
        self.folder = folder
        self._key = _key()
        self._leaf_key = _key()  # one key for every leaf of this run
        self._leaf_key_pem = self._leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())
        self.names = tuple(sorted({n.lower().rstrip(".") for n in names}))
        self.addresses = tuple(sorted({str(_ip(a)) for a in addresses if _ip(a)}))
        self.certificate = self._make_ca()
        self.pem = self.certificate.public_bytes(serialization.Encoding.PEM)
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()

    def _make_ca(self) -> x509.Certificate:
        subtrees: list[x509.GeneralName] = [x509.DNSName(n) for n in self.names]
        subtrees += [x509.IPAddress(ipaddress.ip_network(a)) for a in self.addresses]
        # Nothing routed: a CA that may sign only for the reserved ".invalid" (RFC 6761).
        subtrees = subtrees or [x509.DNSName("invalid")]
        name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "authsome_nb"),
                          x509.NameAttribute(NameOID.COMMON_NAME, "authsome_nb broker (one run)")])
        now = datetime.datetime.now(datetime.UTC)
        public = self._key.public_key()
        return (
            x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(public).serial_number(x509.random_serial_number())
            .not_valid_before(now - _BACKDATE).not_valid_after(now + LIFETIME)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.NameConstraints(permitted_subtrees=subtrees,
                                                excluded_subtrees=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .sign(self._key, hashes.SHA256())
        )

    def permits(self, host: str) -> bool:
        """Whether the name constraints let this CA sign for ``host`` (no port)."""
        address = _ip(host)
        if address is not None:
            return str(address) in self.addresses
        host = host.lower().rstrip(".")
        return any(host == n or host.endswith("." + n) for n in self.names)

    def server_context(self, host: str) -> ssl.SSLContext:
        """A TLS server context presenting a leaf for ``host`` (made once per host)."""
        with self._lock:
            context = self._contexts.get(host)
            if context is None:
                context = self._contexts[host] = self._leaf_context(host)
            return context

    def _leaf_context(self, host: str) -> ssl.SSLContext:
        address = _ip(host)
        alt: x509.GeneralName = (x509.IPAddress(address) if address is not None
                                 else x509.DNSName(host))
        now = datetime.datetime.now(datetime.UTC)
        public = self._leaf_key.public_key()
        leaf = (
            x509.CertificateBuilder()
            # No CN: OpenSSL checks a CN that looks like a host name against the DNS
            # constraints, which an address (127.0.0.1) is not in; the SAN names the host.
            .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME,
                                                        "authsome_nb broker")]))
            .issuer_name(self.certificate.subject).public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - _BACKDATE).not_valid_after(now + LIFETIME)
            .add_extension(x509.SubjectAlternativeName([alt]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                self._key.public_key()), critical=False)
            .sign(self._key, hashes.SHA256())
        )
        # ssl loads a chain only from a file: the run's private folder (0700) holds it for as
        # long as loading takes.
        path = self.folder / f"leaf-{len(self._contexts)}.pem"
        path.touch(mode=0o600)
        path.write_bytes(leaf.public_bytes(serialization.Encoding.PEM) + self.pem
                         + self._leaf_key_pem)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        try:
            context.load_cert_chain(path)
        finally:
            path.unlink()
        context.set_alpn_protocols(["http/1.1"])  # the proxy speaks HTTP/1.1 to its children
        return context
