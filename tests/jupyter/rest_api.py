"""The REST API's JSON Schema, as shipped in the package: the server's answers and the saved
cards' facts are checked against it, and the JupyterLab extension's types are generated from
it (``labextension/src/api-types.ts``), so the two sides cannot drift apart unseen."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA: dict[str, Any] = json.loads(
    files("authsome_nb.jupyter").joinpath("rest-api.schema.json").read_text(encoding="utf-8"))
Draft202012Validator.check_schema(SCHEMA)


def assert_shape(data: Any, shape: str) -> Any:
    """``data`` as the schema's ``$defs/<shape>`` describes it, else jsonschema's reasons."""
    validator = Draft202012Validator({"$ref": f"#/$defs/{shape}", "$defs": SCHEMA["$defs"]})
    problems = [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
                for e in validator.iter_errors(data)]
    assert not problems, f"not a {shape}:\n" + "\n".join(problems)
    return data
