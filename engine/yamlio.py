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
