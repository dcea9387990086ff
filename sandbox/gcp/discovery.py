"""Discovery documents of the emulated APIs: method routing and a schema validator.

The documents ship with google-api-python-client (``googleapiclient/discovery_cache/documents``).
Both the emulator (request bodies, responses) and its tests validate against them.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

OUTPUT_ONLY = re.compile(r"output[ -]only", re.IGNORECASE)
INT_RANGES = {
    "int32": (-(2**31), 2**31 - 1),
    "uint32": (0, 2**32 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint64": (0, 2**64 - 1),
}


def documents_dir() -> Path:
    import googleapiclient

    return Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"


@functools.cache
def load(api: str) -> dict:
    """Load ``<api>.v1.json`` (``compute`` or ``dns``)."""
    with open(documents_dir() / f"{api}.v1.json", encoding="utf-8") as handle:
        return json.load(handle)


@dataclass(frozen=True)
class Method:
    api: str
    collection: str
    name: str
    http_method: str
    path: str  # full path below the root, e.g. "compute/v1/projects/{project}/global/networks"
    regex: re.Pattern
    params: tuple[str, ...]
    request: str | None
    response: str | None
    spec: dict

    @property
    def method_id(self) -> str:
        return self.spec["id"]


def _compile(path: str) -> tuple[re.Pattern, tuple[str, ...]]:
    names = []
    pattern = ""
    for part in re.split(r"(\{\+?[A-Za-z0-9_]+\})", path):
        match = re.fullmatch(r"\{(\+?)([A-Za-z0-9_]+)\}", part)
        if match:
            names.append(match.group(2))
            pattern += "(.+)" if match.group(1) else "([^/]+)"
        else:
            pattern += re.escape(part)
    return re.compile(pattern + "$"), tuple(names)


class Router:
    """Maps (HTTP method, path) to the discovery method it names."""

    def __init__(self, apis=("compute", "dns")):
        self.methods: list[Method] = []
        for api in apis:
            doc = load(api)
            for collection, resource in doc["resources"].items():
                for name, spec in resource.get("methods", {}).items():
                    full = doc["servicePath"] + spec["path"]
                    regex, params = _compile(full)
                    self.methods.append(
                        Method(
                            api,
                            collection,
                            name,
                            spec["httpMethod"],
                            full,
                            regex,
                            params,
                            (spec.get("request") or {}).get("$ref"),
                            (spec.get("response") or {}).get("$ref"),
                            spec,
                        )
                    )
        # Literal segments win over parameters: try templates with more literal text first.
        self.methods.sort(key=lambda m: (-len(re.sub(r"\{[^}]*\}", "", m.path)), m.path.count("{+")))

    def match(self, http_method: str, path: str):
        """Return (method, params) or (None, path_known) where path_known says another verb exists."""
        path_known = False
        for method in self.methods:
            found = method.regex.match(path)
            if not found:
                continue
            if method.http_method != http_method:
                path_known = True
                continue
            return method, dict(zip(method.params, found.groups()))
        return None, path_known

    def find(self, api: str, collection: str, name: str) -> Method:
        for method in self.methods:
            if (method.api, method.collection, method.name) == (api, collection, name):
                return method
        raise KeyError(f"{api}.{collection}.{name}")


class SchemaError(ValueError):
    """A value does not conform to its discovery schema."""

    def __init__(self, message: str, path: str, unknown: bool = False):
        super().__init__(message)
        self.path = path
        self.unknown = unknown


class Validator:
    """Validates JSON values against one discovery document's schemas.

    ``mode="request"``: proto3 JSON leniency (numbers as strings or numbers), output-only
    fields dropped, unknown fields rejected, returns the cleaned value.
    ``mode="response"``: strict wire types (64-bit integers as strings), unknown fields rejected.
    """

    def __init__(self, api: str):
        self.api = api
        self.schemas = load(api)["schemas"]

    def validate(self, value, ref: str, mode: str = "response", root: str = "resource"):
        return self._check(value, {"$ref": ref}, root, mode)

    def _check(self, value, schema: dict, path: str, mode: str):
        if "$ref" in schema:
            schema = self.schemas[schema["$ref"]]
        kind = schema.get("type")
        if kind == "any" or kind is None and "properties" not in schema:
            return value
        if value is None and mode == "request":
            return None  # JSON null: "clear this field" in a PATCH
        if kind == "object" or "properties" in schema:
            if not isinstance(value, dict):
                raise SchemaError(f"Invalid value at '{path}': expected an object", path)
            props = schema.get("properties")
            extra = schema.get("additionalProperties")
            out = {}
            for key, item in value.items():
                if props is not None and key in props:
                    sub = props[key]
                    if mode == "request" and (
                        key == "kind" or OUTPUT_ONLY.search(sub.get("description", ""))
                    ):
                        continue
                    out[key] = self._check(item, sub, f"{path}.{key}", mode)
                elif extra is not None:
                    out[key] = self._check(item, extra, f"{path}.{key}", mode)
                elif props is None:
                    out[key] = item
                else:
                    raise SchemaError(
                        f"Invalid JSON payload received. Unknown name \"{key}\" at '{path}': "
                        "Cannot find field.",
                        path,
                        unknown=True,
                    )
            return out
        if kind == "array":
            if not isinstance(value, list):
                raise SchemaError(f"Invalid value at '{path}' (array), {json.dumps(value)}", path)
            return [
                self._check(item, schema.get("items", {}), f"{path}[{i}]", mode)
                for i, item in enumerate(value)
            ]
        if kind == "string":
            return self._string(value, schema, path, mode)
        if kind == "integer":
            return self._integer(value, schema, path, mode)
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise SchemaError(f"Invalid value at '{path}' (TYPE_DOUBLE), {json.dumps(value)}", path)
            return value
        if kind == "boolean":
            if not isinstance(value, bool):
                raise SchemaError(f"Invalid value at '{path}' (TYPE_BOOL), {json.dumps(value)}", path)
            return value
        return value

    def _string(self, value, schema, path, mode):
        fmt = schema.get("format")
        if fmt in INT_RANGES:
            ok = isinstance(value, str) and re.fullmatch(r"-?\d+", value)
            if mode == "request" and isinstance(value, int) and not isinstance(value, bool):
                ok, value = True, str(value)
            low, high = INT_RANGES[fmt]
            if not ok or not low <= int(value) <= high:
                raise SchemaError(
                    f"Invalid value at '{path}' (TYPE_{fmt.upper()}), {json.dumps(value)}", path
                )
            return value
        if not isinstance(value, str):
            raise SchemaError(f"Invalid value at '{path}' (TYPE_STRING), {json.dumps(value)}", path)
        if fmt == "byte":
            try:
                base64.b64decode(value.replace("-", "+").replace("_", "/") + "==", validate=False)
            except ValueError as exc:
                raise SchemaError(
                    f"Invalid value at '{path}' (TYPE_BYTES), {json.dumps(value)}", path
                ) from exc
        enum = schema.get("enum")
        if enum and value not in enum:
            raise SchemaError(f"Invalid value at '{path}', {json.dumps(value)}", path)
        return value

    def _integer(self, value, schema, path, mode):
        fmt = schema.get("format", "int32")
        if mode == "request" and isinstance(value, str) and re.fullmatch(r"-?\d+", value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise SchemaError(f"Invalid value at '{path}' (TYPE_{fmt.upper()}), {json.dumps(value)}", path)
        low, high = INT_RANGES.get(fmt, INT_RANGES["int64"])
        if not low <= value <= high:
            raise SchemaError(f"Invalid value at '{path}' (TYPE_{fmt.upper()}), {value}", path)
        return value

    def defaults(self, value, ref: str):
        """Fill ``kind`` defaults (DNS nests them at every level) into an output value in place."""
        self._defaults(value, {"$ref": ref})
        return value

    def _defaults(self, value, schema):
        if "$ref" in schema:
            schema = self.schemas[schema["$ref"]]
        if isinstance(value, dict) and "properties" in schema:
            kind = schema["properties"].get("kind", {}).get("default")
            if kind and "kind" not in value:
                value["kind"] = kind
            for key, item in value.items():
                if key in schema["properties"]:
                    self._defaults(item, schema["properties"][key])
        elif isinstance(value, list) and schema.get("type") == "array":
            for item in value:
                self._defaults(item, schema.get("items", {}))


@functools.cache
def validator(api: str) -> Validator:
    return Validator(api)


def validate_response(api: str, value, ref: str):
    """Raise SchemaError unless ``value`` is a valid ``ref`` response of ``api``."""
    return validator(api).validate(value, ref, mode="response", root="response")
