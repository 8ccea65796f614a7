"""What servers say is bounded and checked: polling intervals, code lifetimes, where issuer
discovery looks, and which ``iss`` a sign-in without a known issuer may take."""

from __future__ import annotations

import pytest

from authsome_nb.flows._waits import code_lifetime, poll_interval
from authsome_nb.flows.oauth2._discovery import candidate_urls, issuer_is_plausible


@pytest.mark.parametrize(("said", "kept"), [
    (None, 5), ("", 5), ("soon", 5), (float("nan"), 5), (True, 5), (5, 5), ("7", 7),
    (0, 1), (-3, 1), (0.01, 1), (61, 60), (1e999, 60), (float("inf"), 60), ("1e999", 60),
])
def test_a_polling_interval_is_kept_within_one_and_sixty_seconds(said, kept):
    assert poll_interval(said) == kept


@pytest.mark.parametrize(("said", "kept"), [
    (None, 900), (-5, 900), (0, 900), (1e999, 86400), ("1800", 1800), (0.2, 1)])
def test_a_device_code_lives_between_a_second_and_a_day(said, kept):
    assert code_lifetime(said) == kept


def test_discovery_tries_each_path_prefix_longest_first_both_ways():
    assert candidate_urls("https://id.example/op/auth") == [
        ("https://id.example/op", "https://id.example/op/.well-known/openid-configuration"),
        ("https://id.example/op",
         "https://id.example/.well-known/oauth-authorization-server/op"),
        ("https://id.example", "https://id.example/.well-known/openid-configuration"),
        ("https://id.example", "https://id.example/.well-known/oauth-authorization-server"),
    ]


@pytest.mark.parametrize(("iss", "taken"), [
    ("https://id.example/op", True), ("https://id.example", True),
    ("https://id.example/", True), ("https://id.example/op/auth", True),
    ("https://id.example/o", False),  # a prefix of the text, not of the path
    ("https://id.example/other", False), ("http://id.example/op", False),
    ("https://id.example:8443/op", False), ("https://evil.example/op", False),
    ("https://id.example/op?x=1", False),
])
def test_without_a_known_issuer_an_iss_must_be_the_endpoints_own(iss, taken):
    assert issuer_is_plausible(iss, "https://id.example/op/auth") is taken
