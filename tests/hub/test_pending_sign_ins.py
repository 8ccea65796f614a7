"""The Hub service's pending sign-ins: single use, short-lived, and only for their own user."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from authsome_nb.hub._sign_ins import Arrival, SignInLimit, SignIns


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _digest(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sign_ins(clock) -> SignIns:
    return SignIns(ttl=600, per_user=3, clock=clock)


def test_a_redirect_reaches_the_kernel_of_its_user_once(sign_ins):
    sign_ins.register("ada", _digest("s1"))
    assert sign_ins.status("ada", _digest("s1")).state == "waiting"
    redirect = {"code": "the-code", "state": "s1"}
    assert sign_ins.arrive(redirect, "ada") is Arrival.ACCEPTED
    assert sign_ins.arrive(redirect, "ada") is Arrival.UNKNOWN  # a replay finds nothing
    answered = sign_ins.status("ada", _digest("s1"))
    assert (answered.state, answered.params) == ("answered", redirect)
    assert sign_ins.status("ada", _digest("s1")).state == "unknown"  # handed out once
    assert len(sign_ins) == 0


def test_another_users_browser_is_refused_and_the_sign_in_ends(sign_ins):
    sign_ins.register("ada", _digest("s1"))
    assert sign_ins.arrive({"code": "bob's code", "state": "s1"}, "bob") is Arrival.FOREIGN
    assert sign_ins.arrive({"code": "c", "state": "s1"}, "ada") is Arrival.UNKNOWN
    assert sign_ins.status("ada", _digest("s1")).state == "refused"


def test_nobody_else_sees_or_withdraws_a_sign_in(sign_ins):
    sign_ins.register("ada", _digest("s1"))
    assert sign_ins.status("bob", _digest("s1")).state == "unknown"
    assert not sign_ins.withdraw("bob", _digest("s1"))
    with pytest.raises(ValueError, match="registered already"):
        sign_ins.register("bob", _digest("s1"))
    assert sign_ins.withdraw("ada", _digest("s1"))


def test_sign_ins_and_their_answers_expire(sign_ins, clock):
    sign_ins.register("ada", _digest("late"))
    sign_ins.register("ada", _digest("slow"))
    clock.now += 601
    assert sign_ins.arrive({"code": "c", "state": "late"}, "ada") is Arrival.EXPIRED
    clock.now -= 601
    assert sign_ins.arrive({"code": "c", "state": "slow"}, "ada") is Arrival.ACCEPTED
    clock.now += 61  # an answer nobody collects within a minute is dropped
    assert sign_ins.status("ada", _digest("slow")).state == "unknown"


def test_unknown_malformed_and_too_many_sign_ins_are_refused(sign_ins):
    assert sign_ins.arrive({"code": "c", "state": "never registered"}, "ada") is Arrival.UNKNOWN
    assert sign_ins.arrive({"code": "c"}, "ada") is Arrival.UNKNOWN
    assert sign_ins.arrive({"state": "x" * 513}, "ada") is Arrival.UNKNOWN
    with pytest.raises(ValueError, match="64 lowercase hex"):
        sign_ins.register("ada", "not a digest")
    for n in range(3):
        sign_ins.register("ada", _digest(f"s{n}"))
    with pytest.raises(SignInLimit):
        sign_ins.register("ada", _digest("one too many"))
    sign_ins.register("bob", _digest("bob's own"))  # the limit is per user


def test_a_long_poll_returns_as_soon_as_the_browser_is_back(sign_ins):
    sign_ins.register("ada", _digest("s1"))

    async def story():
        poll = asyncio.create_task(sign_ins.wait("ada", _digest("s1"), seconds=30))
        await asyncio.sleep(0.05)
        assert not poll.done()
        sign_ins.arrive({"code": "c", "state": "s1"}, "ada")
        return await asyncio.wait_for(poll, timeout=5)

    assert asyncio.run(story()).state == "answered"
