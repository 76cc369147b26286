"""Fuzzing every importer through the driver of ``anylabel import``: a dataset exported by
the tool from two images (``good``, ``bad``), with the bad image's part damaged, or a file
of the whole dataset damaged (COCO json, MOT seqinfo.ini, mapping.json, data.yaml).

Properties: no exception escapes the driver; when only the bad image's part was damaged
the good image still gets its label file with its shapes; the dataset and the images keep
their bytes; the only new files are label files next to the images.
"""
from __future__ import annotations

import io
import json
import re
import struct
import zlib
from pathlib import Path

import numpy as np
from hypothesis import strategies as st
from PIL import Image

from anylabel.core.label_file import read_label_file
from anylabel.formats.import_driver import import_dataset

from fuzz_datasets import H, W, exported, label_doc, label_patches, stems_for
from fuzzkit import (
    DEEP_LIST,
    NASTY_STRINGS,
    Problems,
    damaged_bytes,
    declared_size,
    escaped,
    fuzz_pair,
    guarded,
    mutated_json,
    mutated_lines,
    patch,
    points,
    report,
    run_cli,
    sandbox,
    snapshot,
)

#: (format, --source relative to the exported folder) of each case.
SOURCES = {
    "yolo": "source", "yolo-seg": "source", "yolo-obb": "source", "yolo-pose": "source",
    "dota": "source", "voc": "source", "coco": "source/annotations.json",
    "mot": "source/clip/gt/gt.txt", "mask": "source", "ppocr": "source/Label.txt",
    "yolo-data.yaml": "source/labels/train",
}  # fmt: skip


def _text(fmt: str, rel: str, split: bool = False) -> str:
    return (exported(fmt, split) / rel).read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- damaged files


def _png(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="PNG")
    return buf.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width`` x ``height`` and that holds no pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))


def _mask_pngs() -> st.SearchStrategy:
    good = (exported("mask") / "source" / "masks" / "bad.png").read_bytes()
    return st.one_of(
        damaged_bytes(good),
        st.just(b""),
        st.binary(max_size=64),
        st.sampled_from([100000, 30000, 2**31 - 1]).map(lambda n: _png_header_only(n, n)),
        st.just(_png(np.full((H, W, 3), 1, np.uint8))),
        st.just(_png(np.full((H, W), 1000, np.uint16))),
        st.just(_png(np.full((H * 3, W * 2), 1, np.uint8))),
        st.just(_png(np.full((H, W), 255, np.uint8))),
    )


XML_ATTACKS = [
    '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>'
    "<annotation><object><name>&f;</name></object></annotation>",
    '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    "<annotation><object><name>&x;</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax>"
    "<ymax>5</ymax></bndbox></object></annotation>",
    "<annotation>" + "<a>" * 5000 + "</a>" * 5000 + "</annotation>",
    "<annotation><size><width>1e400</width><height>100000</height></size></annotation>",
    "<annotation><size><width>100000</width><height>100000</height></size><object><name>cat</name>"
    "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>99999</xmax><ymax>99999</ymax></bndbox></object></annotation>",
]


def _coco_cases() -> st.SearchStrategy:
    doc = json.loads(_text("coco", "source/annotations.json"))
    bad_id = next(im["id"] for im in doc["images"] if im["file_name"].startswith("bad"))
    bad_image = next(i for i, im in enumerate(doc["images"]) if im["id"] == bad_id)
    bad_anns = [i for i, a in enumerate(doc["annotations"]) if a["image_id"] == bad_id]

    def local(path: tuple) -> bool:
        return (path[:2] == ("images", bad_image) and len(path) > 2) or (
            len(path) > 2 and path[0] == "annotations" and path[1] in bad_anns
        )

    a = bad_anns[0]
    rle = st.fixed_dictionaries(
        {"size": st.sampled_from([[100000, 100000], [H, W], [1e308, 2], [-1, 5], "x"]),
         "counts": st.sampled_from(["", "0", "abc", [1, 2, 3], [10**12], [H * W]])}
    )  # fmt: skip
    targeted = [
        patch(("images", bad_image, "width"), declared_size),
        patch(("images", bad_image, "height"), declared_size),
        patch(("images", bad_image, "file_name"), st.sampled_from(NASTY_STRINGS)),
        patch(("annotations", a, "segmentation"), rle | points.map(lambda p: [sum(p, [])])),
        patch(("annotations", a, "bbox"), points.map(lambda p: sum(p, []))),
        patch(("annotations", a, "category_id"), st.sampled_from([10**25, -1, 1.5, "1", None, [1]])),
    ]
    return st.one_of(
        st.tuples(st.just(True), mutated_json(doc, within=local, targeted=targeted, damage=False)),
        st.tuples(st.just(False), mutated_json(doc)),  # anywhere, and bytes of the whole file
    )


def _ppocr_cases() -> st.SearchStrategy:
    lines = _text("ppocr", "source/Label.txt").splitlines()
    i = next(n for n, ln in enumerate(lines) if ln.split("\t")[0].endswith("bad.png"))
    path, rest = lines[i].split("\t", 1)
    entries = json.loads(rest)

    def put(line: bytes) -> bytes:
        return "\n".join(lines[:i]).encode() + b"\n" + line + b"\n" + "\n".join(lines[i + 1 :]).encode() + b"\n"

    targeted = [patch((0, "points"), points), patch((0, "transcription"), st.sampled_from(NASTY_STRINGS))]
    targeted += [patch((0, k), st.sampled_from([5, "x", [1], None, 1e308])) for k in ("id", "linking", "difficult", "key_cls")]
    return st.one_of(
        mutated_json(entries, targeted=targeted, damage=False).map(lambda b: put(path.encode() + b"\t" + b)),
        st.sampled_from([n for n in NASTY_STRINGS if "\ud800" not in n and "\udfff" not in n]).map(
            lambda p: put(p.encode() + b"\t" + rest.encode())
        ),
        mutated_lines(_text("ppocr", "source/Label.txt"), lambda n, ln: n == i, damage=False),
    )


YAML_ATTACKS = [
    "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: &d [*c, *c]\ne: &e [*d, *d]\nf: &f [*e, *e]\n"
    "g: &g [*f, *f]\nh: &h [*g, *g]\ni: &i [*h, *h]\nj: &j [*i, *i]\nk: &k [*j, *j]\nl: &l [*k, *k]\n"
    "m: &m [*l, *l]\nn: &n [*m, *m]\no: &o [*n, *n]\np: &p [*o, *o]\nq: &q [*p, *p]\nr: &r [*q, *q]\n"
    "names: &s [*r, *r]\n",
    "names: !!python/object/apply:os.system ['echo hi']\n",
    "names: " + "[" * 500 + "]" * 500 + "\n",
    "names: &a [*a]\n",
    "names: {0: cat, 1: dog, x: bird}\n",
    "names: {0: cat, 100000000000000000000: dog}\n",
    "names: 5\n",
    "names: [cat, ../../escape]\n",
    "- just\n- a list\n",
]


def _data_yaml_cases() -> st.SearchStrategy:
    text = _text("yolo", "source/data.yaml", split=True)
    return st.one_of(
        st.sampled_from(YAML_ATTACKS).map(str.encode),
        mutated_lines(text),
        damaged_bytes(text.encode()),
    )


def _cases() -> st.SearchStrategy:
    """(format, file to replace, its bytes, damage local to the bad image)."""
    per_image = [
        st.tuples(st.just(fmt), st.just("source/bad.txt"), mutated_lines(_text(fmt, "source/bad.txt")), st.just(True))
        for fmt in ("yolo", "yolo-seg", "yolo-obb", "yolo-pose", "dota")
    ]
    voc_text = _text("voc", "source/bad.xml")
    mot_text = _text("mot", "source/clip/gt/gt.txt")
    return st.one_of(
        *per_image,
        st.tuples(st.just("voc"), st.just("source/bad.xml"),
                  mutated_lines(voc_text) | st.sampled_from(XML_ATTACKS).map(str.encode), st.just(True)),
        _coco_cases().map(lambda c: ("coco", "source/annotations.json", c[1], c[0])),
        st.tuples(st.just("mot"), st.just("source/clip/gt/gt.txt"),
                  mutated_lines(mot_text, lambda n, ln: ln.startswith("2,"), damage=False), st.just(True)),
        st.tuples(st.just("mot"), st.just("source/clip/gt/gt.txt"), mutated_lines(mot_text), st.just(False)),
        st.tuples(st.just("ppocr"), st.just("source/Label.txt"),
                  mutated_lines(_text("ppocr", "source/Label.txt")), st.just(False)),
        st.tuples(st.just("mot"), st.just("source/clip/seqinfo.ini"),
                  mutated_lines(_text("mot", "source/clip/seqinfo.ini")), st.just(False)),
        st.tuples(st.just("mask"), st.just("source/masks/bad.png"), _mask_pngs(), st.just(True)),
        st.tuples(st.just("mask"), st.just("source/mapping.json"),
                  mutated_json(json.loads(_text("mask", "source/mapping.json"))), st.just(False)),
        st.tuples(st.just("ppocr"), st.just("source/Label.txt"), _ppocr_cases(), st.just(True)),
        st.tuples(st.just("yolo-data.yaml"), st.just("source/data.yaml"), _data_yaml_cases(), st.just(False)),
    )  # fmt: skip


def _readable(data: bytes) -> bool:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "x.json").write_bytes(data)
        try:
            read_label_file(Path(tmp) / "x.json")
            return True
        except Exception:  # noqa: BLE001  # unreadable for any reason: it must not be rewritten
            return False


SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _import_one(case: tuple[tuple[str, str, bytes, bool], str, bytes, bool]) -> None:
    (name, target, data, local), on_exists, existing, via_cli = case
    if name == "coco" and (SURROGATE_ESCAPE.search(data) or DEEP_LIST[:50].encode() in data or b'{"a":{"a":' in data):
        local = False  # a lone surrogate or deep nesting anywhere refuses the whole json, named (core.label_file)
    fmt = "yolo" if name == "yolo-data.yaml" else name
    good = stems_for(fmt)[0]
    problems = Problems()
    with sandbox(exported(fmt, split=name == "yolo-data.yaml")) as box:
        (box / target).write_bytes(data)
        source, images = box / SOURCES[name], box / "images"
        bad_label = f"images/{stems_for(fmt)[1]}.json"
        if on_exists != "refuse":  # the bad image already has a (damaged) label file
            (box / bad_label).write_bytes(existing)
        before = snapshot(box)
        if via_cli:  # the same driver behind `anylabel import`, with its exit code
            flag = {"refuse": [], "merge": ["--merge"], "overwrite": ["--overwrite"]}[on_exists]
            argv = ["import", "--format", fmt, "--source", str(source), "--output", str(images), "--quiet"]
            ran = run_cli(problems, argv + flag) is not None
        else:
            ran = guarded(
                problems, f"import {name}", lambda: import_dataset(fmt, source, images, on_exists=on_exists), ()
            ) is not None
        if ran and local:
            label = images / f"{good}.json"
            if not label.is_file():
                problems.append(f"import {name}: the good image got no label file")
            else:
                ann = guarded(problems, "reading back the good label file", lambda: read_label_file(label), ())
                if ann is not None and not ann.shapes:
                    problems.append(f"import {name}: the good image's label file has no shape")
        after = snapshot(box)
        # Overwrite replaces the bad image's label file; merge adds to it when it can be read
        # (a file that cannot be read must keep its bytes).
        if on_exists == "overwrite" or (on_exists == "merge" and _readable(existing)):
            before.pop(bad_label, None), after.pop(bad_label, None)
        problems.compare(before, after, allowed_new=lambda rel: rel.startswith("images/") and rel.endswith(".json"))
        problems.extend(escaped(box))
    report(f"import {name}", problems)


import_cases = st.tuples(
    st.deferred(_cases),
    st.sampled_from(["refuse", "refuse", "merge", "overwrite"]),
    st.deferred(lambda: mutated_json(label_doc("bad.png"), targeted=label_patches())),
    st.booleans(),
)
test_import_of_a_damaged_dataset, test_import_of_a_damaged_dataset_deep = fuzz_pair(import_cases, _import_one)
