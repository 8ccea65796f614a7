"""Remedies name what to run as a Step, spelled as Python or as the magic, wherever shown."""

from __future__ import annotations

from authsome_nb.errors import GraphError, Step
from authsome_nb.sources import not_signed_in


def test_a_step_reads_as_python_and_as_the_magic():
    step = Step.of("login", "microsoft", "work", services=["outlook", "teams"], force=True,
                   tenant=None)
    assert step.python() == (
        "an.login('microsoft', connection='work', services=['outlook', 'teams'], force=True)")
    assert step.magic() == "%authsome login microsoft work --service outlook,teams --force"
    assert Step.of("login", "microsoft", "default").magic() == "%authsome login microsoft"
    assert Step.of("list").python() == "an.connections()"
    assert Step.of("login", "microsoft", scopes=["Mail.Read", "Mail.Send"]).magic() == (
        "%authsome login microsoft --scopes Mail.Read Mail.Send")
    assert Step.of("setup", "microsoft", tenant="my tenant").magic() == (
        "%authsome setup microsoft --tenant 'my tenant'")


def test_an_error_spells_its_remedy_where_it_is_shown():
    error = not_signed_in("microsoft", "work")
    assert error.remedy == "sign in with an.login('microsoft', connection='work')"
    assert error.remedy_in("magic") == "sign in with %authsome login microsoft work"
    error.shown_in = "magic"  # what the %authsome magic does before IPython shows it
    assert str(error).endswith("What to do: sign in with %authsome login microsoft work")
    assert error._render_traceback_()[0].startswith("NotSignedInError: Not signed in")


def test_a_remedy_without_a_step_is_its_text_and_a_step_without_text_says_run():
    assert GraphError("x", status=404, remedy="check the path").remedy_in("magic") == (
        "check the path")
    bare = GraphError("x", status=401, step=Step.of("login", "microsoft", force=True))
    assert bare.remedy_in("magic") == "run %authsome login microsoft --force"
