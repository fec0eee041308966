"""The account file's reference and JSON Schema, generated from the pydantic models so neither can drift from them.

`smus config-reference` (or `make docs-config`) writes `docs/config-reference.md` and `config/account.schema.json`;
tests/test_config_reference.py fails when either differs from what the models say now. Three sources, all the
models' own: the field types and defaults (pydantic), the `#:` comment above a field (its description), and what
the field's validator says it accepts, found by asking the validator to judge a value nothing accepts, so the
reference quotes exactly the words an error would print.

Kept free of cdktn, like the loader: it runs in well under a second.
"""

from __future__ import annotations

import enum
import inspect
import json
import re
import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union, cast, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import PydanticUndefined, core_schema

from config.models import AccountConfig

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_PATH = PROJECT_ROOT / "docs" / "config-reference.md"
SCHEMA_PATH = PROJECT_ROOT / "config" / "account.schema.json"
SCHEMA_ID = "https://github.com/acme/smus-estate/config/account.schema.json"
REGENERATE = "make docs-config"
# A value no validator of this project accepts (a NUL byte can be in no name, ARN, ID or path): what a validator
# says about it is what it accepts.
_PROBE = "\x00"
_EXAMPLE = re.compile(r"e\.g\. (\[[^\]]*\]|'[^']*'|\"[^\"]*\")")
_JS_UNSAFE = re.compile(r"\(\?[<=!]")  # look-arounds: not in the regex dialect editors use for JSON Schema


# --- descriptions: the `#:` comments above fields ----------------------------------------------------------------


def field_comments(model: type[BaseModel]) -> dict[str, str]:
    """``{field: text}`` from the `#:` comment lines directly above each field in the model's source."""
    try:
        lines = inspect.getsource(model).splitlines()
    except (OSError, TypeError):
        return {}
    comments: dict[str, str] = {}
    pending: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#:"):
            pending.append(stripped[2:].strip())
            continue
        match = re.match(r"([a-z_][a-z0-9_]*)\s*:", stripped)
        if match and pending and match.group(1) in model.model_fields:
            comments[match.group(1)] = " ".join(pending)
        pending = []
    return comments


def model_doc(model: type[BaseModel]) -> str:
    """The model's own docstring, unless it is pydantic's inherited one."""
    doc = model.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if isinstance(doc, str) else ""


# --- what a validator accepts ------------------------------------------------------------------------------------


def accepted_by(annotation: Any) -> str | None:
    """The "expected ..." text a validator of ``annotation`` gives for a value nothing accepts, if it has one."""
    try:
        TypeAdapter(annotation).validate_python(_PROBE)
    except ValidationError as error:
        message = str(error.errors()[0]["msg"])
        if message.startswith("Value error, "):
            return message.removeprefix("Value error, ").removeprefix("expected ")
        return None
    except Exception:
        return None
    return None


def _pattern_of(function: Callable[..., Any]) -> str | None:
    """The one compiled pattern a validator function matches against (closure or module global), if any."""
    try:
        names = inspect.getclosurevars(function)
    except (TypeError, ValueError):
        return None
    found = [
        value.pattern
        for value in (*names.nonlocals.values(), *names.globals.values())
        if isinstance(value, re.Pattern) and isinstance(value.pattern, str)
    ]
    return found[0] if len(found) == 1 and not _JS_UNSAFE.search(found[0]) else None


# --- JSON Schema -------------------------------------------------------------------------------------------------


class _AccountSchema(GenerateJsonSchema):
    """pydantic's schema, plus what its after-validators check: the pattern, and their words as a description."""

    def function_after_schema(self, schema: core_schema.AfterValidatorFunctionSchema) -> JsonSchemaValue:
        value = super().function_after_schema(schema)
        function = schema["function"]["function"]
        if value.get("type") == "string":
            pattern = _pattern_of(function)
            if pattern is not None:
                value["pattern"] = pattern
            try:
                if len(inspect.signature(function).parameters) == 1:
                    cast(Callable[[str], object], function)(_PROBE)
            except ValueError as error:
                value.setdefault("description", f"Accepted: {str(error).removeprefix('expected ')}")
            except Exception:
                pass
        return value


def _models(root: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Every model reachable from ``root``, by class name (the names pydantic uses under `$defs`)."""
    found: dict[str, type[BaseModel]] = {}

    def visit(model: type[BaseModel]) -> None:
        if model.__name__ in found:
            return
        found[model.__name__] = model
        for field in model.model_fields.values():
            for inner in _nested_types(field.annotation):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    visit(inner)

    visit(root)
    return found


def _nested_types(annotation: Any) -> Iterator[Any]:
    yield annotation
    for arg in get_args(annotation):
        yield from _nested_types(arg)


def _drop_null(node: Any) -> Any:
    """TOML has no null: a key left out takes its default. Remove `null` alternatives and `default: null`."""
    if isinstance(node, dict):
        cleaned = {key: _drop_null(value) for key, value in node.items()}
        options = cleaned.get("anyOf")
        if isinstance(options, list):
            kept = [option for option in options if option != {"type": "null"}]
            if len(kept) == 1:
                del cleaned["anyOf"]
                cleaned = {**kept[0], **cleaned}
            else:
                cleaned["anyOf"] = kept
        if "default" in cleaned and cleaned["default"] is None:
            del cleaned["default"]
        return cleaned
    if isinstance(node, list):
        return [_drop_null(item) for item in node]
    return node


def account_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one `config/accounts/<account>.toml` file."""
    schema = AccountConfig.model_json_schema(schema_generator=_AccountSchema)
    definitions: dict[str, Any] = schema.get("$defs", {})
    for name, model in _models(AccountConfig).items():
        target = schema if model is AccountConfig else definitions.get(name)
        if target is None:
            continue
        for field, text in field_comments(model).items():
            prop = target.get("properties", {}).get(field)
            if prop is not None:
                accepted = prop.get("description")
                prop["description"] = f"{text} {accepted}" if accepted and accepted != text else text
    schema = _drop_null(schema)
    schema.pop("title", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "smus-estate account file (config/accounts/<account>.toml)",
        **schema,
    }


def schema_text() -> str:
    return json.dumps(account_schema(), indent=2, ensure_ascii=False) + "\n"


# --- Markdown reference ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One TOML table of the account file and the model that types it."""

    title: str
    model: type[BaseModel]
    anchor: str


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """``annotation`` without `| None`, and whether None was allowed."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _strip_annotated(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _model_in(annotation: Any) -> tuple[type[BaseModel], str] | None:
    """The model a field holds and how: 'table', 'array' (array of tables) or 'map' (tables under free keys)."""
    inner, _ = _unwrap(_strip_annotated(annotation))
    inner = _strip_annotated(inner)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return inner, "table"
    origin, args = get_origin(inner), get_args(inner)
    if origin is list and args:
        item = _strip_annotated(args[0])
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item, "array"
    if origin is dict and len(args) == 2:
        value = _strip_annotated(args[1])
        if isinstance(value, type) and issubclass(value, BaseModel):
            return value, "map"
    return None


def _key_placeholder(annotation: Any) -> str:
    key = _strip_annotated(get_args(_strip_annotated(annotation))[0])
    if isinstance(key, type) and issubclass(key, enum.Enum):
        return f"<{key.__name__}>"
    return "<region>" if "region" in str(get_args(_strip_annotated(annotation))[0]).lower() else "<name>"


def sections(root: type[BaseModel] = AccountConfig) -> list[Section]:
    """Every table of the file, in the order a reader meets them, each titled as TOML writes its header."""
    found: list[Section] = []

    def visit(model: type[BaseModel], path: str, array: bool) -> None:
        for name, field in model.model_fields.items():
            held = _model_in(field.annotation)
            if held is None:
                continue
            inner, how = held
            child = f"{path}.{name}" if path else name
            if how == "map":
                child = f"{child}.{_key_placeholder(_unwrap(field.annotation)[0])}"
            is_array = array or how == "array"
            title = f"[[{child}]]" if how == "array" else f"[{child}]"
            found.append(Section(title=title, model=inner, anchor=_anchor(title)))
            visit(inner, child, is_array)

    visit(root, "", False)
    return found


def _anchor(title: str) -> str:
    """The id GitHub gives the heading "`title`": lower case, punctuation other than '-' and '_' dropped."""
    return re.sub(r"[^a-z0-9 _-]", "", title.lower()).replace(" ", "-")


def _type_text(annotation: Any, info: FieldInfo | None = None) -> str:
    annotation, _ = _unwrap(annotation)
    base = _strip_annotated(annotation)
    base, _ = _unwrap(base)
    base = _strip_annotated(base)
    limits = _limits(info.metadata if info else [])
    origin, args = get_origin(base), get_args(base)
    if origin is Literal:
        text = "one of " + ", ".join(f"`{json.dumps(arg)}`" for arg in args)
    elif isinstance(base, type) and issubclass(base, enum.Enum):
        text = "one of " + ", ".join(f"`{json.dumps(member.value)}`" for member in base)
    elif base is bool:
        text = "boolean"
    elif base is int:
        text = "integer" + (f" {limits}" if limits else "")
        limits = ""
    elif base is str:
        text = "string"
    elif origin is list:
        text = f"array of {_plural(_type_text(args[0]))}"
    elif origin is dict:
        text = f"table of {_type_text(args[0])} keys to {_plural(_type_text(args[1]))}"
    elif isinstance(base, type) and issubclass(base, BaseModel):
        text = "table"
    else:
        text = str(base)
    if limits:
        text += f" ({limits})"
    return text


def _plural(text: str) -> str:
    for word in ("string", "boolean", "integer", "table", "array"):
        if text.startswith(word):
            return word + "s" + text[len(word) :]
    return f"({text})"


def _limits(metadata: list[Any]) -> str:
    parts = []
    for item in metadata:
        for attribute, word in (("ge", ">="), ("le", "<="), ("min_length", "at least"), ("max_length", "at most")):
            value = getattr(item, attribute, None)
            if value is not None:
                parts.append("non-empty" if (attribute, value) == ("min_length", 1) else f"{word} {value}")
    return ", ".join(parts)


def _toml(value: Any) -> str:  # noqa: PLR0911 - one return per TOML value kind
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{key} = {_toml(item)}" for key, item in value.items()) + " }" if value else "{}"
    if isinstance(value, BaseModel):
        return _toml(value.model_dump(exclude_defaults=True))
    return json.dumps(str(value))


def _default_text(info: FieldInfo, described: bool) -> str:
    if info.is_required():
        return "required"
    default = info.get_default(call_default_factory=True)
    if default is None or default is PydanticUndefined:
        return "optional (left out: see below)" if described else "optional"
    if isinstance(default, BaseModel):
        return "optional (every key of the table at its default)"
    return f"default `{_toml(default)}`"


def _example(  # noqa: PLR0911 - one return per kind of example
    name: str, annotation: Any, info: FieldInfo, accepted: str | None, comment: str
) -> str | None:
    """A line to paste: a value the text itself gives (e.g. ...), a choice, or a typical value for the type."""
    for text in (accepted or "", comment):
        match = _EXAMPLE.search(text)
        if match:
            quoted = match.group(1)
            if quoted.startswith("'"):
                quoted = json.dumps(quoted[1:-1])
            return f"{name} = {quoted}"
    base = _strip_annotated(_unwrap(_strip_annotated(annotation))[0])
    base = _strip_annotated(_unwrap(base)[0])
    default = None if info.is_required() else info.get_default(call_default_factory=True)
    origin, args = get_origin(base), get_args(base)
    if origin is Literal:
        choice = next((arg for arg in args if arg != default), args[0])
        return f"{name} = {_toml(choice)}"
    if isinstance(base, type) and issubclass(base, enum.Enum):
        members = [member.value for member in base]
        return f"{name} = {_toml(next((m for m in members if m != getattr(default, 'value', default)), members[0]))}"
    if base is bool:
        return f"{name} = {_toml(not default if isinstance(default, bool) else True)}"
    if base is int:
        return f"{name} = {default if isinstance(default, int) else 1}"
    if default not in (None, [], {}, "") and not isinstance(default, BaseModel):
        return f"{name} = {_toml(default)}"
    if origin is dict:
        return f'{name} = {{ Key = "value" }}'
    return None


def _field_block(model: type[BaseModel], name: str, info: FieldInfo, comment: str, links: Mapping[Any, str]) -> str:
    annotation = info.annotation
    rebuilt = Annotated[annotation, *info.metadata] if info.metadata else annotation
    accepted = accepted_by(rebuilt)
    held = _model_in(annotation)
    type_text = _type_text(annotation, info)
    if held is not None:
        _, how = held
        where = links.get((model, name))
        kind = {"table": "table", "array": "array of tables", "map": "tables, one per key"}[how]
        type_text = f"{kind}: see [`{where}`](#{_anchor(where)})" if where else kind
    lines = [f"- **`{name}`** - {type_text}; {_default_text(info, bool(comment))}."]
    if comment:
        lines.append(f"  {comment}")
    if accepted:
        lines.append(f"  Accepted: {accepted}.")
    if held is None:
        example = _example(name, annotation, info, accepted, comment)
        if example:
            lines.append(f"  Example: `{example}`")
    return "\n".join(lines)


def reference_text() -> str:
    """`docs/config-reference.md`, as the models define the file today."""
    found = sections()
    links: dict[Any, str] = {}
    owners: dict[str, list[str]] = {}

    def index(model: type[BaseModel], path: str) -> None:
        for name, field in model.model_fields.items():
            held = _model_in(field.annotation)
            if held is None:
                continue
            child = f"{path}.{name}" if path else name
            if held[1] == "map":
                child = f"{child}.{_key_placeholder(_unwrap(field.annotation)[0])}"
            title = f"[[{child}]]" if held[1] == "array" else f"[{child}]"
            links.setdefault((model, name), title)
            owners.setdefault(held[0].__name__, []).append(title)
            index(held[0], child)

    index(AccountConfig, "")
    out = [
        "# Account file reference (`config/accounts/<account>.toml`)",
        "",
        f"<!-- Generated from the pydantic models in config/ by `{REGENERATE}` (smus config-reference). Do not edit:",
        "     tests/test_config_reference.py fails when this file is stale. -->",
        "",
        "One TOML file per AWS account; the file's name is the account's name. Every key below is checked by",
        "`smus validate`: an unknown key, a wrong type or a value outside what is accepted is an error naming the",
        "file, the key, the value and what would be accepted. A key marked optional may be left out.",
        "",
        "Editors: the JSON Schema `config/account.schema.json` is generated from the same models. Start an account",
        "file with `#:schema ../account.schema.json` and Even Better TOML (taplo) completes and checks keys as you",
        "type.",
        "",
        "## Tables",
        "",
    ]
    for section in found:
        out.append(f"- [`{section.title}`](#{section.anchor})")
    out += ["", "## Top level", "", model_doc(AccountConfig), ""]
    comments = field_comments(AccountConfig)
    for name, info in AccountConfig.model_fields.items():
        out.append(_field_block(AccountConfig, name, info, comments.get(name, ""), links))
    documented: dict[str, str] = {}
    for section in found:
        out += ["", f"## `{section.title}`", ""]
        first = documented.get(section.model.__name__)
        if first is not None:
            out.append(f"The same keys as [`{first}`](#{_anchor(first)}).")
            continue
        documented[section.model.__name__] = section.title
        doc = model_doc(section.model)
        if doc:
            out += [" ".join(doc.split()), ""]
        comments = field_comments(section.model)
        for name, info in section.model.model_fields.items():
            out.append(_field_block(section.model, name, info, comments.get(name, ""), links))
    return "\n".join(out).rstrip() + "\n"


def write(reference: Path = REFERENCE_PATH, schema: Path = SCHEMA_PATH) -> list[Path]:
    """Regenerate both files; returns the ones whose content changed."""
    changed = []
    for path, text in ((reference, reference_text()), (schema, schema_text())):
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed
