"""What the schemas say about one field: the one lookup that forms, exports, `jxjy new`, the field
reference page and the templates use for titles, types, allowed values and requirements.

A field's facts are spread over its own node and the shared definitions it refers to (`$ref` into
defs.schema.json, `allOf`); `SchemaSet.node` gathers them, own node first, and a Field reads each
fact from the first node that states it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from generator.schemas import SchemaSet

FieldPath = tuple[str | int, ...]
ENVELOPE = "envelope"  # defs.schema.json#/$defs/envelope: the fields every notice shares


@dataclass(frozen=True)
class Field:
    kind: str
    path: FieldPath
    title: str
    nodes: tuple[dict[str, Any], ...]  # own node first, then what it refers to

    def first(self, keyword: str) -> Any:
        """A keyword's value in the first node that has it (the field's own before its $ref)."""
        return next((n[keyword] for n in self.nodes if keyword in n), None)

    @property
    def description(self) -> str:
        return str(self.first("description") or "")

    @property
    def enum(self) -> list[Any] | None:
        value = self.first("enum")
        return list(value) if value is not None else None

    @property
    def format(self) -> str | None:
        return next((str(n["format"]) for n in self.nodes if "format" in n), None)

    @cached_property
    def defs(self) -> frozenset[str]:
        """The shared definitions it uses: {"ref"}, {"district"}, {"date"}, ..."""
        return frozenset(str(n["$ref"]).rsplit("/", 1)[-1] for n in self.nodes if "$ref" in n)

    @cached_property
    def types(self) -> frozenset[str]:
        return frozenset(str(n["type"]) for n in self.nodes if isinstance(n.get("type"), str))

    @property
    def is_object(self) -> bool:
        return "object" in self.types

    @property
    def is_array(self) -> bool:
        return "array" in self.types


def field(schemas: SchemaSet, kind: str, path: FieldPath) -> Field:
    """The field of `kind` at `path` (list items by any index, e.g. ("subjects", 0, "result"))."""
    return Field(kind, path, schemas.title(kind, path), tuple(schemas.node(kind, path)))


def names(schemas: SchemaSet, kind: str, path: FieldPath = ()) -> list[str]:
    """The field names of the mapping at `path`, the record id first, then the kind's own, then the
    shared ones."""
    found = list(schemas.fields(kind, path))
    if "id" in found:
        found.remove("id")
        found.insert(0, "id")
    return found


def requirements(schemas: SchemaSet, kind: str, path: FieldPath = ()) -> tuple[set[str], set[str]]:
    """Names the mapping at `path` always requires, and names it requires only in some cases
    (if/then/else, anyOf, oneOf)."""
    required: set[str] = set()
    conditional: set[str] = set()
    for node in schemas.node(kind, path):
        required.update(node.get("required", []))
        for branch in ("then", "else"):
            if isinstance(node.get(branch), dict):
                conditional.update(node[branch].get("required", []))
        for alternative in (*node.get("anyOf", []), *node.get("oneOf", [])):
            conditional.update(alternative.get("required", []))
    return required, conditional - required


@cache  # asked for every record: a few kinds, one SchemaSet a run
def date_fields(schemas: SchemaSet, kind: str, path: tuple[str, ...] = ()) -> tuple[tuple[str, ...], ...]:
    """Every date field of `kind` (format: date), in nested mappings too: ("written_on",),
    ("publicity", "end"), ("announcement", "published_on"), ..."""
    found: list[tuple[str, ...]] = []
    for name in names(schemas, kind, path):
        sub = (*path, name)
        about = field(schemas, kind, sub)
        if about.is_object:
            found += date_fields(schemas, kind, sub)
        elif about.format == "date" or "date" in about.defs:
            found.append(sub)
    return tuple(found)


def envelope(schemas: SchemaSet) -> tuple[str, ...]:
    """The fields every notice has (公文要素), in the order the schema lists them."""
    return tuple(schemas.documents["defs.schema.json"]["$defs"][ENVELOPE]["properties"])


def standalone(schemas: SchemaSet, kind: str) -> frozenset[str]:
    """What a notice of its own requires (defs.schema.json#/$defs/notice, and what `kind` requires
    of a record not listed in a 名单公告), a cited document aside: what `jxjy new` asks for, since
    a fresh record is a notice of its own."""
    notice = schemas.documents["defs.schema.json"]["$defs"]["notice"]
    own = {"not": {"required": ["notice"]}}
    kind_rules = [n["then"].get("required", []) for n in schemas.node(kind, ()) if n.get("if") == own]
    return frozenset([*notice["required"], *notice["else"]["required"], *(f for r in kind_rules for f in r)])
