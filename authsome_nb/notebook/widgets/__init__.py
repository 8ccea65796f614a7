"""The notebook's sign-in widgets (ipywidgets built-ins only) and table reprs.

Widgets are for what is still going on (a code being waited for, a button to press); finished
outputs are plain MIME from ``notebook.cards``, which render without a kernel.

Imported lazily: ``ipywidgets`` is loaded the first time one of these names is used, not
by ``%load_ext authsome_nb``.
"""

from __future__ import annotations

from ..._lazy import lazy_exports

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


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .authorize_link import AuthorizeLinkPanel
    from .connections_table import ConnectionsTable, ConnectionStatus
    from .device_code_panel import DeviceCodePanel
    from .login_button import LoginButton
    from .providers_table import ProvidersTable
    from .sign_in_view import SignInView
