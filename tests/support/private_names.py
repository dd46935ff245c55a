"""Find where code touches a private name of Textual: an AST walk, with classes resolved at run time.

What counts (`private_uses`):
- in a class that derives from a Textual class: `self._x` (read or written) and `def _x` where
  `_x` is a private name of a Textual class in its MRO (a method, a class attribute, a reactive,
  or an attribute Textual's own code sets on `self`), and `super()._x`;
- on any other object (`widget._x`, `app._x`, `getattr(node, "_x")`): a private name that no
  class of the scanned tree defines itself (our `cell._title(width)` is ours; `node._bindings`
  is Textual's);
- importing a private Textual module or name (`textual.widgets._footer`, `from textual import _x`).

Our own private methods and attributes are not flagged, unless they have the name of one of the
Textual base class's own, where they would silently replace it.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass
from functools import cache
from typing import Any

ATTRIBUTE_FUNCTIONS = frozenset({"getattr", "setattr", "hasattr", "delattr"})


def is_private(name: str) -> bool:
    """`_x`, not `__dunder__` (nor `_` alone)."""
    return name.startswith("_") and not name.endswith("__") and len(name) > 1


def is_textual(cls: type) -> bool:
    """True for a class defined in Textual's own package."""
    return cls.__module__ == "textual" or cls.__module__.startswith("textual.")


@cache
def own_private_names(cls: type) -> frozenset[str]:
    """The private names one Textual class defines: in its body, and set on `self` by its methods."""
    names = {name for name in vars(cls) if is_private(name)}
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError):
        return frozenset(names)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name) and node.value.id == "self" and is_private(node.attr)):
            names.add(node.attr)
    return frozenset(names)


def textual_private_names(cls: type) -> frozenset[str]:
    """Every private name the Textual classes in `cls`'s MRO define (empty for a class of our own)."""
    names: set[str] = set()
    for base in cls.__mro__:
        if is_textual(base):
            names |= own_private_names(base)
    return frozenset(names)


@dataclass(frozen=True)
class Use:
    """One place that touches a private Textual name."""

    path: str
    line: int
    name: str
    how: str

    def __str__(self) -> str:
        joint = "" if self.how.endswith(".") else " "
        return f"{self.path}:{self.line}: {self.how}{joint}{self.name}"


class _Finder(ast.NodeVisitor):
    """Walks one module, keeping the (run-time) class each statement is in."""

    def __init__(self, path: str, namespace: dict[str, Any], ours: frozenset[str]) -> None:
        self.path = path
        self.namespace = namespace
        self.ours = ours
        self.classes: list[tuple[object, frozenset[str]]] = []
        self.uses: list[Use] = []
        # Private names this module's classes define that are not their Textual bases' own.
        self.defined: set[str] = set()

    def found(self, node: ast.AST, name: str, how: str) -> None:
        self.uses.append(Use(self.path, getattr(node, "lineno", 0), name, how))

    @property
    def textual_names(self) -> frozenset[str]:
        """The private names of the Textual bases of the class being walked."""
        return self.classes[-1][1] if self.classes else frozenset()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        outer = self.classes[-1][0] if self.classes else None
        scope = vars(outer) if isinstance(outer, type) else self.namespace if outer is None else {}
        cls = scope.get(node.name)
        names = textual_private_names(cls) if isinstance(cls, type) else frozenset()
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defined = [item.name]
            elif isinstance(item, ast.Assign):
                defined = [target.id for target in item.targets if isinstance(target, ast.Name)]
            elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                defined = [item.target.id]
            else:
                defined = []
            for name in filter(is_private, defined):
                if name in names:
                    self.found(item, name, "overrides Textual's")
                else:
                    self.defined.add(name)
        self.classes.append((cls, names))
        self.generic_visit(node)
        self.classes.pop()

    def visit_Attribute(self, node: ast.Attribute) -> None:
        name, receiver = node.attr, node.value
        if is_private(name):
            if isinstance(receiver, ast.Name) and receiver.id in ("self", "cls"):
                if name in self.textual_names:
                    self.found(node, name, f"{receiver.id}.")
                elif isinstance(node.ctx, ast.Store):
                    self.defined.add(name)
            elif (isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name)
                  and receiver.func.id == "super"):
                if name in self.textual_names or name not in self.ours:
                    self.found(node, name, "super().")
            elif name not in self.ours:
                self.found(node, name, "another object's")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if (isinstance(node.func, ast.Name) and node.func.id in ATTRIBUTE_FUNCTIONS and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
            name = node.args[1].value
            receiver = node.args[0]
            on_self = isinstance(receiver, ast.Name) and receiver.id == "self"
            if is_private(name) and (name in self.textual_names if on_self else name not in self.ours):
                self.found(node, name, f"{node.func.id}()")
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if _private_textual_module(alias.name):
                self.found(node, alias.name, "imports")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if module == "textual" or module.startswith("textual."):
            if _private_textual_module(module):
                self.found(node, module, "imports")
            for alias in node.names:
                if is_private(alias.name):
                    self.found(node, f"{module}.{alias.name}", "imports")


def _private_textual_module(module: str) -> bool:
    parts = module.split(".")
    return parts[0] == "textual" and any(is_private(part) for part in parts)


@dataclass(frozen=True)
class Module:
    """One module to check: where it is, its text, and its globals once imported."""

    path: str
    source: str
    namespace: dict[str, Any]


def private_uses(modules: list[Module]) -> list[Use]:
    """Every place in these modules that touches a private Textual name.

    Two passes: the first learns which private names the modules' own classes define (so that
    `cell._title(width)` on another object of ours is not taken for Textual's), the second finds.
    """
    ours: set[str] = set()
    for module in modules:
        first = _Finder(module.path, module.namespace, frozenset())
        first.visit(ast.parse(module.source))
        ours |= first.defined
    uses: list[Use] = []
    for module in modules:
        finder = _Finder(module.path, module.namespace, frozenset(ours))
        finder.visit(ast.parse(module.source))
        uses += finder.uses
    return uses
