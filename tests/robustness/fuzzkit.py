"""Shared pieces of the fuzz tests: hostile values, mutators of JSON and text files, a
sandbox that notices writes outside the output folder and changed inputs, and the check
that only the tool's own error type may escape.

Every fuzz test is made twice by ``fuzz_pair``: a quick one for the default run (the
``quick`` hypothesis profile) and a deep one in the slow group (``deep`` profile).

Counting: with ``ANYLABEL_FUZZ_TALLY=<file>`` a problem is recorded (one JSON line per
example: reader, problems) instead of failing the example, so a deep run tries its whole
budget and ``python tests/robustness/fuzzkit.py <file>`` prints the counts per reader.
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
import sys
import traceback
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anylabel.core.errors import AnyLabelError

_COMMON: dict[str, Any] = dict(
    deadline=None,
    # The same examples on every run, so CI is repeatable; ANYLABEL_FUZZ_RANDOM=1 explores
    # others (with pytest --hypothesis-seed=N to repeat a run).
    derandomize=not os.environ.get("ANYLABEL_FUZZ_RANDOM"),
    database=None,  # no .hypothesis folder in the repository
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
settings.register_profile("quick", max_examples=int(os.environ.get("ANYLABEL_FUZZ_QUICK", "12")), **_COMMON)
settings.register_profile("deep", max_examples=int(os.environ.get("ANYLABEL_FUZZ_DEEP", "300")), **_COMMON)

# ----------------------------------------------------------------------------- hostile values

RAW_MARK = "\x00RAW\x00"  # a JSON string replaced by raw text after dumping (no dumps() could write it)
DEEP_LIST = "[" * 3000 + "]" * 3000
DEEP_DICT = '{"a":' * 2000 + "1" + "}" * 2000
RAW_TEXTS = ["1e400", "-1e400", "1234567890123456789012345", "-1e308", DEEP_LIST, DEEP_DICT, "NaN", "Infinity", "1" * 5000]

NASTY_STRINGS = [
    "",
    " ",
    "dog ",
    "cat\nzebra",
    "\ud800",  # lone surrogate
    "a\udfffb",
    "../../../../escape",
    "../escape.png",
    "/etc/passwd",
    "C:\\Windows\\evil.png",
    "x" * 5000,
    "true",
    "false",
    "1e400",
    "NaN",
    "\x00",
    "пёс 🐕",
]
NASTY_NUMBERS: list[Any] = [
    0,
    -1,
    1,
    2**31,
    -(2**63),
    10**25,
    30000,
    100000,
    float("nan"),
    float("inf"),
    float("-inf"),
    1e308,
    -1e308,
    5e-324,
    0.5,
    True,
    False,
]


def _raw(text: str) -> str:
    return f"{RAW_MARK}{RAW_TEXTS.index(text)}{RAW_MARK}"


small_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=6), kids, max_size=3),
    max_leaves=6,
)
nasty_value = st.one_of(
    st.sampled_from(NASTY_NUMBERS),
    st.sampled_from(NASTY_STRINGS),
    st.sampled_from(RAW_TEXTS).map(_raw),
    st.sampled_from([None, [], {}, [1], [[1, 2]], {"x": 1}, [None], ["a", "b"]]),
    small_json,
)


def _paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.extend(_paths(v, prefix + (k,)))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.extend(_paths(v, prefix + (i,)))
    return out


def _apply(doc: Any, path: tuple, action: str, value: Any) -> Any:
    if not path:
        return value if action == "replace" else doc
    parent = doc
    for k in path[:-1]:
        parent = parent[k]
    key = path[-1]
    if action == "delete":
        del parent[key]
    elif action == "wrap":
        parent[key] = [parent[key]]
    else:
        parent[key] = value
    return doc


#: A coordinate: mostly ordinary, often hostile (huge, NaN, infinite, 25 digits, a string).
coordinate = st.one_of(
    st.floats(-100, 100),
    st.sampled_from([1e308, -1e308, 10**25]),
    st.sampled_from([1e308, -1e308, float("nan"), float("inf"), -float("inf"), 10**25, -(10**25), 1e15, 2**63]),
    st.sampled_from(RAW_TEXTS[:4]).map(_raw),
    st.sampled_from(["1", None, True, [1]]),
)
#: A points list as a label file or a dataset holds it, with hostile coordinates.
points = st.sampled_from([2, 4, 2, 4, 0, 1, 3, 6]).flatmap(
    lambda n: st.lists(st.lists(coordinate, min_size=2, max_size=2), min_size=n, max_size=n)
)
#: A declared image size: plausible, huge, or not a size at all.
declared_size = st.sampled_from([30000, 100000, 10**9, 2**31, 0, -5, 1e308, 0.5])


def patch(path: tuple, values: st.SearchStrategy) -> st.SearchStrategy:
    """A targeted mutation: the node at ``path`` (missing keys are added) becomes a drawn value."""
    return values.map(lambda v: (path, v))


@st.composite
def mutated_json(
    draw: Any,
    doc: Any,
    within: Callable[[tuple], bool] = lambda p: True,
    targeted: list | None = None,
    damage: bool = True,
) -> bytes:
    """``doc`` with 1-3 nodes replaced by hostile values, deleted or wrapped (only nodes whose
    path ``within`` accepts), or with ``targeted`` patches (coordinates, declared sizes) put
    in; dumped, then maybe damaged at the byte level."""
    doc = json.loads(json.dumps(doc))
    if targeted and draw(st.booleans()):
        for path, value in draw(st.lists(st.one_of(targeted), min_size=1, max_size=3)):
            node = doc
            for k in path[:-1]:
                node = node[k]
            node[path[-1]] = copy.deepcopy(value)
        return draw(damaged_bytes(_dumps(doc))) if damage else _dumps(doc)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if within(p)]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "replace", "replace", "delete", "wrap"]))
        # a copy: a drawn constant ([] or {}) must not be changed by a later mutation, or the
        # next example would draw a different value (hypothesis calls that flaky data)
        doc = _apply(doc, path, action, copy.deepcopy(draw(nasty_value)))
    return draw(damaged_bytes(_dumps(doc))) if damage else _dumps(doc)


def _dumps(doc: Any) -> bytes:
    text = json.dumps(doc, ensure_ascii=True, allow_nan=True)
    for i, raw in enumerate(RAW_TEXTS):
        text = text.replace(json.dumps(f"{RAW_MARK}{i}{RAW_MARK}"), raw)
    return text.encode("utf-8")


@st.composite
def damaged_bytes(draw: Any, data: bytes) -> bytes:
    """Mostly the bytes as they are; else truncated, with bad UTF-8, a BOM, or emptied."""
    how = draw(st.sampled_from(["keep"] * 6 + ["truncate", "bad-utf8", "bom", "empty", "flip"]))
    if how == "truncate" and data:
        return data[: draw(st.integers(0, len(data) - 1))]
    if how == "bad-utf8":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xfe\xff"])) + data[at:]
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    if how == "empty":
        return b""
    if how == "flip" and data:
        at = draw(st.integers(0, len(data) - 1))
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    return data


NASTY_TOKENS = [
    "nan", "inf", "-inf", "1e400", "-1e400", "1e308", "-1", "0", "-0", "99999999999999999999999",
    "1e-400", "x", "", "0x10", "../../escape", "/etc/passwd", "\ud800", "1,2", "\t", "1" * 5000,
]  # fmt: skip


@st.composite
def mutated_lines(
    draw: Any, text: str, mutable: Callable[[int, str], bool] = lambda i, ln: True, damage: bool = True
) -> bytes:
    """Text with tokens of its mutable lines replaced, dropped or repeated, lines dropped or
    repeated, or a random line added; encoded with lone surrogates kept (as bad UTF-8)."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        targets = [i for i, ln in enumerate(lines) if mutable(i, ln)]
        if not targets:
            break
        i = draw(st.sampled_from(targets))
        op = draw(st.sampled_from(["token", "token", "token", "drop-token", "dup-token", "drop-line", "dup-line", "random"]))
        sep = "," if "," in lines[i] and " " not in lines[i].strip() else " "
        tokens = lines[i].split(sep)
        if op.endswith("token") and tokens:
            j = draw(st.integers(0, len(tokens) - 1))
            if op == "token":
                tokens[j] = draw(st.sampled_from(NASTY_TOKENS) | st.text(max_size=6))
            elif op == "drop-token":
                del tokens[j]
            else:
                tokens.insert(j, tokens[j])
            lines[i] = sep.join(tokens)
        elif op == "drop-line":
            lines[i] = ""
        elif op == "dup-line":
            lines.insert(i, lines[i])
        else:
            lines[i] = draw(st.text(max_size=40))
    # A lone surrogate becomes bad UTF-8 in the file (which spoils the whole file: only
    # with ``damage``); else it is written as the escape text it was.
    data = "\n".join(lines).encode("utf-8", "surrogatepass" if damage else "backslashreplace") + b"\n"
    return draw(damaged_bytes(data)) if damage else data


# ----------------------------------------------------------------------------- sandbox


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` (relative path -> sha256); links are recorded, not followed."""
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            p = Path(dirpath) / name
            rel = os.fsdecode(p.relative_to(root))
            out[rel] = "link" if p.is_symlink() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


class Problems(list):
    """What an example got wrong, as short lines naming the exception and where it came from."""

    def exception(self, exc: BaseException, what: str) -> None:
        frames = traceback.extract_tb(exc.__traceback__)
        inside = [f for f in frames if "/anylabel/" in f.filename.replace("\\", "/")]
        where = inside[-1] if inside else (frames[-1] if frames else None)
        at = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
        self.append(f"{what}: {type(exc).__name__}{at}: {str(exc)[:160]}")

    def compare(self, before: dict[str, str], after: dict[str, str], allowed_new: Callable[[str], bool]) -> None:
        """Inputs unchanged (same files, same bytes) and new files only where allowed."""
        for rel, digest in before.items():
            if rel not in after:
                self.append(f"input removed: {rel}")
            elif after[rel] != digest:
                self.append(f"input changed: {rel}")
        for rel in after.keys() - before.keys():
            if not allowed_new(rel):
                self.append(f"written outside the output: {rel}")


@contextmanager
def sandbox(template: Path) -> Iterator[Path]:
    """A fresh copy of ``template`` under ``<tmp>/a/b/box``, run with ``<tmp>/a/b/cwd`` as the
    current folder; on leaving, anything that appeared in ``<tmp>`` outside ``box`` (a path
    like ``../../x`` or a relative write) is reported by ``escaped``."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="anylabel-fuzz-") as tmp:
        top = Path(tmp)
        box = top / "a" / "b" / "box"
        shutil.copytree(template, box, symlinks=True)
        (top / "a" / "b" / "cwd").mkdir()
        old = os.getcwd()
        os.chdir(top / "a" / "b" / "cwd")
        try:
            with memory_bound():
                yield box
        finally:
            os.chdir(old)


#: Address space an example may add: a declared size that is trusted shows as MemoryError
#: here instead of gigabytes really allocated on a shared machine.
EXTRA_BYTES = 1536 * 1024 * 1024


@contextmanager
def memory_bound() -> Iterator[None]:
    try:
        import resource
    except ImportError:  # not on this platform: no bound
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as f:
        in_use = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    bound = in_use + EXTRA_BYTES
    if hard != resource.RLIM_INFINITY:
        bound = min(bound, hard)
    resource.setrlimit(resource.RLIMIT_AS, (bound, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def escaped(box: Path) -> list[str]:
    """Files that appeared beside the sandbox box (up to the temporary root) or in its cwd."""
    top = box.parent.parent.parent
    out = []
    for dirpath, _dirs, files in os.walk(top):
        for name in files:
            p = Path(dirpath) / name
            if box not in p.parents:
                out.append(f"written outside the output: {os.fsdecode(p.relative_to(top))}")
    return out


def guarded(problems: Problems, what: str, call: Callable[[], Any], allowed: tuple = (AnyLabelError,)) -> Any:
    """Run ``call``; an exception outside ``allowed`` is a problem (None is returned then)."""
    try:
        return call()
    except allowed:
        return None
    except Exception as exc:  # noqa: BLE001  # any other exception is exactly what we look for
        problems.exception(exc, what)
        return None


def run_cli(problems: Problems, argv: list[str]) -> int | None:
    """``anylabel ARGV`` in this process, as a user runs it: the exit code (None when an
    exception escaped, which is a problem); only 0 (all done) and 1 (files named) are right."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from anylabel.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = guarded(problems, f"anylabel {argv[0]}", lambda: main(argv), ())
    if rc is not None and rc not in (0, 1):
        problems.append(f"anylabel {argv[0]}: exit {rc}: {err.getvalue()[-300:]}")
    if "Traceback" in err.getvalue():
        problems.append(f"anylabel {argv[0]}: a traceback was printed: {err.getvalue()[-300:]}")
    return rc


def report(reader: str, problems: Problems) -> None:
    """Fail the example with its problems, or record them when counting (ANYLABEL_FUZZ_TALLY)."""
    tally = os.environ.get("ANYLABEL_FUZZ_TALLY")
    if tally:
        with open(tally, "a", encoding="utf-8") as f:
            f.write(json.dumps({"reader": reader, "problems": list(problems)}) + "\n")
        return
    assert not problems, f"{reader}:\n  " + "\n  ".join(problems)


def fuzz_pair(strategy: st.SearchStrategy, body: Callable[[Any], None]) -> tuple[Callable, Callable]:
    """The same property as a quick test (active profile) and a deep one (slow group)."""
    quick = given(strategy)(body)
    deep = pytest.mark.slow(settings(settings.get_profile("deep"))(given(strategy)(body)))
    return quick, deep


def _print_tally(path: str) -> None:
    runs: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    kinds: dict[str, Counter[str]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        runs[rec["reader"]] += 1
        if rec["problems"]:
            failed[rec["reader"]] += 1
        for p in rec["problems"]:
            kinds.setdefault(rec["reader"], Counter())[p.split(": ")[0] + ": " + p.split(": ")[1][:60]] += 1
    for reader in sorted(runs):
        print(f"{reader}: {runs[reader]} examples, {failed[reader]} with problems")
        for kind, n in kinds.get(reader, Counter()).most_common():
            print(f"    {n} x {kind}")


if __name__ == "__main__":
    _print_tally(sys.argv[1])
