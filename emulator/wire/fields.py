"""Google's ``fields`` partial-response selector: ``a,b/c,d(e,f/g),*``.

:func:`parse_fields` turns the selector into a tree (``{name: subtree | None}``; ``None`` keeps the
whole value) and :func:`apply_fields` prunes a response with it. Lists are transparent: a
selection applies to each element.
"""

from __future__ import annotations

import re
from typing import Any

FieldTree = dict[str, "FieldTree | None"]

_NAME = re.compile(r"[A-Za-z0-9_$@.\-]+|\*")


class FieldsSyntaxError(ValueError):
    """The selector is malformed (empty name, unbalanced parenthesis, stray character)."""


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def parse(self) -> FieldTree:
        tree = self._selection()
        if self.pos != len(self.text):
            raise FieldsSyntaxError(f"unexpected {self.text[self.pos]!r} at {self.pos}")
        return tree

    def _selection(self) -> FieldTree:
        tree: FieldTree = {}
        while True:
            _merge(tree, self._item())
            if self._peek() != ",":
                return tree
            self.pos += 1

    def _item(self) -> FieldTree:
        path = [self._name()]
        while self._peek() == "/":
            self.pos += 1
            path.append(self._name())
        leaf: FieldTree | None = None
        if self._peek() == "(":
            self.pos += 1
            leaf = self._selection()
            if self._peek() != ")":
                raise FieldsSyntaxError(f"missing ')' at {self.pos}")
            self.pos += 1
        node: FieldTree | None = leaf
        for name in reversed(path):
            node = {name: node}
        assert node is not None
        return node

    def _name(self) -> str:
        while self._peek() == " ":
            self.pos += 1
        match = _NAME.match(self.text, self.pos)
        if not match:
            raise FieldsSyntaxError(f"expected a field name at {self.pos}")
        self.pos = match.end()
        while self._peek() == " ":
            self.pos += 1
        return match.group(0)

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""


def _merge(into: FieldTree, other: FieldTree) -> None:
    for name, sub in other.items():
        if name not in into:
            into[name] = sub
        elif into[name] is None or sub is None:
            into[name] = None
        else:
            _merge(into[name], sub)  # type: ignore[arg-type]


def parse_fields(text: str) -> FieldTree:
    """Parse a ``fields`` selector; raise :class:`FieldsSyntaxError` when malformed."""
    if not text.strip():
        raise FieldsSyntaxError("empty field selection")
    return _Parser(text).parse()


def apply_fields(value: Any, tree: FieldTree | None) -> Any:
    """Keep only the selected parts of ``value`` (lists apply the selection per element)."""
    if tree is None:
        return value
    if isinstance(value, list):
        return [apply_fields(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    star = tree.get("*", ...) if "*" in tree else ...
    result: dict[str, Any] = {}
    for key, item in value.items():
        if key in tree:
            sub = tree[key]
        elif star is not ...:
            sub = star
        else:
            continue
        result[key] = apply_fields(item, sub)
    return result
