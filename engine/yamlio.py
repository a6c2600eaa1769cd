"""The one way sangloc reads YAML: safe, exact, and without surprises.

* Only the safe constructors: a tag such as ``!!python/object`` is an error.
* Dates stay strings: PyYAML would turn ``2020-02-30`` into an exception that
  takes the whole file down; the profile model parses dates itself and
  reports the one bad field.
* A key that appears twice in one mapping is an error: YAML keeps the last
  one silently, and a lost value is a wrong decision.
"""

from __future__ import annotations

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DuplicateKeyError(yaml.constructor.ConstructorError):
    def __init__(self, key, mark):
        self.key = key
        self.line = mark.line + 1
        super().__init__(None, None, f"duplicate key {key!r}", mark)


class StrictLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader with timestamps left as text and duplicate keys refused."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }

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


StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, StrictLoader.construct_mapping
)


def load_all(text: str) -> list:
    """Every document of ``text``; raises ``yaml.YAMLError`` on bad syntax."""
    return list(yaml.load_all(text, Loader=StrictLoader))  # noqa: S506 - a safe loader


def load_one(text: str):
    return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a safe loader


def positions(text: str) -> dict[tuple, tuple[int, int]]:
    """(line, column), 1-based, of every node of a YAML text, by its key path.

    Composing builds no objects, so this is safe on any text; a path such as
    ``("rules", 3, "kind")`` names the value of ``kind`` in the fourth rule.
    """
    found: dict[tuple, tuple[int, int]] = {}
    try:
        root = yaml.compose(text, Loader=StrictLoader)  # noqa: S506 - composing only
    except yaml.YAMLError:
        return found

    def walk(node, path: tuple) -> None:
        found.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.tag == "tag:yaml.org,2002:merge":
                    continue
                name = key.value
                if key.tag == "tag:yaml.org,2002:int":
                    name = int(name)
                found.setdefault(path + (name, "__key__"), (key.start_mark.line + 1, key.start_mark.column + 1))
                walk(value, path + (name,))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, path + (index,))

    if root is not None:
        walk(root, ())
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
