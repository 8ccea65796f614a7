"""Public names that load on first use (PEP 562): how a package stays cheap to import.

``__getattr__, __dir__ = lazy_exports(__name__, {"name": ".module", …})`` in a package's
``__init__``: the first ``package.name`` imports ``.module`` and keeps the value in the
package's globals, so later lookups are plain attribute reads.
"""

from __future__ import annotations

import sys
from importlib import import_module

TYPE_CHECKING = False  # this runs at ``import authsome_nb``: no typing import for annotations
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping


def lazy_exports(package: str, exports: Mapping[str, str], *, submodules: Iterable[str] = (),
                 ) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``; ``submodules`` are also reachable by name."""
    modules = frozenset(submodules)

    def __getattr__(name: str) -> object:
        module_name = exports.get(name)
        if module_name is None:
            if name in modules:
                return import_module(f".{name}", package)
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module_name, package), name)
        vars(sys.modules[package])[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports) | modules)

    return __getattr__, __dir__
