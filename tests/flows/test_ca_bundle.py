"""The CA bundle in force: ours first, then requests', then OpenSSL's; a wrong path is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from authsome_nb._tls import ca_bundle, ssl_context
from authsome_nb.errors import ConfigurationError


@pytest.fixture
def bundles(tmp_path, monkeypatch):
    import certifi

    paths = {}
    for name in ("AUTHSOME_NB_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):
        path = tmp_path / f"{name}.pem"
        path.write_bytes(Path(certifi.where()).read_bytes())
        paths[name] = str(path)
        monkeypatch.delenv(name, raising=False)
    return paths


@pytest.mark.parametrize(
    ("set_names", "wins"),
    [
        (("AUTHSOME_NB_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"), "AUTHSOME_NB_CA_BUNDLE"),
        (("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"), "REQUESTS_CA_BUNDLE"),
        (("SSL_CERT_FILE",), "SSL_CERT_FILE"),
    ],
)
def test_order_of_the_bundles(bundles, monkeypatch, set_names, wins):
    for name in set_names:
        monkeypatch.setenv(name, bundles[name])
    assert ca_bundle() == (bundles[wins], wins)


def test_no_variable_means_certifi(bundles):
    assert ca_bundle() == (None, None)
    assert ssl_context().verify_mode.name == "CERT_REQUIRED"


def test_a_missing_bundle_file_is_named(bundles, monkeypatch, tmp_path):
    monkeypatch.setenv("AUTHSOME_NB_CA_BUNDLE", str(tmp_path / "nope.pem"))
    with pytest.raises(ConfigurationError, match="AUTHSOME_NB_CA_BUNDLE points to .*nope.pem"):
        ssl_context()


def test_the_context_follows_the_bundle_in_force(bundles, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", bundles["SSL_CERT_FILE"])
    first = ssl_context()
    assert ssl_context() is first  # cached
    monkeypatch.setenv("AUTHSOME_NB_CA_BUNDLE", bundles["AUTHSOME_NB_CA_BUNDLE"])
    assert ssl_context() is not first
