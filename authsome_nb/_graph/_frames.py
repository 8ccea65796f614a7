"""Graph JSON → pandas: flat, readable columns with the dtypes an analyst expects.

* Nested objects become dotted columns (``from.emailAddress.address``); lists stay lists.
* ``@odata.*`` annotations (``@odata.etag``, ``attachments@odata.context`` …) are dropped;
  other instance annotations (``@microsoft.graph.downloadUrl``) are kept, they are data.
* Date fields become tz-aware ``datetime64[us, UTC]``: every ``…DateTime`` property (Graph's
  naming rule for ``Edm.DateTimeOffset``), and ``dateTimeTimeZone`` pairs
  (``start.dateTime`` read in the zone of ``start.timeZone``, an IANA or a Windows name).
  Graph's "no value" date, ``0001-01-01T00:00:00Z``, becomes ``NaT``.  A column that does not
  parse stays as text.
* Booleans and numbers stay what JSON made them; a boolean column with gaps becomes pandas'
  nullable ``boolean``.
* An empty result still has the columns that were selected.

Pages are flattened as they arrive (:class:`FrameBuilder`), so the raw JSON of a page can be
freed before the next one is fetched: peak memory stays near the size of the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import MissingDependencyError

#: Date properties whose names do not end in ``DateTime``.
DATE_FIELDS = frozenset({"birthday", "hireDate", "time"})
_UNSET_DATE = "0001-01-01"
#: rows per DataFrame built while a listing is still arriving
CHUNK_ROWS = 5000
#: one resolution whatever the data (pandas would pick s, us or ns by the digits it sees)
DATE_UNIT = "us"
DATE_DTYPE = f"datetime64[{DATE_UNIT}, UTC]"


def import_pandas():
    """pandas, or a clear error naming the extra that installs it."""
    try:
        import pandas
    except ImportError:
        raise MissingDependencyError(
            "DataFrames from Microsoft Graph need pandas, which is not installed",
            # Not the extra ("authsome-nb[pandas]"): that needs the package on an index.
            remedy='pip install "pandas>=2.1" (what the pandas extra of authsome-nb adds)',
        ) from None
    return pandas


def flatten(record: dict[str, Any]) -> dict[str, Any]:
    """One Graph object as a flat dict with dotted keys, ``@odata`` annotations dropped."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if "@odata." in key:
            continue
        if type(value) is dict:
            if value:
                _flatten_into(value, key + ".", out)
        else:
            out[key] = value
    return out


def _flatten_into(obj: dict[str, Any], prefix: str, out: dict[str, Any]) -> None:
    for key, value in obj.items():
        if "@odata." in key:
            continue
        if type(value) is dict:
            if value:
                _flatten_into(value, prefix + key + ".", out)
        else:
            out[prefix + key] = value


class FrameBuilder:
    """Collects pages of Graph objects and builds one DataFrame at the end.

    Every :data:`CHUNK_ROWS` rows become a DataFrame as they arrive, while the next pages are
    still on the wire, so the work left after the last page is a concatenation; the dtypes are
    settled once, on the whole frame.
    """

    def __init__(self, select: Sequence[str] | None = None) -> None:
        self.select = list(select or ())
        self.rows: list[dict[str, Any]] = []
        self.chunks: list[Any] = []

    def add(self, items: Iterable[dict[str, Any]]) -> None:
        self.rows.extend(map(flatten, items))
        if len(self.rows) >= CHUNK_ROWS:
            pd = import_pandas()
            self.chunks.append(pd.DataFrame(self.rows))
            self.rows = []

    def build(self):
        pd = import_pandas()
        rows, self.rows = self.rows, []
        if rows or not self.chunks:
            self.chunks.append(pd.DataFrame(rows) if rows else pd.DataFrame())
        del rows
        chunks, self.chunks = self.chunks, []
        frame = chunks[0] if len(chunks) == 1 else pd.concat(chunks, ignore_index=True)
        del chunks
        _drop_null_parents(frame)
        _add_selected(frame, self.select, pd)
        convert_dtypes(frame, pd)
        return frame


def to_frame(items: Iterable[dict[str, Any]], select: Sequence[str] | None = None):
    """A DataFrame of Graph objects (see the module docstring for the conversions)."""
    builder = FrameBuilder(select)
    builder.add(items)
    return builder.build()


def _drop_null_parents(frame) -> None:
    """``onlineMeeting`` null in some rows and an object in others gives ``onlineMeeting.joinUrl``
    and an ``onlineMeeting`` column of nothing but gaps: drop the latter."""
    names = set(frame.columns)
    parents = set()
    for column in names:
        while "." in column:
            column = column.rsplit(".", 1)[0]
            parents.add(column)
    for column in parents & names:
        if frame[column].isna().all():
            del frame[column]


def _add_selected(frame, select: list[str], pd) -> None:
    """Selected properties that no row carried still get a column (all missing)."""
    columns = list(frame.columns)
    for name in select:
        if name in columns or any(c.startswith(name + ".") for c in columns):
            continue
        if _is_date_name(name):
            frame[name] = pd.Series(pd.NaT, index=frame.index, dtype=DATE_DTYPE)
        else:
            frame[name] = pd.Series(None, index=frame.index, dtype=object)
        columns.append(name)


def _is_date_name(column: str) -> bool:
    leaf = column.rsplit(".", 1)[-1]
    return leaf.endswith("DateTime") or leaf in DATE_FIELDS


def convert_dtypes(frame, pd) -> None:
    """Dates to UTC datetimes, gappy booleans to ``boolean``; in place."""
    columns = set(frame.columns)
    for column in list(frame.columns):
        series = frame[column]
        if series.dtype.kind in "biufcmM":
            continue
        leaf = column.rsplit(".", 1)[-1]
        if leaf.endswith("DateTime") or leaf in DATE_FIELDS:
            parsed = _parse_utc(series, pd)
        elif leaf == "dateTime" and column[: -len("dateTime")] + "timeZone" in columns:
            parsed = _parse_zoned(series, frame[column[: -len("dateTime")] + "timeZone"], pd)
        elif series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) == "boolean":
            parsed = series.astype("boolean")
        else:
            parsed = None
        if parsed is not None:
            frame[column] = parsed


def _parse_utc(series, pd, *, naive_zone: str | None = None):
    """ISO 8601 text → ``datetime64[us, UTC]``, or None if the column is not all dates."""
    utc = naive_zone is None
    try:
        parsed = pd.to_datetime(series, utc=utc, format="ISO8601")
    except pd.errors.OutOfBoundsDatetime:
        # 100 ns digits made pandas pick nanoseconds, where year 1 does not fit.
        unset = series.astype("str").str.startswith(_UNSET_DATE)
        try:
            parsed = pd.to_datetime(series.mask(unset, None), utc=utc, format="ISO8601")
        except (ValueError, TypeError):
            return None
    except (ValueError, TypeError):
        return None
    parsed = parsed.dt.as_unit(DATE_UNIT)
    return parsed.mask(parsed.dt.year == 1)


def _parse_zoned(series, zones, pd):
    """``dateTimeTimeZone.dateTime`` read in its row's ``timeZone`` (IANA or Windows), as UTC."""
    from ._zones import iana_zone

    names = {name: iana_zone(name) for name in zones.dropna().unique()}
    if set(names.values()) <= {"UTC"}:
        return _parse_utc(series, pd)
    if None in names.values():
        return None  # a zone no table knows (an Outlook custom zone): keep the text
    naive = _parse_utc(series, pd, naive_zone="local")
    if naive is None or getattr(naive.dt, "tz", None) is not None:
        return None
    result = pd.Series(pd.NaT, index=series.index, dtype=DATE_DTYPE)
    for name, zone in names.items():
        rows = zones == name
        local = naive[rows].dt.tz_localize(zone, ambiguous="NaT", nonexistent="shift_forward")
        result[rows] = local.dt.tz_convert("UTC")
    return result
