"""The notebook experience: ``%authsome``, ``%%graph``, the sign-in widgets and text fallbacks.

``%load_ext authsome_nb`` lands in :func:`load_ipython_extension`.  It registers the magics
and the completer and imports nothing heavy: ipywidgets, msal and the store are loaded by
the first subcommand that needs them.
"""

from __future__ import annotations


def load_ipython_extension(ipython) -> None:
    from . import completions
    from .graph_magics import GraphCellMagics
    from .magics import AuthsomeMagics

    ipython.register_magics(AuthsomeMagics)
    ipython.register_magics(GraphCellMagics)
    completions.register(ipython)


def unload_ipython_extension(ipython) -> None:
    """Undo :func:`load_ipython_extension`, so ``%reload_ext authsome_nb`` starts afresh."""
    from . import completions

    manager = ipython.magics_manager
    manager.magics["line"].pop("authsome", None)
    manager.magics["cell"].pop("graph", None)
    for name in ("AuthsomeMagics", "GraphCellMagics"):
        instance = manager.registry.pop(name, None)
        if instance is not None and instance in ipython.configurables:
            ipython.configurables.remove(instance)
    completions.unregister(ipython)

