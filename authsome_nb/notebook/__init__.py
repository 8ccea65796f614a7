"""The notebook experience: ``%authsome``, ``%%graph``, the sign-in widgets and text fallbacks.

``%load_ext authsome_nb`` lands in :func:`load_ipython_extension`.  It registers the magics
and the completer and imports nothing heavy: ipywidgets, msal and the store are loaded by
the first subcommand that needs them.
"""

from __future__ import annotations

from IPython.core.error import UsageError

_GRAPH_MODULE = f"{__name__}.graph_magics"


def load_ipython_extension(ipython) -> None:
    from . import completions
    from .magics import AuthsomeMagics

    ipython.register_magics(AuthsomeMagics)
    _register_graph_cell_magic(ipython)
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


def _register_graph_cell_magic(ipython) -> None:
    """``%%graph`` lives in ``graph_magics`` (the Graph layer's); a clear error until it exists."""
    try:
        from .graph_magics import GraphCellMagics
    except ModuleNotFoundError as exc:
        if exc.name != _GRAPH_MODULE:
            raise
        ipython.register_magic_function(_graph_unavailable, magic_kind="cell", magic_name="graph")
        return
    ipython.register_magics(GraphCellMagics)


def _graph_unavailable(line: str, cell: str = "") -> None:
    raise UsageError("%%graph: the Graph magics are not part of this build yet "
                     f"({_GRAPH_MODULE} is missing); use an.graph() meanwhile.")
