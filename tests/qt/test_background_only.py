"""Background work in ``anylabel/qt`` goes through ``background.BackgroundTask`` only.

Every module of the desktop package is scanned (AST) for the ways to start a thread of its
own: ``QThread`` (subclassed or created), ``QThreadPool``/``QRunnable``, ``threading.Thread``
and ``Timer``, thread and process pools, ``multiprocessing`` processes. Only ``background.py``
may use them, so each job starts, reports progress, cancels, reports its failure and is
stopped on window close the same way (docs/extending.md, docs/adr/0032-background-tasks.md).
"""
from __future__ import annotations

import ast
from pathlib import Path

import anylabel.qt

QT = Path(anylabel.qt.__file__).parent
HOME = "background.py"

#: Modules and the names in them that start threads or processes.
FORBIDDEN = {
    "qtpy.QtCore": {"QThread", "QThreadPool", "QRunnable"},
    "PyQt5.QtCore": {"QThread", "QThreadPool", "QRunnable"},
    "threading": {"Thread", "Timer"},
    "_thread": {"start_new_thread"},
    "concurrent.futures": {"ThreadPoolExecutor", "ProcessPoolExecutor"},
    "multiprocessing": {"Process", "Pool", "get_context"},
}
#: Pools that are not jobs but caches the GUI thread reads on demand: nothing to show or
#: cancel; a failure resurfaces on the GUI thread when it takes the result (the image is
#: decoded again in the foreground and its error reported; a render raises in collect()).
ALLOWED = {
    ("file_ops.py", "ThreadPoolExecutor"): "decodes the neighbouring images ahead (prefetch)",
    ("canvas/shape_layer.py", "ThreadPoolExecutor"): "renders the shape layer's cache off the GUI thread",
}


def thread_starts(source: str) -> list[tuple[int, str]]:
    """(line, name) of every use of a FORBIDDEN name: imported from its module, or read as
    an attribute of the module (``threading.Thread``, ``QtCore.QThread``)."""
    tree = ast.parse(source)
    modules: dict[str, str] = {}  # local name -> module, for "import threading as t"
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:  # "import concurrent.futures as cf": cf is the module
                    modules[alias.asname] = alias.name
                else:  # "import concurrent.futures" binds "concurrent"
                    top = alias.name.split(".")[0]
                    modules[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if alias.name in FORBIDDEN.get(node.module, ()):
                    found.append((node.lineno, alias.name))
                full = f"{node.module}.{alias.name}"
                if full in FORBIDDEN:  # "from qtpy import QtCore"
                    modules[alias.asname or alias.name] = full
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {n for names in FORBIDDEN.values() for n in names}:
            owner = _dotted(node.value)
            module = modules.get(owner.split(".")[0], "") + owner[len(owner.split(".")[0]):] if owner else ""
            if node.attr in FORBIDDEN.get(module, ()):
                found.append((node.lineno, node.attr))
    return sorted(found)


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def test_only_background_py_starts_threads() -> None:
    problems, used_allowances = [], set()
    for path in sorted(QT.rglob("*.py")):
        rel = path.relative_to(QT).as_posix()
        if rel == HOME:
            continue
        for line, name in thread_starts(path.read_text(encoding="utf-8")):
            if (rel, name) in ALLOWED:
                used_allowances.add((rel, name))
            else:
                problems.append(f"anylabel/qt/{rel}:{line}: {name}; run background work in a BackgroundTask")
    assert problems == []
    assert used_allowances == set(ALLOWED), f"stale allowances: {set(ALLOWED) - used_allowances}"


def test_background_py_is_where_the_thread_starts() -> None:
    assert {name for _, name in thread_starts((QT / HOME).read_text(encoding="utf-8"))} == {"Thread"}


def test_the_scan_sees_every_way_to_start_a_thread() -> None:
    source = """
import threading
import threading as th
import concurrent.futures
import multiprocessing
from qtpy import QtCore
from qtpy.QtCore import QThread, QObject
from concurrent.futures import ProcessPoolExecutor

class Worker(QThread):
    pass

class Other(QtCore.QThread):
    pass

threading.Thread(target=print).start()
th.Timer(1, print)
concurrent.futures.ThreadPoolExecutor(1)
multiprocessing.Process(target=print)
QtCore.QThreadPool.globalInstance()
"""
    names = [name for _, name in thread_starts(source)]
    assert sorted(names) == sorted(["QThread", "ProcessPoolExecutor", "QThread", "Thread", "Timer",
                                    "ThreadPoolExecutor", "Process", "QThreadPool"])


def test_the_scan_leaves_other_names_alone() -> None:
    source = """
import threading
from qtpy.QtCore import QObject, Signal, QTimer
event = threading.Event()
lock = threading.Lock()
class Thread:  # a name of its own, not threading's
    pass
Thread()
"""
    assert thread_starts(source) == []
