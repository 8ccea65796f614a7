"""Knobs are plain attributes, validated the same way however they are set."""

from __future__ import annotations

import pytest
from authsome_nb_emulator import Emulator, UnknownUserError


def test_knobs_are_attributes_validated_on_assignment(emu: Emulator) -> None:
    emu.throttle_every = 4
    emu.extra_response_scopes = "openid profile"
    assert emu.knobs["throttle_every"] == 4
    assert emu.extra_response_scopes == ["openid", "profile"]
    with pytest.raises(ValueError):
        emu.throttle_status = 500
    with pytest.raises(ValueError):
        emu.access_token_lifetime = 0
    with pytest.raises(UnknownUserError):
        emu.auto_consent_user = "nobody"
    with pytest.raises(AttributeError):
        emu.configure(no_such_knob=True)
    assert emu.configure(auto_approve_user="diego")["auto_approve_user"] == \
        "DiegoS@fabrikam.example"


def test_any_knob_can_be_given_to_the_constructor() -> None:
    emulator = Emulator(auto_consent_user="sam", next_link_host="localhost",
                        messages_per_user=3)
    assert emulator.auto_consent_user == "sam.taylor@outlook.example"
    assert emulator.next_link_host == "localhost" and emulator.messages_per_user == 3
    assert not emulator.running


def test_users_can_be_looked_up_and_added(emu: Emulator) -> None:
    assert emu.user("ADELE").upn == "AdeleV@contoso.example"
    assert emu.user("Megan Bowen").upn == "MeganB@contoso.example"
    assert emu.user("sam.taylor").kind == "personal"
    with pytest.raises(UnknownUserError):
        emu.user("nobody")

    lee = emu.add_user("Lee Gu", "LeeG@fabrikam.example")
    assert lee.tenant_id == emu.user("diego").tenant_id and lee in emu.users
    alex = emu.add_user("Alex Wilber", kind="personal")
    assert alex.upn == "alex.wilber@outlook.example" and alex.oid.startswith("00000000-0000")
    with pytest.raises(ValueError):
        emu.add_user("Lee Gu", "leeg@fabrikam.example")
