"""Fuzzing the label-file reader and every exporter behind it (the driver of ``anylabel
export``): a damaged ``bad.json`` beside a good one.

Properties: reading raises nothing but the tool's own error; the export goes on (no
exception escapes the driver), the good image is exported, the bad file is either exported
or named in the failures, the inputs keep their bytes and nothing is written outside the
output folder.
"""
from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

from anylabel.core.label_file import read_label_file
from anylabel.formats.driver import export_dataset

from fuzz_datasets import EXPORT_FORMATS, label_doc, label_patches, labelled_folder, options_for, stems_for
from fuzzkit import Problems, escaped, fuzz_pair, guarded, mutated_json, report, run_cli, sandbox, snapshot


def _good_exported(fmt: str, out: Path, good: str) -> bool:
    if fmt == "mot":  # one gt.txt per video; frame 1 is the good image
        gt = out / "clip" / "gt" / "gt.txt"
        return gt.is_file() and any(ln.startswith("1,") for ln in gt.read_text(encoding="utf-8").splitlines())
    for p in out.rglob("*"):
        if p.is_file() and (good in p.name or good.encode() in p.read_bytes()):
            return True
    return False


def _read_one(data: bytes) -> None:
    problems = Problems()
    with sandbox(labelled_folder()) as box:
        (box / "bad.json").write_bytes(data)
        guarded(problems, "read_label_file", lambda: read_label_file(box / "bad.json"))
        problems.extend(escaped(box))
    report("label JSON (read)", problems)


test_read_label_file, test_read_label_file_deep = fuzz_pair(mutated_json(label_doc("bad.png"), targeted=label_patches()), _read_one)


def _export_one(case: tuple[str, bool, bytes, bool]) -> None:
    fmt, split, data, via_cli = case
    via_cli = via_cli and fmt != "yolo-pose"  # the CLI needs a pose-config file for it
    good, bad = stems_for(fmt)
    problems = Problems()
    with sandbox(labelled_folder(fmt).parent) as box:
        src, out = box / "input", box / "out"
        (src / f"{bad}.json").write_bytes(data)
        before = snapshot(box)
        opts = options_for(fmt, split=(0.5, 0.5, 0.0) if split else None)
        if via_cli:  # the same driver behind `anylabel export`, with its exit code
            argv = ["export", "--format", fmt, "--input", str(src), "--output", str(out), "--quiet", "--workers", "1"]
            rc = run_cli(problems, argv + (["--split", "0.5,0.5"] if split else []))
            if rc is not None and not _good_exported(fmt, out, good):
                problems.append(f"anylabel export --format {fmt}: the good image was not exported")
            summary = None
        else:
            summary = guarded(problems, f"export {fmt}", lambda: export_dataset(fmt, src, out, options=opts), ())
        if summary is not None:
            failed = {Path(p).name for p, _ in summary.failures}
            if any(good in name for name in failed):
                problems.append(f"export {fmt}: the good file failed: {summary.failures}")
            elif not _good_exported(fmt, out, good):
                problems.append(f"export {fmt}: the good image was not exported: {summary.lines()}")
        problems.compare(before, snapshot(box), allowed_new=lambda rel: rel.startswith("out/"))
        problems.extend(escaped(box))
    report(f"label JSON -> export {fmt}", problems)


_SPLITTABLE = {"yolo", "yolo-seg", "yolo-obb", "yolo-pose", "coco", "mask"}
export_cases = st.sampled_from(EXPORT_FORMATS).flatmap(
    lambda fmt: st.tuples(
        st.just(fmt),
        st.booleans() if fmt in _SPLITTABLE else st.just(False),
        mutated_json(label_doc(f"{stems_for(fmt)[1]}.png"), targeted=label_patches()),
        st.booleans(),
    )
)
test_export_with_a_damaged_label_file, test_export_with_a_damaged_label_file_deep = fuzz_pair(
    export_cases, _export_one
)
