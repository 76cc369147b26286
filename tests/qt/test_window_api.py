"""Features use only ``WindowAPI`` of the main window (anylabel/qt/window_api.py).

The extensions and the feature packages they install are scanned (AST): no getattr/hasattr
on the window, no window member outside the Protocol, no private name of another object
or module. The main window is checked to have every member the Protocol names.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import anylabel.qt
from anylabel.qt.window_api import WindowAPI, api_names

QT = Path(anylabel.qt.__file__).parent
#: Where the features live: each receives the window and must keep to the Protocol.
FEATURE_DIRS = ("extensions", "autolabel", "export_import", "review", "sam", "training", "video")
#: How the features name the window they were given.
WINDOW_NAMES = {"window"}
WINDOW_ATTRS = {"window", "window_"}
PROBES = {"getattr", "hasattr", "setattr", "delattr"}


def feature_files() -> list[Path]:
    return sorted(p for d in FEATURE_DIRS for p in (QT / d).rglob("*.py"))


class _Scanner(ast.NodeVisitor):
    def __init__(self, allowed: frozenset[str]) -> None:
        self.allowed = allowed
        self.problems: list[str] = []
        self.aliases: list[set[str]] = [set()]  # names bound to the window, per function

    def _is_window(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return node.id in WINDOW_NAMES or node.id in self.aliases[-1]
        return (isinstance(node, ast.Attribute) and node.attr in WINDOW_ATTRS
                and isinstance(node.value, ast.Name) and node.value.id == "self")

    def _say(self, node: ast.AST, text: str) -> None:
        self.problems.append(f"line {getattr(node, 'lineno', '?')}: {text}")

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:  # noqa: N802
        self.aliases.append(set(self.aliases[-1]))  # closures see the aliases around them
        self.generic_visit(node)
        self.aliases.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    def visit_Assign(self, node: ast.Assign) -> None:  # noqa: N802
        if self._is_window(node.value):
            self.aliases[-1].update(t.id for t in node.targets if isinstance(t, ast.Name))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802
        if isinstance(node.func, ast.Name) and node.func.id in PROBES and node.args and self._is_window(node.args[0]):
            self._say(node, f"{node.func.id}() on the window: use a WindowAPI member")
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:  # noqa: N802
        if self._is_window(node.value) and node.attr not in self.allowed:
            self._say(node, f"window.{node.attr} is not in WindowAPI")
        private = node.attr.startswith("_") and not node.attr.startswith("__")
        owner_is_self = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
        owner_is_super = (isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
                          and node.value.func.id == "super")
        if private and not owner_is_self and not owner_is_super:
            self._say(node, f"private {ast.unparse(node)} of another object")
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:  # noqa: N802
        for alias in node.names:
            if alias.name.startswith("_") and not alias.name.startswith("__"):
                self._say(node, f"private {alias.name} imported from {node.module}")


def scan(source: str) -> list[str]:
    scanner = _Scanner(api_names())
    scanner.visit(ast.parse(source))
    return scanner.problems


def test_the_scanner_finds_each_kind_of_overreach() -> None:
    bad = '''
from .x import _helper
def install(window):
    w = window
    getattr(window, "file_dock", None)
    w._sam_folder_thread = 1
    window.isWindowModified()
    ctl._loading
class C:
    def f(self):
        hasattr(self.window_, "maybe_save")
        self.window.document.history
'''
    problems = scan(bad)
    assert any("private _helper" in p for p in problems)
    assert any("getattr() on the window" in p for p in problems)
    assert any("hasattr() on the window" in p for p in problems)
    assert any("window._sam_folder_thread is not in WindowAPI" in p for p in problems)
    assert any("window.isWindowModified is not in WindowAPI" in p for p in problems)
    assert any("private ctl._loading" in p for p in problems)
    assert len(problems) == 7, problems  # document.history is the document's own API
    assert scan("def install(window):\n    window.menu('tools').addAction(window.action('quit'))\n") == []


@pytest.mark.parametrize("path", feature_files(), ids=lambda p: str(p.relative_to(QT)))
def test_features_keep_to_the_window_api(path: Path) -> None:
    problems = scan(path.read_text(encoding="utf-8"))
    assert not problems, f"{path.relative_to(QT)}:\n" + "\n".join(problems)


def test_the_main_window_provides_every_member(make_window) -> None:
    from anylabel.qt.main_window import MainWindow

    w = make_window(install_extensions=True)
    assert isinstance(w, MainWindow)
    assert isinstance(w, WindowAPI)
    missing = sorted(n for n in api_names() if not hasattr(w, n))
    assert not missing
    # Every slot is filled once the extensions are in.
    for slot in ("autolabel_panel", "sam", "video", "tracks_dock", "review", "export_import", "open_video"):
        assert getattr(w, slot) is not None, slot
    assert w.statistics_sections, "review adds its part of the statistics"


def test_without_extensions_the_slots_are_empty(make_window) -> None:
    w = make_window(install_extensions=False)
    assert isinstance(w, WindowAPI)
    assert w.autolabel_panel is None and w.sam is None and w.open_video is None
    assert w.statistics_sections == []
