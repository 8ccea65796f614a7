"""Parquet written as pages arrive: one row group per page, then renamed into place.

Memory stays bounded by the pages in flight, not by the collection: each page becomes a typed
Arrow table (:mod:`._arrow`), is written as one row group, and is dropped.  The file is written
next to ``dest`` under a temporary name (readable by its owner only: it holds mail), and renamed
onto ``dest`` only once every page is in, so a failure half-way leaves ``dest`` as it was, and
the error says how many rows had been fetched.  When a later page brings a column the file's
schema lacks, or a type it must promote (a property null in every earlier page), the part
written so far is copied into a file of the wider schema, row group by row group, and writing
goes on there: columns are unified, never dropped.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any

from ..errors import AuthsomeError, ConfigurationError
from ._arrow import conform, import_pyarrow, unify

METADATA_KEY = b"authsome_nb"


def destination(dest: str | os.PathLike[str], *, overwrite: bool,
                ours: Callable[[Path], bool] | None = None) -> Path:
    """``dest`` as a path that may be written: its folder exists, and it does not, unless
    ``overwrite`` (or ``ours(path)`` says a sync wrote it)."""
    path = Path(dest).expanduser()
    if path.is_dir():
        raise ConfigurationError(f"{path} is a folder", remedy="give a file name, e.g. "
                                 f"{path / 'messages.parquet'}")
    if not path.parent.is_dir():
        raise ConfigurationError(f"The folder {path.parent} does not exist, so {path.name} "
                                 "cannot be written there",
                                 remedy=f"create it first (os.makedirs({str(path.parent)!r}))"
                                 ", or write somewhere else")
    if path.exists() and not overwrite and not (ours is not None and ours(path)):
        raise ConfigurationError(f"{path} already exists and was left alone",
                                 remedy="pass overwrite=True to replace it, or another dest")
    return path


def metadata_of(path: Path) -> dict[str, Any]:
    """What we wrote into the file's schema metadata ({} for a file that is not ours)."""
    try:
        import pyarrow.parquet as pq

        raw = (pq.read_schema(path).metadata or {}).get(METADATA_KEY)
        return json.loads(raw) if raw else {}
    except (OSError, ValueError, ImportError):
        return {}


class ParquetStream:
    """A Parquet file being written under a temporary name beside ``dest``."""

    def __init__(self, dest: Path, metadata: dict[str, Any]) -> None:
        self.dest = dest
        self.metadata = {METADATA_KEY: json.dumps(metadata).encode()}
        self.rows = 0
        self.schema: Any = None
        self._writer: Any = None
        self._temporary: Path | None = None

    def write(self, table: Any) -> None:
        """Add ``table`` as one row group (widening the file's schema first if it must)."""
        import pyarrow.parquet as pq

        if self._writer is None:
            self.schema = table.schema.with_metadata(self.metadata)
            self._writer = pq.ParquetWriter(self._new_temporary(), self.schema)
        elif table.schema.remove_metadata() != self.schema.remove_metadata():
            wider = unify([self.schema, table.schema]).with_metadata(self.metadata)
            if wider != self.schema:
                self._widen(wider)
            table = conform(table, self.schema.remove_metadata())
        self._writer.write_table(table.replace_schema_metadata(self.metadata),
                                 row_group_size=max(1, table.num_rows))
        self.rows += table.num_rows

    def _new_temporary(self) -> Path:
        name = f".{self.dest.name}.{os.getpid()}-{secrets.token_hex(4)}.partial"
        path = self.dest.with_name(name)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        self._temporary = path
        return path

    def _widen(self, schema: Any) -> None:
        """Copy what was written into a file of ``schema``, one row group at a time."""
        import pyarrow.parquet as pq

        self._writer.close()
        old = self._temporary
        assert old is not None
        self._writer = pq.ParquetWriter(self._new_temporary(), schema)
        self.schema = schema
        source = pq.ParquetFile(old)
        try:
            for group in range(source.num_row_groups):
                part = conform(source.read_row_group(group), schema.remove_metadata())
                self._writer.write_table(part.replace_schema_metadata(self.metadata),
                                         row_group_size=max(1, part.num_rows))
        finally:
            source.close()
            old.unlink()

    def commit(self) -> int:
        """Close the file and rename it onto ``dest``; the rows written."""
        self._writer.close()
        assert self._temporary is not None
        os.replace(self._temporary, self.dest)
        self._temporary = None
        return self.rows

    def discard(self) -> None:
        if self._writer is not None:
            with suppress(Exception):  # the file is deleted anyway
                self._writer.close()
        if self._temporary is not None:
            self._temporary.unlink(missing_ok=True)


def write_tables(dest: Path, tables: Iterable[Any], empty: Callable[[], Any],
                 metadata: dict[str, Any]) -> int:
    """Write ``tables`` to ``dest`` (see the module docstring); the rows written.

    ``empty()`` gives the typed table of no rows, so a listing with no rows still writes a
    file with its columns.
    """
    import_pyarrow()
    stream = ParquetStream(dest, metadata)
    try:
        for table in tables:
            stream.write(table)
        if stream.schema is None:
            stream.write(empty())
        return stream.commit()
    except BaseException as exc:
        stream.discard()
        _say_where_it_stopped(exc, stream.rows, dest)
        raise


def _say_where_it_stopped(exc: BaseException, rows: int, dest: Path) -> None:
    told = (f"{rows} row{'s' if rows != 1 else ''} had been written to a temporary file, "
            f"now removed; {dest} is as it was")
    if isinstance(exc, AuthsomeError):
        exc.message = f"{exc.message} ({told})"
        exc.args = (exc.message,)
    else:
        exc.add_note(told)
