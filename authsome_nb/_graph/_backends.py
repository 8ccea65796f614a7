"""Which frame a listing becomes: pandas (the default), polars, or an Arrow table.

Each backend is a builder with ``add(items)`` (a page, as it arrives) and ``build()``, so the
paging code does not care which one it feeds.  pandas frames come from :mod:`._frames` as they
always have; polars and Arrow frames come from typed Arrow tables (:mod:`._arrow`), a table per
page, unified at the end.  pyarrow and polars are optional extras, imported on first use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import ConfigurationError, MissingDependencyError
from ._entity_types import entity_of
from ._frames import FrameBuilder
from ._page_sizes import relative_path


def entity_types(url: str) -> dict[str, Any] | None:
    """Graph's types for the items of the collection at ``url`` (None: not one we know)."""
    found = entity_of(relative_path(url))
    return found[1] if found else None


class ArrowFrames:
    """Pages → one ``pyarrow.Table`` typed from Graph's schema (see :mod:`._arrow`)."""

    def __init__(self, url: str, select: Sequence[str] = (), nested: str = "flatten") -> None:
        from ._arrow import import_pyarrow

        import_pyarrow()  # a missing extra is said before the first request
        self.spec = entity_types(url)
        self.select = list(select)
        self.nested = nested
        self.tables: list[Any] = []

    def table(self, items: list[dict[str, Any]]) -> Any:
        """One page as a table of this listing's types."""
        from ._arrow import page_table

        return page_table(items, self.spec, self.select, self.nested)

    def add(self, items: Iterable[dict[str, Any]]) -> None:
        page = list(items)
        if page:
            self.tables.append(self.table(page))

    def build(self) -> Any:
        from ._arrow import combine

        tables, self.tables = self.tables, []
        return combine(tables) if tables else self.table([])


class PolarsFrames(ArrowFrames):
    """The same typed table, as a ``polars.DataFrame`` (no copy of the columns)."""

    def __init__(self, url: str, select: Sequence[str] = (), nested: str = "flatten") -> None:
        import_polars()
        super().__init__(url, select, nested)

    def build(self) -> Any:
        return import_polars().from_arrow(super().build())


def import_polars() -> Any:
    try:
        import polars
    except ImportError:
        raise MissingDependencyError(
            "polars frames from Microsoft Graph need polars, which is not installed",
            remedy='pip install "polars>=1.0" "pyarrow>=15" (what the polars extra of '
            "authsome-nb adds)") from None
    return polars


def builder(backend: str, url: str, select: Sequence[str], nested: str) -> Any:
    """The builder of ``backend`` for the listing at ``url``."""
    if backend == "pandas":
        if nested != "flatten":
            raise ConfigurationError(
                "nested='struct' keeps Graph's objects as Arrow structs: it needs "
                "backend='arrow' or backend='polars'",
                remedy="pass backend='polars' (or 'arrow') with it, or leave nested out")
        return FrameBuilder(select)
    return (PolarsFrames if backend == "polars" else ArrowFrames)(url, select, nested)


def key_first(frame: Any, backend: str, key: str = "id") -> Any:
    """``frame`` with its ``key`` column first, whatever the backend."""
    columns = list(frame.columns) if backend != "arrow" else frame.column_names
    if key not in columns or columns[0] == key:
        return frame
    order = [key, *(c for c in columns if c != key)]
    if backend == "pandas":
        return frame[order]
    return frame.select(order)
