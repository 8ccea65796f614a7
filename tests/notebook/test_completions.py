"""Tab completion of ``%authsome``: what a frontend gets from a real kernel, and the rules."""

from __future__ import annotations

import authsome_nb as an
from authsome_nb.notebook.completions import candidates


def test_the_kernel_completes_subcommands_options_providers_connections_and_services(world):
    world.emulator.auto_approve_after = 0
    an.login("microsoft", connection="work", flow="device", on_event=lambda e: None)
    with world.notebook("%load_ext authsome_nb") as run:
        run.cell(0)
        assert run.complete("%authsome lo") == ["login", "logout"]
        assert run.complete("%authsome login mi")[:2] == ["microsoft", "microsoft-calendar"]
        assert run.complete("%authsome login opena") == ["openai"]  # the whole catalogue
        assert run.complete("%authsome login microsoft --fl") == ["--flow"]
        assert run.complete("%authsome login microsoft --flow d") == ["device"]
        assert run.complete("%authsome login microsoft --service outlook,te") == ["teams"]
        assert run.complete("%authsome get microsoft --connection ") == ["default", "work"]
        assert run.complete("%authsome login microsoft w") == ["work"]  # the positional
        assert run.complete("tok = %authsome token gi") == ["github", "github-mcp", "gitlab"]
        assert run.complete("%authsome help se") == ["setup"]


def test_candidates_follow_the_position_in_the_line():
    assert candidates("%authsome ")[:3] == ["login", "logout", "list"]
    assert "--background" in candidates("%authsome login microsoft --")
    tenants = candidates("%authsome login microsoft --tenant ")
    assert tenants == ["common", "organizations", "consumers"]
    assert "outlook" in candidates("%authsome setup microsoft --service ")
    assert candidates("%authsome providers ") == []  # takes nothing: no options either
    assert candidates("%authsome nosuch ") == []
    assert candidates("print('%authsome ')") == []


def test_a_provider_already_given_is_not_offered_again():
    assert "microsoft" not in candidates("%authsome login microsoft ")
    assert "--flow" in candidates("%authsome login microsoft ")
    offered = candidates("%authsome login --flow device ")
    assert {"github", "google", "microsoft", "openai"} <= set(offered) and len(offered) == 87
