"""Graph JSON → typed Arrow tables, one page at a time.

A page (a list of Graph objects) becomes one ``pyarrow.Table``:

* pyarrow infers the page in C++ (``pa.array(items)``: keys unified across rows, nested
  objects as structs, lists as lists), so no Python loop touches every value;
* each column is then given its type from Graph's schema where :mod:`._entity_types` knows the
  entity (dates → ``timestamp[us, UTC]``, ``Edm.Date`` → ``date32``, numbers → int64/float64,
  booleans → bool), and from its values otherwise, with the pandas frame's rule for dates
  (a ``…DateTime`` property whose text all parses);
* Graph's "no value" date ``0001-01-01T00:00:00Z`` becomes null; 100 ns digits are cut to µs;
* a ``dateTimeTimeZone`` (an event's ``start``/``end``) becomes a UTC timestamp, read in its
  ``timeZone`` (IANA or Windows, :mod:`._zones`), with ``timeZone`` kept beside it;
* ``@odata.*`` annotations are dropped, at every level;
* nested objects are flattened into dotted columns (``from.emailAddress.address``), as in the
  pandas frame, unless ``nested="struct"`` keeps them as structs (and ``start``/``end`` as
  their text).

Pages of one listing may differ (a property absent or null in the first pages):
:func:`unify` and :func:`conform` give them one schema, columns promoted, never dropped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ..errors import MissingDependencyError
from ._entity_types import DATE_TIME_TIME_ZONE
from ._frames import DATE_FIELDS

NESTED = ("flatten", "struct")
_LONGEST_US = len("2026-11-19T17:30:00.123456+00:00")  # more characters: maybe 100 ns digits
_FIRST_DAY = datetime(1, 1, 2, tzinfo=UTC)


def import_pyarrow() -> Any:
    """pyarrow, or a clear error naming the extra that installs it."""
    try:
        import pyarrow
        import pyarrow.compute  # noqa: F401 - used as pyarrow.compute
    except ImportError:
        raise MissingDependencyError(
            "Arrow tables, polars frames and Parquet from Microsoft Graph need pyarrow, "
            "which is not installed",
            remedy='pip install "pyarrow>=15" (what the arrow extra of authsome-nb adds)') from None
    return pyarrow


def page_table(items: list[dict[str, Any]], spec: dict[str, Any] | None,
               select: Sequence[str] = (), nested: str = "flatten") -> Any:
    """One page as a typed table (see the module docstring); ``spec``: the entity's types."""
    pa = import_pyarrow()
    flatten = nested == "flatten"
    inferred = _infer(items, pa) if items else None
    present = [field.name for field in inferred.type] if inferred is not None else []
    names, arrays = [], []
    for name in [*present, *(s for s in select if s not in present)]:
        if "@odata." in name:
            continue
        raw = inferred.field(name) if inferred is not None and name in present else \
            pa.nulls(len(items))
        converted = _convert(raw, (spec or {}).get(name), name, flatten)
        if converted is not None:
            names.append(name)
            arrays.append(converted)
    table = pa.Table.from_arrays(arrays, names=names)
    while flatten and any(pa.types.is_struct(field.type) for field in table.schema):
        table = table.flatten()
    return table


def _infer(items: list[dict[str, Any]], pa: Any) -> Any:
    """The page as one StructArray; a key whose values pyarrow cannot agree on becomes text."""
    try:
        return pa.array(items)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    keys = list(dict.fromkeys(key for item in items for key in item))
    arrays = []
    for key in keys:
        values = [item.get(key) for item in items]
        try:
            arrays.append(pa.array(values))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arrays.append(pa.array([_as_text(v) for v in values], pa.string()))
    return pa.StructArray.from_arrays(arrays, names=keys)


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), default=str)


def _convert(array: Any, spec: Any, name: str, flatten: bool) -> Any:
    """``array`` in the type ``spec`` says (None: the values say); None drops it (``{}``)."""
    if spec is None:
        return _convert_inferred(array, name, flatten)
    if isinstance(spec, dict):
        if spec == DATE_TIME_TIME_ZONE:
            return _zoned(array, flatten)
        return _struct(array, spec, flatten)
    if isinstance(spec, list):
        return _list(array, spec[0], name, flatten)
    return _leaf(array, spec, name)


def _convert_inferred(array: Any, name: str, flatten: bool) -> Any:
    import pyarrow as pa

    kind = array.type
    if pa.types.is_struct(kind):
        names = {field.name for field in kind}
        if names == {"dateTime", "timeZone"}:
            return _zoned(array, flatten)
        return _struct(array, {}, flatten)
    if pa.types.is_list(kind):
        return _list(array, None, name, flatten)
    if _is_date_name(name) and (pa.types.is_string(kind) or pa.types.is_null(kind)):
        parsed = _timestamps(array, strict=True)
        return array if parsed is None else parsed
    return array


def _is_date_name(name: str) -> bool:
    return name.endswith("DateTime") or name in DATE_FIELDS


def _struct(array: Any, spec: dict[str, Any], flatten: bool) -> Any:
    import pyarrow as pa

    if not (pa.types.is_struct(array.type) or pa.types.is_null(array.type)):
        return array  # Graph sent something else than its schema says: kept as it came
    present = [f.name for f in array.type] if pa.types.is_struct(array.type) else []
    # The properties Graph sent, typed from the schema (in its order); all of them where the
    # object is missing from the whole page, so a selected one still has its typed columns.
    wanted = [n for n in spec if n in present] if present else list(spec)
    names, children = [], []
    for name in [*wanted, *(p for p in present if p not in spec)]:
        if "@odata." in name:
            continue
        raw = array.field(name) if name in present else pa.nulls(len(array))
        converted = _convert(raw, spec.get(name), name, flatten)
        if converted is not None:
            names.append(name)
            children.append(converted)
    if not children:
        return None  # an empty object ({}) carries nothing: no column, as in pandas
    mask = array.is_null() if array.null_count else None
    return pa.StructArray.from_arrays(children, names=names, mask=mask)


def _list(array: Any, item_spec: Any, name: str, flatten: bool) -> Any:
    import pyarrow as pa

    if pa.types.is_null(array.type):
        if item_spec is None:
            return array
        item = _convert(pa.nulls(0), item_spec, name, flatten)
        return array if item is None else pa.nulls(len(array), pa.list_(item.type))
    if not pa.types.is_list(array.type):
        return array
    values = _convert(array.values, item_spec, name, flatten)
    if values is None:
        return None
    mask = array.is_null() if array.null_count else None
    return pa.ListArray.from_arrays(array.offsets, values, mask=mask)


def _leaf(array: Any, kind: str, name: str) -> Any:
    """A scalar property in its documented type; values of another type are kept as they are."""
    import pyarrow as pa
    import pyarrow.compute as pc

    types = pa.types
    if kind == "timestamp":
        if types.is_string(array.type) or types.is_null(array.type):
            return _timestamps(array, strict=False)
        return array
    target = {"string": pa.string(), "bool": pa.bool_(), "int64": pa.int64(),
              "float64": pa.float64(), "date": pa.date32()}[kind]
    castable = {"string": lambda t: not (types.is_struct(t) or types.is_list(t)),
                "bool": types.is_boolean, "int64": types.is_integer,
                "float64": lambda t: types.is_integer(t) or types.is_floating(t),
                "date": types.is_string}[kind]
    if types.is_null(array.type) or castable(array.type):
        try:
            return pc.cast(array, target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return array
    return array


def _timestamps(array: Any, *, strict: bool) -> Any:
    """ISO 8601 text → ``timestamp[us, UTC]``; Graph's unset date → null.

    ``strict``: None when a value does not parse (the column stays text); else such a value
    becomes null (a property Graph documents as a date).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    utc = pa.timestamp("us", "UTC")
    if pa.types.is_null(array.type):
        return pa.nulls(len(array), utc)
    text = _to_microseconds(array)
    try:
        parsed = pc.cast(text, utc)
    except pa.ArrowInvalid:
        parsed = _parse_each(text.to_pylist(), strict)
        if parsed is None:
            return None
        parsed = pa.array(parsed, utc)
    unset = pc.less(parsed, pa.scalar(_FIRST_DAY, utc))
    return pc.if_else(unset, pa.scalar(None, utc), parsed)


def _to_microseconds(text: Any) -> Any:
    """Cut 100 ns digits (``.1234567``): Arrow reads at most the digits of the unit."""
    import pyarrow.compute as pc

    longest = pc.max(pc.utf8_length(text)).as_py()
    if longest is None or longest <= _LONGEST_US:
        return text
    return pc.replace_substring_regex(text, r"(\.\d{6})\d+", r"\1")


def _parse_each(values: list[str | None], strict: bool) -> list[datetime | None] | None:
    parsed: list[datetime | None] = []
    for value in values:
        try:
            when = datetime.fromisoformat(value) if value else None
        except ValueError:
            if strict:
                return None
            when = None
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        parsed.append(when)
    return parsed


def _zoned(array: Any, flatten: bool) -> Any:
    """A ``dateTimeTimeZone`` struct: its ``dateTime`` read in its zone, as UTC (flattened),
    or both kept as text (``nested="struct"``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ._zones import iana_zone

    if not flatten or not pa.types.is_struct(array.type):
        return _struct(array, {"dateTime": "string", "timeZone": "string"}, flatten)
    utc = pa.timestamp("us", "UTC")
    local_text, zones = pc.cast(array.field("dateTime"), pa.string()), \
        pc.cast(array.field("timeZone"), pa.string())
    try:
        naive = pc.cast(_to_microseconds(local_text), pa.timestamp("us"))
    except pa.ArrowInvalid:
        naive = pa.array([w.replace(tzinfo=None) if w else None
                          for w in _parse_each(local_text.to_pylist(), False) or []],
                         pa.timestamp("us"))
    result = pa.nulls(len(array), utc)
    for name in pc.unique(zones).to_pylist():
        zone = iana_zone(name) if name else None
        if zone is None:
            continue  # an Outlook custom zone: no time rather than a wrong one
        local = naive if zone == "UTC" else pc.assume_timezone(
            naive, timezone=zone, ambiguous="earliest", nonexistent="earliest")
        result = pc.if_else(pc.equal(zones, name), pc.cast(local, utc), result)
    unset = pc.less(result, pa.scalar(_FIRST_DAY, utc))
    result = pc.if_else(unset, pa.scalar(None, utc), result)
    mask = array.is_null() if array.null_count else None
    return pa.StructArray.from_arrays([result, zones], names=["dateTime", "timeZone"], mask=mask)


def unify(schemas: Sequence[Any]) -> Any:
    """One schema for tables of one listing: columns in first-seen order, types promoted
    (null → any, int → float, struct fields merged); a column typed differently and not
    promotable (a date in one page, text in another) becomes text."""
    pa = import_pyarrow()
    try:
        return pa.unify_schemas(list(schemas), promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    fields: dict[str, Any] = {}
    for schema in schemas:
        for field in schema:
            known = fields.get(field.name)
            if known is None:
                fields[field.name] = field
                continue
            try:
                merged = pa.unify_schemas([pa.schema([known]), pa.schema([field])],
                                          promote_options="permissive")
                fields[field.name] = merged.field(field.name)
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                fields[field.name] = pa.field(field.name, pa.string())
    return pa.schema(list(fields.values()))


def conform(table: Any, schema: Any) -> Any:
    """``table`` with exactly ``schema``'s columns: missing ones null, others cast."""
    pa = import_pyarrow()
    import pyarrow.compute as pc

    if table.schema == schema:
        return table
    arrays = []
    for field in schema:
        if field.name not in table.column_names:
            arrays.append(pa.nulls(table.num_rows, field.type))
            continue
        column = table.column(field.name)
        arrays.append(column if column.type == field.type else pc.cast(column, field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def combine(tables: Sequence[Any]) -> Any:
    """The tables of a listing as one table of one schema (see :func:`unify`)."""
    pa = import_pyarrow()
    if len(tables) == 1:
        return tables[0]
    schema = unify([t.schema for t in tables])
    return pa.concat_tables([conform(t, schema) for t in tables])
