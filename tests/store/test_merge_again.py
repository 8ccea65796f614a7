"""A fenced write merged again onto a store another writer changed meanwhile."""

from __future__ import annotations

import copy

from authsome_nb.store._merge import merge_again


def store(**connections):
    return {"connections": connections}


SIGNED_IN = {"username": "ada@contoso.com", "tokens": "old", "refresh_error": "AADSTS50076"}


def test_a_connection_only_we_changed_takes_our_version_and_theirs_keep_their_changes():
    base = store(work=SIGNED_IN)
    ours = store(work={**SIGNED_IN, "tokens": "new"})
    theirs = store(work=SIGNED_IN, other={"username": "bob"})
    assert merge_again(base, ours, theirs) == store(work={**SIGNED_IN, "tokens": "new"},
                                                   other={"username": "bob"})


def test_a_connection_we_did_not_touch_keeps_theirs():
    base = store(work=SIGNED_IN)
    theirs = store(work={**SIGNED_IN, "tokens": "theirs"})
    assert merge_again(base, copy.deepcopy(base), theirs) == theirs


def test_a_sign_out_on_either_side_stays_a_sign_out():
    base = store(work=SIGNED_IN)
    refreshed_by_us = store(work={**SIGNED_IN, "tokens": "new"})
    assert merge_again(base, refreshed_by_us, store()) == store()  # they signed out
    assert merge_again(base, store(), store(work={**SIGNED_IN, "tokens": "x"})) == store()


def test_both_changed_one_connection_their_fields_and_the_fields_we_set_or_removed():
    base = store(work=SIGNED_IN)
    ours = store(work={"username": "ada@contoso.com", "tokens": "new"})  # refresh_error cleared
    theirs = store(work={**SIGNED_IN, "display_name": "Ada"})
    assert merge_again(base, ours, theirs) == store(
        work={"username": "ada@contoso.com", "tokens": "new", "display_name": "Ada"})


def test_a_field_we_removed_that_they_changed_keeps_their_value():
    base = store(work=SIGNED_IN)
    ours = store(work={"username": "ada@contoso.com", "tokens": "old"})
    theirs = store(work={**SIGNED_IN, "refresh_error": "AADSTS700082", "tokens": "t"})
    assert merge_again(base, ours, theirs)["connections"]["work"]["refresh_error"] == \
        "AADSTS700082"


def test_new_on_our_side_is_added_and_nothing_given_is_mutated():
    base, ours, theirs = store(), store(new={"username": "x"}), store(old={"username": "y"})
    frozen = copy.deepcopy((base, ours, theirs))
    merged = merge_again(base, ours, theirs)
    assert merged == store(new={"username": "x"}, old={"username": "y"})
    merged["connections"]["new"]["username"] = "changed"
    assert (base, ours, theirs) == frozen
