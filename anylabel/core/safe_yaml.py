"""The one way AnyLabel reads YAML: model configs, pose configs, a dataset's ``data.yaml``,
tracker settings and the settings file all come through here.

Why not plain ``yaml.safe_load``: it builds no arbitrary objects, but it trusts the size
of what it builds. Aliases share one node, so ``&a [x, x]``, ``&b [*a, *a]``, ... thirty
levels deep is a 600-byte file that PyYAML loads in a millisecond, and the first code that
walks it (turning class names into strings, copying, writing JSON) visits 2**30 items:
a minute of CPU, then a MemoryError. A dataset someone else made may hold such a file.

So the node graph is measured before any Python object is built: the count of nodes it
would have with every alias written out (``MAX_NODES``) and its depth (``MAX_DEPTH``) are
bounded, recursive aliases are refused, and so is a file larger than ``MAX_BYTES``. Every
refusal is a ``YamlError`` naming the file. ``YamlError`` is also a ``yaml.YAMLError``, so
callers that already turn YAML errors into their own messages keep doing so.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from .errors import AnyLabelError
from .i18n import tr

#: Largest YAML file read (configs, data.yaml and settings are a few KB).
MAX_BYTES = 4 * 1024 * 1024
#: Most nodes the document may have once every alias is expanded (a class list of
#: 10,000 names is 10,001 nodes).
MAX_NODES = 200_000
#: Deepest nesting of collections (PyYAML itself recurses once per level).
MAX_DEPTH = 100


class YamlError(AnyLabelError, yaml.YAMLError):
    """A YAML file that cannot be read, is not valid YAML, or is larger than allowed.

    ``problem`` is the text without the file name; ``problem_mark`` the position of a
    syntax error (as PyYAML gives it) when there is one."""

    def __init__(self, source: str | os.PathLike[str] | None, problem: str, problem_mark: Any = None) -> None:
        self.path = os.fspath(source) if source is not None else "<yaml>"
        self.problem = problem
        self.problem_mark = problem_mark
        super().__init__(f"{self.path}: {problem}")

    def __str__(self) -> str:  # yaml.YAMLError subclasses may override it; keep ours
        return f"{self.path}: {self.problem}"


def _expanded_size(root: yaml.Node, source: str | os.PathLike[str] | None) -> int:
    """Nodes of the document with aliases expanded; refuses cycles, depth and size over the bounds.

    Iterative, memoized by node identity: a shared node is measured once, and counted as
    often as it is referenced."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            total = 1 + sum(sizes[id(c)] for c in _children(node))
            if total > MAX_NODES:
                raise YamlError(source, tr("the YAML expands to more than {0:,} values (nested aliases "
                                           "'*name' repeat their "
                                           "anchor's content); refused").format(MAX_NODES))
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise YamlError(source, tr("the YAML has an alias inside its own anchor (a recursive "
                                       "structure); refused"))
        if depth > MAX_DEPTH:
            raise YamlError(source, tr("the YAML is nested more than {0} levels deep; refused").format(
                MAX_DEPTH))
        kids = _children(node)
        if not kids:
            sizes[key] = 1
            continue
        on_path.add(key)
        stack.append((node, depth, True))
        for child in kids:
            if id(child) not in sizes:
                stack.append((child, depth + 1, False))
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def load_yaml_text(text: str, source: str | os.PathLike[str] | None = None) -> Any:
    """Parse YAML text (``source`` names it in errors); raises YamlError."""
    if len(text) > MAX_BYTES:
        raise YamlError(source, tr("the YAML is larger than {0} MB; refused").format(
            MAX_BYTES // (1024 * 1024)))
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, source)
        return loader.construct_document(node)
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if mark is not None:
            problem = tr("not valid YAML at line {0}, column {1}: {2}").format(mark.line + 1, mark.column + 1,
                                                                           exc.problem or exc)
        else:
            problem = tr("not valid YAML: {0}").format(exc.problem or exc)
        raise YamlError(source, problem, mark) from None
    except yaml.YAMLError as exc:
        raise YamlError(source, tr("not valid YAML: {0}").format(exc)) from None
    except RecursionError:
        raise YamlError(source, tr("the YAML is nested too deeply (more than {0} levels); refused").format(
            MAX_DEPTH)) from None
    except ValueError as exc:  # a scalar PyYAML cannot build: a 5000-digit integer, the date 2024-13-45
        raise YamlError(source, tr("a value cannot be read ({0})").format(str(exc)[:100])) from None
    finally:
        loader.dispose()


def load_yaml_file(path: str | os.PathLike[str], encoding: str = "utf-8-sig") -> Any:
    """Read and parse a YAML file; raises YamlError naming it (missing files raise
    FileNotFoundError, so that callers can say what was expected there)."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise YamlError(p, tr("cannot be read ({0})").format(exc.strerror or exc)) from None
    if size > MAX_BYTES:
        raise YamlError(p, tr("the YAML file is {0:,} bytes, more than the {1} MB a configuration may have; "
                              "refused").format(size, MAX_BYTES // (1024 * 1024)))
    try:
        text = p.read_text(encoding=encoding)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise YamlError(p, tr("cannot be read ({0})").format(exc.strerror or exc)) from None
    except UnicodeDecodeError as exc:
        raise YamlError(p, tr("is not UTF-8 text ({0} at byte {1})").format(exc.reason, exc.start)) from None
    return load_yaml_text(text, p)
