"""The notebook's sign-in widgets (ipywidgets built-ins only) and table reprs.

Widgets are for what is still going on (a code being waited for, a button to press); finished
outputs are plain MIME from ``notebook.cards``, which render without a kernel.

Imported lazily: ``ipywidgets`` is loaded the first time one of these names is used, not
by ``%load_ext authsome_nb``.
"""

from __future__ import annotations

from importlib import import_module

_EXPORTS = {
    "LoginButton": ".login_button",
    "SignInView": ".sign_in_view",
    "DeviceCodePanel": ".device_code_panel",
    "AuthorizeLinkPanel": ".authorize_link",
    "ConnectionsTable": ".connections_table",
    "ConnectionStatus": ".connections_table",
    "ProvidersTable": ".providers_table",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
