"""Where the Hub service listens, and the one callback URL it tells kernels to use."""

from __future__ import annotations

import pytest

from authsome_nb.hub._service import bind_address, callback_url


@pytest.mark.parametrize("public_url, prefix, expected", [
    ("https://hub.example.org", "/services/authsome/",
     "https://hub.example.org/services/authsome/callback"),
    ("https://hub.example.org/services/authsome/", "/services/authsome/",  # the Hub's own
     "https://hub.example.org/services/authsome/callback"),
    ("https://example.org/jupyter/services/authsome/", "/jupyter/services/authsome/",
     "https://example.org/jupyter/services/authsome/callback"),
])
def test_the_callback_is_the_hubs_public_url_and_the_service_prefix(public_url, prefix,
                                                                   expected):
    assert callback_url(public_url, prefix) == expected


@pytest.mark.parametrize("host, listen_on", [
    ("127.0.0.1", "127.0.0.1"), ("localhost", "127.0.0.1"), ("10.0.0.7", "10.0.0.7"),
    ("hub", ""),  # Zero to JupyterHub: the hub pod's Service name, so every interface
])
def test_the_service_listens_where_its_url_points(host, listen_on):
    assert bind_address(host) == listen_on
