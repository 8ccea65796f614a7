"""The broker's CA can sign only for the routed hosts (X.509 Name Constraints), and a verifier
that trusts it still refuses it for any other name."""

from __future__ import annotations

import socket
import ssl
import threading

import pytest
from cryptography import x509

from authsome_nb.broker._ca import BrokerCA
from authsome_nb.broker._routes import Route, RouteTable, dns_suffix


def _handshake(ca: BrokerCA, host: str, server_name: str) -> None:
    """A TLS handshake with a server presenting the CA's leaf for ``host``, verified as
    ``server_name`` by a client that trusts only the CA."""
    client_context = ssl.create_default_context(cadata=ca.pem.decode())
    server_context = ca.server_context(host)
    left, right = socket.socketpair()
    errors: list[BaseException] = []

    def serve() -> None:
        try:
            with server_context.wrap_socket(right, server_side=True):
                pass
        except (ssl.SSLError, OSError) as exc:
            errors.append(exc)

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        with client_context.wrap_socket(left, server_hostname=server_name):
            pass
    finally:
        left.close()
        thread.join()


def test_the_ca_is_name_constrained_to_the_routed_hosts(tmp_path):
    ca = BrokerCA(tmp_path, ["graph.microsoft.com", "googleapis.com"], ["127.0.0.1"])
    constraints = ca.certificate.extensions.get_extension_for_class(x509.NameConstraints)
    assert constraints.critical
    permitted = {str(getattr(name, "value", name)) for name in constraints.value.permitted_subtrees}
    assert permitted == {"graph.microsoft.com", "googleapis.com", "127.0.0.1/32"}
    assert ca.permits("graph.microsoft.com") and ca.permits("sheets.googleapis.com")
    assert not ca.permits("login.microsoftonline.com") and not ca.permits("127.0.0.2")


def test_a_routed_host_verifies_and_any_other_name_is_refused(tmp_path):
    ca = BrokerCA(tmp_path, ["graph.microsoft.com"], ["127.0.0.1"])
    _handshake(ca, "graph.microsoft.com", "graph.microsoft.com")
    _handshake(ca, "127.0.0.1", "127.0.0.1")
    # The CA signs a leaf for a host outside its constraints; OpenSSL refuses the chain.
    with pytest.raises(ssl.SSLCertVerificationError, match="(?i)name constraint|permitted"):
        _handshake(ca, "www.bank.example", "www.bank.example")
    assert not list(tmp_path.iterdir())  # leaf files are gone once loaded


def test_the_constraints_follow_the_route_table():
    import re

    table = RouteTable.of([
        Route("microsoft", "default", "graph.microsoft.com"),
        Route("emulator", "default", "127.0.0.1:8443"),
        Route("google", "default", None, pattern=re.compile(r"[a-z0-9-]+\.googleapis\.com")),
        Route("loose", "default", None, pattern=re.compile(r".*")),
    ])
    assert table.constraint_names() == (["googleapis.com", "graph.microsoft.com"],
                                         ["127.0.0.1"])
    assert dns_suffix(r"api\.example\.org") == "api.example.org"
    assert dns_suffix(r"[a-z]+-api\.example\.org") == "example.org"
    assert dns_suffix(r"(a|b)\.com") is None
