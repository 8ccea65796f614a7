"""When a throttled call is tried again, and after how long (no clock involved)."""

from __future__ import annotations

from email.utils import formatdate

from authsome_nb._graph._retry import RetryPolicy, retry_after_seconds


def test_retry_after_in_seconds_or_as_an_http_date():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(formatdate(1000.0 + 30, usegmt=True), now=1000.0) == 30.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_throttling_statuses_wait_what_the_server_says():
    policy = RetryPolicy()
    for status in (429, 503, 504):
        assert policy.delay(status, {"Retry-After": "3"}, "GET", 0) == 3.0
    assert policy.delay(500, {"Retry-After": "3"}, "GET", 0) is None
    assert policy.delay(200, {}, "GET", 0) is None


def test_without_retry_after_the_backoff_grows_is_capped_and_jittered():
    low = RetryPolicy(backoff_base=1.0, backoff_cap=8.0, jitter=lambda: 0.0)
    high = RetryPolicy(backoff_base=1.0, backoff_cap=8.0, jitter=lambda: 1.0)
    assert [low.delay(429, {}, "GET", n) for n in range(5)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert [high.delay(429, {}, "GET", n) for n in range(5)] == [1.0, 2.0, 4.0, 8.0, 8.0]


def test_retries_are_bounded_in_number_and_in_waiting():
    policy = RetryPolicy(max_retries=2, max_retry_after=60)
    assert policy.delay(429, {"Retry-After": "1"}, "GET", 1) == 1.0
    assert policy.delay(429, {"Retry-After": "1"}, "GET", 2) is None
    assert policy.delay(429, {"Retry-After": "600"}, "GET", 0) is None  # error, not a frozen cell


def test_a_gateway_timeout_is_not_retried_for_a_post_that_may_have_happened():
    policy = RetryPolicy()
    assert policy.delay(504, {"Retry-After": "1"}, "POST", 0) is None
    assert policy.delay(429, {"Retry-After": "1"}, "POST", 0) == 1.0
    assert policy.delay(504, {"Retry-After": "1"}, "DELETE", 0) == 1.0
