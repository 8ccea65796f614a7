"""The control API (``/_emulator/<verb>``): the emulator's verbs over HTTP, for other processes.

A second Jupyter kernel, a test subprocess or a shell (``python -m authsome_nb_emulator
approve CODE``) can approve device codes, turn knobs and inject faults on a running emulator.
Each verb is a whitelisted method of :class:`~authsome_nb_emulator.Emulator`; errors come back
with their exception name so :class:`EmulatorClient` raises the same exception locally.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._errors import EmulatorError
from ._server import Request, Response

if TYPE_CHECKING:
    from ._emulator import Emulator


def _user_dict(user: Any) -> Any:
    return user.as_dict() if hasattr(user, "as_dict") else user


VERBS: dict[str, Callable[..., Any]] = {
    "info": lambda emu: emu.info(),
    "approve": lambda emu, user_code, user=None: {"user": emu.approve(user_code, user).upn},
    "deny": lambda emu, user_code: emu.deny(user_code),
    "expire": lambda emu, user_code: emu.expire(user_code),
    "pending_user_codes": lambda emu: emu.pending_user_codes(),
    "last_user_code": lambda emu: emu.last_user_code,
    "wait_for_user_code": lambda emu, timeout=10.0, after=None: emu.wait_for_user_code(
        timeout=timeout, after=after),
    "count": lambda emu, endpoint, **filters: emu.count(endpoint, **filters),
    "reset_counters": lambda emu: emu.reset_counters(),
    "configure": lambda emu, **knobs: emu.configure(**knobs),
    "inject_error": lambda emu, aadsts, **kw: emu.inject_error(aadsts, **kw),
    "inject_graph_error": lambda emu, path_prefix, **kw: emu.inject_graph_error(path_prefix,
                                                                                 **kw),
    "revoke_refresh_tokens": lambda emu, user=None: emu.revoke_refresh_tokens(user),
    "revoke_sessions": lambda emu, user=None: emu.revoke_sessions(user),
    "add_user": lambda emu, **kw: _user_dict(emu.add_user(**kw)),
    "users": lambda emu: [u.as_dict() for u in emu.users],
    "register_redirect_uri": lambda emu, uri, public_client=False: emu.register_redirect_uri(
        uri, public_client=public_client),
    "advance_clock": lambda emu, seconds: emu.advance_clock(seconds),
    "requests": lambda emu: emu.requests,
    "change_mailbox": lambda emu, user=None, **kw: emu.change_mailbox(user, **kw),
    "change_directory": lambda emu, user=None, **kw: emu.change_directory(user, **kw),
    "expire_delta_tokens": lambda emu, user=None: emu.expire_delta_tokens(user),
    "mailbox_stats": lambda emu: emu.mailbox_stats,
}


def make_control(emulator: Emulator) -> Callable[[Request], Response]:
    def control(request: Request) -> Response:
        verb = request.path[len("/_emulator/"):].strip("/")
        handler = VERBS.get(verb)
        if handler is None:
            return Response.json({"error": "UnknownVerb", "message": f"no control verb {verb!r}"},
                                 status=404)
        try:
            arguments = json.loads(request.body) if request.body else {}
            if not isinstance(arguments, dict):
                raise ValueError("the control API takes a JSON object of arguments")
            result = handler(emulator, **arguments)
        except TimeoutError as exc:
            return Response.json({"error": "TimeoutError", "message": str(exc)}, status=408)
        except (EmulatorError, LookupError, ValueError, TypeError, AttributeError) as exc:
            return Response.json({"error": type(exc).__name__, "message": str(exc)}, status=400)
        return Response.json({"result": result})
    return control
