"""The one way sangloc reads YAML: safe, exact, and without surprises.

* Only the safe constructors: a tag such as ``!!python/object`` is an error.
* Dates stay strings: PyYAML would turn ``2020-02-30`` into an exception that
  takes the whole file down; the profile model parses dates itself and
  reports the one bad field.
* A key that appears twice in one mapping is an error: YAML keeps the last
  one silently, and a lost value is a wrong decision.
* An explicit tag is read as what it means for a text format like ours, or
  becomes a :class:`BadValue` in the document: ``!!timestamp`` keeps the text
  (the model reads dates); ``!!str``, ``!!int``, ``!!float``, ``!!bool``,
  ``!!null``, ``!!map``, ``!!seq`` are honoured when the value is one; a value
  that is not what its tag says (``!!int abc``), ``!!binary``, ``!!set``,
  ``!!omap``, ``!!pairs``, any other tag, and a number too large to print
  (``int`` refuses more than 4,300 digits) are a ``BadValue``.  The reader of
  the document (``engine/profile/reading.py``, the pack loader) turns each into
  an input error of the one profile or pack that holds it, never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DuplicateKeyError(yaml.constructor.ConstructorError):
    def __init__(self, key, mark):
        self.key = key
        self.line = mark.line + 1
        super().__init__(None, None, f"duplicate key {key!r}", mark)


#: How many nodes one document may expand to once its aliases are followed: a
#: "billion laughs" document is refused before anything walks it.
MAX_EXPANDED_NODES = 200_000


class AliasBombError(yaml.YAMLError):
    def __init__(self, what: str):
        self.problem = what
        super().__init__(what)


#: The largest integer a document may hold, in bits (about 64 decimal digits): a
#: year, a count or a date written as a number is far smaller, and a larger one
#: could not even be printed in a message (Python's int-to-text limit).
MAX_INT_BITS = 212


@dataclass(frozen=True)
class BadValue:
    """A value the reader could not take for what it claims to be; stands in the
    document where the value was, so the one profile that holds it is reported."""

    #: A message code of engine/i18n.py: yaml_tag, yaml_not_tagged, yaml_not_allowed, number_too_large.
    code: str
    tag: str
    value: str
    line: int | None = None
    column: int | None = None

    def params(self) -> dict:
        return {"tag": self.tag, "value": self.value, "line": self.line or "?", "column": self.column or "?"}


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _bad(code: str, node, text: str | None = None) -> BadValue:
    if text is None:
        text = node.value if isinstance(node, yaml.ScalarNode) else type(node).__name__.replace("Node", "").lower()
    text = str(text)
    if len(text) > 40:
        text = text[:37] + "…"
    mark = node.start_mark
    return BadValue(code, _short_tag(node.tag), text, mark.line + 1, mark.column + 1)


def too_large(value: int) -> bool:
    return abs(value).bit_length() > MAX_INT_BITS


_DECIMAL = re.compile(r"^[-+]?[0-9]+$", re.ASCII)


class StrictLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader with timestamps left as text, duplicate keys refused and every
    tag read as described above."""


    # Timestamps stay text; a plain scalar is an integer only when written in decimal digits
    # (YAML 1.1 also reads 0b1111, 0x7B0, 1_968 and 1:30 as numbers, and 02017 as octal 1039:
    # a clerk never means them so; they stay the text written, which the model then refuses).
    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp",
                                                                  "tag:yaml.org,2002:int")]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }
    for first in "-+0123456789":
        yaml_implicit_resolvers.setdefault(first, []).insert(0, ("tag:yaml.org,2002:int", _DECIMAL))

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *anchor` is flattened by the base class
            key = self.construct_object(key_node, deep=True)
            try:
                hashable = key in seen
            except TypeError:
                continue  # an unhashable key fails in the base class, with its own message
            if hashable:
                raise DuplicateKeyError(key, key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


    def _scalar(self, node, build, code: str = "yaml_not_tagged"):
        if not isinstance(node, yaml.ScalarNode):
            return _bad("yaml_not_tagged", node)
        try:
            value = build(self, node)
        except (ValueError, KeyError, TypeError, ArithmeticError):
            return _bad(code, node)
        if isinstance(value, int) and not isinstance(value, bool) and too_large(value):
            return _bad("number_too_large", node, str(len(node.value)))
        return value

    def construct_strict_int(self, node):
        if isinstance(node, yaml.ScalarNode) and len(node.value) > 4 * MAX_INT_BITS:
            return _bad("number_too_large", node, str(len(node.value)))
        if isinstance(node, yaml.ScalarNode) and _DECIMAL.fullmatch(node.value):
            return self._scalar(node, lambda _self, n: int(n.value, 10))  # 02017 is 2017, not octal 1039
        return self._scalar(node, _Base.construct_yaml_int)  # `!!int 0x7B0` as its tag says

    def construct_strict_float(self, node):
        return self._scalar(node, _Base.construct_yaml_float)

    def construct_strict_bool(self, node):
        return self._scalar(node, _Base.construct_yaml_bool)

    def construct_strict_str(self, node):
        return self._scalar(node, _Base.construct_yaml_str)

    def construct_strict_null(self, node):
        return self._scalar(node, _Base.construct_yaml_null)

    def construct_text_timestamp(self, node):
        # Dates stay text: the model parses them and reports the one bad field.
        return self._scalar(node, _Base.construct_scalar)

    def construct_strict_map(self, node):
        if not isinstance(node, yaml.MappingNode):
            return _bad("yaml_not_tagged", node)
        return _Base.construct_yaml_map(self, node)  # a generator: filled once its children are built

    def construct_strict_seq(self, node):
        if not isinstance(node, yaml.SequenceNode):
            return _bad("yaml_not_tagged", node)
        return _Base.construct_yaml_seq(self, node)

    def construct_not_allowed(self, node):
        return _bad("yaml_not_allowed", node)

    def construct_unknown_tag(self, node):
        return _bad("yaml_tag", node)


StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, StrictLoader.construct_strict_map
)
for _tag, _constructor in (
    ("int", StrictLoader.construct_strict_int), ("float", StrictLoader.construct_strict_float),
    ("bool", StrictLoader.construct_strict_bool), ("str", StrictLoader.construct_strict_str),
    ("null", StrictLoader.construct_strict_null), ("timestamp", StrictLoader.construct_text_timestamp),
    ("seq", StrictLoader.construct_strict_seq),
    ("binary", StrictLoader.construct_not_allowed), ("set", StrictLoader.construct_not_allowed),
    ("omap", StrictLoader.construct_not_allowed), ("pairs", StrictLoader.construct_not_allowed),
):
    StrictLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _constructor)
StrictLoader.add_constructor(None, StrictLoader.construct_unknown_tag)


def expanded_size(value, limit: int = MAX_EXPANDED_NODES) -> int:
    """Nodes of ``value`` counted as a walk would meet them (aliases followed),
    computed once per shared object, so a bomb is measured without being walked."""
    sizes: dict[int, int] = {}
    order, stack = [], [value]
    while stack:  # children first, without recursion (depth is bounded elsewhere)
        node = stack.pop()
        if id(node) in sizes or not isinstance(node, (dict, list)):
            continue
        sizes[id(node)] = -1
        order.append(node)
        stack.extend(node.values() if isinstance(node, dict) else node)
    for node in reversed(order):
        children = node.values() if isinstance(node, dict) else node
        total = 1 + sum(sizes.get(id(c), 1) if isinstance(c, (dict, list)) else 1 for c in children)
        sizes[id(node)] = min(total, limit + 1)
    return sizes.get(id(value), 1)


def _checked(document):
    if expanded_size(document) > MAX_EXPANDED_NODES:
        raise AliasBombError(f"the document expands to more than {MAX_EXPANDED_NODES:,} nodes")
    return document


def load_all(text: str) -> list:
    """Every document of ``text``; raises ``yaml.YAMLError`` on bad syntax or an alias bomb."""
    loader = StrictLoader(text)
    try:
        documents = []
        while loader.check_data():
            documents.append(_checked(loader.get_data()))
        return documents
    finally:
        loader.dispose()


def load_one(text: str, loader=None):
    """The one document of ``text``, read by ``loader`` (a :class:`StrictLoader`, the default)."""
    return _checked(yaml.load(text, Loader=loader or StrictLoader))  # noqa: S506 - a safe loader


def positions(text: str, loader=None) -> dict[tuple, tuple[int, int]]:
    """(line, column), 1-based, of every node of a YAML text, by its key path.

    Composing builds no objects, so this is safe on any text; a path such as
    ``("rules", 3, "kind")`` names the value of ``kind`` in the fourth rule.
    An alias is not followed (it is located where it is written), so a
    "billion laughs" costs no more than its text.
    """
    found: dict[tuple, tuple[int, int]] = {}
    try:
        root = yaml.compose(text, Loader=loader or StrictLoader)  # noqa: S506 - composing only
    except (yaml.YAMLError, RecursionError):
        return found
    if root is None:
        return found
    seen: set[int] = set()
    stack = [(root, ())]
    while stack:
        node, path = stack.pop()
        found.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if id(node) in seen or len(found) > MAX_EXPANDED_NODES:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.tag == "tag:yaml.org,2002:merge" or not isinstance(key, yaml.ScalarNode):
                    continue
                name = int(key.value) if key.tag == "tag:yaml.org,2002:int" and key.value.isdigit() else key.value
                found.setdefault(path + (name, "__key__"), (key.start_mark.line + 1, key.start_mark.column + 1))
                stack.append((value, path + (name,)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, path + (index,)) for index, item in enumerate(node.value))
    return found


def locate(found: dict[tuple, tuple[int, int]], path: tuple) -> tuple[int | None, int | None]:
    """The position of ``path``, or of its nearest ancestor present in the text.

    An unknown key is located at the key itself, where the reader must look.
    """
    if path + ("__key__",) in found:
        return found[path + ("__key__",)]
    for end in range(len(path), -1, -1):
        if path[:end] in found:
            return found[path[:end]]
    return None, None
