"""Wire schemas taken from the model classes that ship with the Azure SDKs.

Two generations of generated models are installed: azure-mgmt-network and azure-mgmt-privatedns use
the TypeSpec `model_base` (``rest_field`` descriptors with a REST name, a visibility list and a type
annotation whose ``Optional`` marks what is not required), azure-mgmt-dnsresolver uses the msrest
style (``_attribute_map`` with flattened ``properties.x`` keys and a ``_validation`` table). Both are
turned into one small tree of nodes so the emulator can validate request bodies the way the
resource provider does and the tests can validate every response the emulator sends.

Node shapes: ``{"kind": "object", "name", "fields": {rest_name: Field}}``, ``{"kind": "list",
"item"}``, ``{"kind": "dict", "value"}``, ``{"kind": "enum", "name", "values"}`` and the scalars
``str``, ``int``, ``float``, ``bool``, ``datetime``, ``any``.
"""

from __future__ import annotations

import enum
import importlib
import re
import typing
from dataclasses import dataclass
from datetime import datetime

_NONE = type(None)


@dataclass
class Field:
    node: dict
    readonly: bool = False
    required: bool = False


_CACHE: dict[object, dict] = {}


def _scalar(kind: str) -> dict:
    return {"kind": kind}


def model_schema(cls) -> dict:
    """Schema node for an SDK model class of either generation."""
    if cls in _CACHE:
        return _CACHE[cls]
    if hasattr(cls, "_attribute_map"):
        return _msrest_schema(cls)
    return _typespec_schema(cls)


# -- TypeSpec model_base models (network, privatedns) -------------------------------------------


def _typespec_schema(cls) -> dict:
    node = {"kind": "object", "name": cls.__name__, "fields": {}}
    _CACHE[cls] = node
    module = importlib.import_module(cls.__module__)
    package = importlib.import_module(cls.__module__.rsplit(".", 1)[0])
    hints = typing.get_type_hints(cls, globalns=vars(module), localns={"_models": package})
    for klass in reversed(cls.__mro__):
        for attr, value in vars(klass).items():
            if type(value).__name__ != "_RestField":
                continue
            rest_name = value._rest_name_input or attr
            annotation = hints.get(attr)
            visibility = value._visibility or []
            readonly = bool(visibility) and visibility == ["read"]
            optional = _is_optional(annotation)
            node["fields"][rest_name] = Field(
                _annotation_node(annotation), readonly=readonly, required=not optional and not readonly
            )
    return node


def _is_optional(annotation) -> bool:
    return typing.get_origin(annotation) is typing.Union and _NONE in typing.get_args(annotation)


def _annotation_node(annotation) -> dict:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Union:
        args = [a for a in args if a is not _NONE]
        enums = [a for a in args if isinstance(a, type) and issubclass(a, enum.Enum)]
        if enums:
            return _enum_node(enums[0])
        if len(args) == 1:
            return _annotation_node(args[0])
        return _scalar("any")
    if origin is list:
        return {"kind": "list", "item": _annotation_node(args[0])}
    if origin is dict:
        return {"kind": "dict", "value": _annotation_node(args[1])}
    if origin is typing.Literal:
        return {"kind": "enum", "name": "Literal", "values": [str(a) for a in args]}
    if annotation is str:
        return _scalar("str")
    if annotation is bool:
        return _scalar("bool")
    if annotation is int:
        return _scalar("int")
    if annotation is float:
        return _scalar("float")
    if annotation is datetime:
        return _scalar("datetime")
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _enum_node(annotation)
    if isinstance(annotation, type) and hasattr(annotation, "_is_model"):
        return model_schema(annotation)
    return _scalar("any")


def _enum_node(enum_cls) -> dict:
    return {"kind": "enum", "name": enum_cls.__name__, "values": [str(m.value) for m in enum_cls]}


# -- msrest models (dnsresolver) ----------------------------------------------------------------


def _msrest_schema(cls) -> dict:
    node = {"kind": "object", "name": cls.__name__, "fields": {}}
    _CACHE[cls] = node
    package = importlib.import_module(cls.__module__.rsplit(".", 1)[0])
    validation = getattr(cls, "_validation", {}) or {}
    for attr, spec in cls._attribute_map.items():
        rules = validation.get(attr, {})
        parts = [p.replace("\\.", ".") for p in re.split(r"(?<!\\)\.", spec["key"])]
        target = node
        for part in parts[:-1]:
            field = target["fields"].get(part)
            if field is None:
                # The flattened envelope ("properties") is required when one of its members is.
                field = Field({"kind": "object", "name": f"{cls.__name__}.{part}", "fields": {}})
                target["fields"][part] = field
            if rules.get("required"):
                field.required = True
            target = field.node
        target["fields"][parts[-1]] = Field(
            _msrest_type(spec["type"], package),
            readonly=bool(rules.get("readonly")),
            required=bool(rules.get("required")),
        )
    return node


def _msrest_type(name: str, package) -> dict:
    if name.startswith("[") and name.endswith("]"):
        return {"kind": "list", "item": _msrest_type(name[1:-1], package)}
    if name.startswith("{") and name.endswith("}"):
        return {"kind": "dict", "value": _msrest_type(name[1:-1], package)}
    simple = {
        "str": "str",
        "int": "int",
        "long": "int",
        "float": "float",
        "bool": "bool",
        "iso-8601": "datetime",
        "rfc-1123": "datetime",
        "object": "any",
    }
    if name in simple:
        return _scalar(simple[name])
    cls = getattr(package, name, None)
    if cls is None:
        return _scalar("any")
    if isinstance(cls, type) and issubclass(cls, enum.Enum):
        return _enum_node(cls)
    return model_schema(cls)


# -- validation ----------------------------------------------------------------------------------


@dataclass
class Problem:
    path: str
    kind: str  # unknown | type | required | enum
    message: str


def validate(value, node: dict, mode: str = "request", path: str = "") -> list[Problem]:
    """Check ``value`` (parsed JSON) against ``node``.

    ``mode="request"``: unknown members, wrong types, bad enum values and missing required members
    are problems; read-only members are accepted and ignored (clients PUT back what they GET).
    ``mode="response"``: the same checks, so emulator output stays inside the published schema.
    """
    problems: list[Problem] = []
    _check(value, node, mode, path, problems)
    return problems


_TYPE_NAMES = {
    "str": "System.String",
    "int": "System.Int32",
    "float": "System.Double",
    "bool": "System.Boolean",
    "datetime": "System.DateTime",
}


def _check(value, node, mode, path, problems) -> None:
    kind = node["kind"]
    if value is None or kind == "any":
        return
    if kind == "object":
        if not isinstance(value, dict):
            problems.append(
                Problem(path, "type", f"Error converting value to type '{node['name']}'. Path '{path}'.")
            )
            return
        fields = node["fields"]
        for key, item in value.items():
            field = fields.get(key)
            if field is None:
                problems.append(
                    Problem(
                        _join(path, key),
                        "unknown",
                        f"Could not find member '{key}' on object of type "
                        f"'{node['name']}'. Path '{_join(path, key)}'.",
                    )
                )
                continue
            if field.readonly and mode == "request":
                continue
            _check(item, field.node, mode, _join(path, key), problems)
        # A reference ({"id": ...}) need not carry the referenced object's required members.
        is_reference = mode == "request" and isinstance(value.get("id"), str)
        for key, field in fields.items():
            if field.required and not is_reference and value.get(key) is None:
                problems.append(
                    Problem(
                        _join(path, key),
                        "required",
                        f"Required property '{key}' not found in JSON. Path '{_join(path, key)}'.",
                    )
                )
        return
    if kind == "list":
        if not isinstance(value, list):
            problems.append(Problem(path, "type", f"Error converting value to an array. Path '{path}'."))
            return
        for index, item in enumerate(value):
            _check(item, node["item"], mode, f"{path}[{index}]", problems)
        return
    if kind == "dict":
        if not isinstance(value, dict):
            problems.append(Problem(path, "type", f"Error converting value to a dictionary. Path '{path}'."))
            return
        for key, item in value.items():
            _check(item, node["value"], mode, _join(path, key), problems)
        return
    if kind == "enum":
        if not isinstance(value, str) or value.lower() not in {v.lower() for v in node["values"]}:
            problems.append(
                Problem(
                    path,
                    "enum",
                    f"Error converting value {_show(value)} to type '{node['name']}'. Path '{path}'.",
                )
            )
        return
    ok = {
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "datetime": isinstance(value, str),
    }[kind]
    if not ok:
        problems.append(
            Problem(
                path,
                "type",
                f"Error converting value {_show(value)} to type '{_TYPE_NAMES[kind]}'. Path '{path}'.",
            )
        )


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _show(value) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)
