"""The jobs manifest: which images went to which annotator, and what their labels were at
the split (a digest), so a merge can tell an edit from an untouched file.

Everything a manifest names is checked before use: job folders must lie inside the
manifest's folder, image and label names must be plain file names. A manifest edited by
hand (or by someone else) cannot make a merge read or write elsewhere.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import AnyLabelError, LabelFileError
from ..core.i18n import tr, tr_noop
from ..core.label_file import annotation_from_dict, annotation_to_dict, parse_json_bytes

MANIFEST_NAME = "manifest.json"
MANIFEST_KIND = "anylabel-jobs"
MANIFEST_VERSION = 1
_MANIFEST_MAX_BYTES = 256 << 20
# Keys that say nothing about the labels: a re-save by another tool, a moved image or an
# embedded copy of the pixels is not an edit.
_NOT_CONTENT = ("version", "imagePath", "imageData")


class ManifestError(AnyLabelError):
    """A jobs manifest that cannot be used; the message names the file."""


def label_digest(path: Path) -> str | None:
    """What a label file says, as a hash (None when there is no file). Files that cannot be
    parsed are hashed by their bytes, so an edit that repairs or breaks them still shows."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        ann = annotation_from_dict(parse_json_bytes(raw, path), os.fspath(path))
    except LabelFileError:
        return "raw:" + hashlib.sha256(raw).hexdigest()
    d = annotation_to_dict(ann)
    for key in _NOT_CONTENT:
        d.pop(key, None)
    text = json.dumps(d, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Job:
    name: str
    folder: str  # relative to the manifest's folder


@dataclass
class JobImage:
    image: str
    label: str
    jobs: list[str]          # the first is the primary annotator; a second one is the overlap
    baseline: str | None     # label_digest at the split


@dataclass
class Manifest:
    input: str
    transfer: str
    overlap: float
    seed: int
    jobs: list[Job] = field(default_factory=list)
    images: list[JobImage] = field(default_factory=list)
    created: str = ""
    path: Path | None = None  # where it was read from

    @property
    def root(self) -> Path:
        assert self.path is not None
        return self.path.parent

    def job_folder(self, name: str) -> Path:
        job = next(j for j in self.jobs if j.name == name)
        return self.root / job.folder

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": MANIFEST_KIND, "version": MANIFEST_VERSION, "created": self.created,
            "input": self.input, "transfer": self.transfer, "overlap": self.overlap, "seed": self.seed,
            "jobs": [{"name": j.name, "folder": j.folder} for j in self.jobs],
            "images": [{"image": i.image, "label": i.label, "jobs": i.jobs, "baseline": i.baseline}
                       for i in self.images],
        }


def check_plain_name(name: Any, what: str, where: str) -> str:
    """A file or folder name with no separators, not hidden, not '.' or '..'; ``what`` (marked
    with tr_noop) says what the name is."""
    if (not isinstance(name, str) or not name or name.startswith(".") or "/" in name or "\\" in name
            or "\0" in name or os.path.basename(name) != name):
        raise ManifestError(tr("{0}: {1} {2!r} is not a plain file name").format(where, tr(what), name))
    return name


def manifest_path(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    return p / MANIFEST_NAME if p.is_dir() else p


def read_manifest(path: str | os.PathLike[str]) -> Manifest:
    p = manifest_path(path)
    where = os.fspath(p)
    try:
        if p.stat().st_size > _MANIFEST_MAX_BYTES:
            raise ManifestError(tr("{0}: larger than 256 MB; not a jobs manifest").format(where))
        data = parse_json_bytes(p.read_bytes(), p)
    except FileNotFoundError:
        raise ManifestError(tr("{0}: jobs manifest not found").format(where)) from None
    except LabelFileError as exc:
        raise ManifestError(str(exc)) from None
    except OSError as exc:
        raise ManifestError(tr("{0}: cannot be read ({1})").format(where, exc.strerror)) from None
    if not isinstance(data, dict) or data.get("kind") != MANIFEST_KIND:
        raise ManifestError(tr("{0}: not a jobs manifest (made by 'anylabel jobs split')").format(where))
    if data.get("version") != MANIFEST_VERSION:
        raise ManifestError(tr("{0}: manifest version {1!r} is not supported").format(
            where, data.get("version")))
    try:
        jobs = [Job(check_plain_name(j["name"], tr_noop("job name"), where), str(j["folder"]))
                for j in data["jobs"]]
        images = [JobImage(check_plain_name(i["image"], tr_noop("image"), where),
                           check_plain_name(i["label"], tr_noop("label"), where),
                           [str(n) for n in i["jobs"]], i.get("baseline")) for i in data["images"]]
        m = Manifest(str(data["input"]), str(data["transfer"]), float(data["overlap"]), int(data["seed"]),
                     jobs, images, str(data.get("created", "")), p)
    except (KeyError, TypeError, ValueError) as exc:
        raise ManifestError(tr("{0}: malformed jobs manifest ({1}: {2})").format(
            where, type(exc).__name__, exc)) from None
    root = p.parent.resolve()
    names = {j.name for j in jobs}
    for j in jobs:
        folder = (p.parent / j.folder).resolve()
        if folder == root or root not in folder.parents:
            raise ManifestError(tr("{0}: job folder {1!r} is outside the manifest's folder").format(
                where, j.folder))
    for i in images:
        if not i.jobs or any(n not in names for n in i.jobs) or len(set(i.jobs)) != len(i.jobs):
            raise ManifestError(tr("{0}: image {1!r} names unknown or repeated jobs {2}").format(
                where, i.image, i.jobs))
    return m
