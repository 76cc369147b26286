"""Compare two label folders of the same images (two annotators, or truth against a model).

Label files are paired by their path relative to each folder (``sub/img_001.json`` with
``sub/img_001.json``). A file on one side only counts as an image whose other side has no
shapes, and is listed. A file that cannot be read is named in ``errors`` and its image left
out; the other files are still compared.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.agreement import Agreement, ImageComparison, MatchOptions, comparable, compare_shapes
from ..core.errors import AnyLabelError, LabelFileError
from ..core.folder_index import natural_key
from ..core.i18n import tr, tr_noop
from ..core.label_file import LABEL_SUFFIX, ImageAnnotation, read_label_file
from ..core.shape import Shape

_CLASS_MAP_MAX_BYTES = 1 << 20


def find_label_files(folder: Path, skip: Path | None = None) -> dict[str, Path]:
    """Label files under ``folder`` by relative path without the suffix; hidden folders
    and ``skip`` (the report's own output folder, when it lies inside) are left out."""
    found: dict[str, Path] = {}
    skip_resolved = skip.resolve() if skip is not None else None
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        dirs[:] = [d for d in dirs if not d.startswith(".") and (here / d).resolve() != skip_resolved]
        for name in files:
            if name.endswith(LABEL_SUFFIX) and not name.startswith("."):
                rel = (here / name).relative_to(folder).as_posix()
                found[rel[: -len(LABEL_SUFFIX)]] = here / name
    return found


def load_class_map(path: str | os.PathLike[str]) -> dict[str, str | None]:
    """A YAML (or JSON) mapping ``label: canonical label``; ``null`` leaves a label out."""
    from ..core.safe_yaml import YamlError, load_yaml_file

    p = Path(path)
    try:
        if p.stat().st_size > _CLASS_MAP_MAX_BYTES:
            raise AnyLabelError(tr("{0}: a classes map larger than 1 MB is not plausible; not read").format(
                p))
        data = load_yaml_file(p)
    except FileNotFoundError:
        raise AnyLabelError(tr("{0}: classes map not found").format(p)) from None
    except YamlError as exc:
        raise AnyLabelError(tr("{0}: classes map cannot be read ({1})").format(p, exc.problem)) from None
    except OSError as exc:
        raise AnyLabelError(tr("{0}: classes map cannot be read ({1})").format(p, exc)) from None
    if not isinstance(data, dict) or not data:
        raise AnyLabelError(tr("{0}: the classes map must map each "
                               "label to its canonical label (or null)").format(
            p))
    out: dict[str, str | None] = {}
    for k, v in data.items():
        if v is not None and not isinstance(v, (str, int, float)):
            raise AnyLabelError(tr("{0}: label {1!r} maps to {2!r}; give a label name or null").format(
                p, k, v))
        out[str(k)] = None if v is None else str(v)
    return out


def apply_class_map(shapes: list[Shape], class_map: dict[str, str | None] | None) -> list[Shape]:
    """Shapes with their labels mapped (copies; the loaded annotation is not changed)."""
    return [s for _, s in select_shapes(shapes, class_map)]


def select_shapes(shapes: list[Shape], class_map: dict[str, str | None] | None) -> list[tuple[int, Shape]]:
    """(index in the file, shape) of the shapes that take part, labels mapped."""
    out = []
    for i, s in enumerate(shapes):
        if class_map:
            new = class_map.get(s.label, s.label)
            if new is None:
                continue
            if new != s.label:
                s = s.copy()
                s.label = new
        out.append((i, s))
    kept = {id(s) for s in comparable([s for _, s in out])}
    return [(i, s) for i, s in out if id(s) in kept]


@dataclass
class ImageEntry:
    """One image: where its label files are, the shapes compared, and how they agree."""

    key: str
    ref_path: Path | None
    cand_path: Path | None
    ref_shapes: list[Shape]
    cand_shapes: list[Shape]
    comparison: ImageComparison
    ref_annotation: ImageAnnotation | None = None
    cand_annotation: ImageAnnotation | None = None
    #: Index in its label file of each compared shape (a classes map can leave some out).
    ref_index: list[int] = field(default_factory=list)
    cand_index: list[int] = field(default_factory=list)


@dataclass
class FolderComparison:
    reference: Path
    candidate: Path
    options: MatchOptions
    images: list[ImageEntry] = field(default_factory=list)
    agreement: Agreement = field(default_factory=Agreement)
    errors: list[str] = field(default_factory=list)
    only_in_reference: list[str] = field(default_factory=list)
    only_in_candidate: list[str] = field(default_factory=list)

    def ranked(self) -> list[ImageEntry]:
        """Images by disagreement: most errors (fp + fn) first, then lowest mean IoU."""
        def key(e: ImageEntry) -> tuple[int, float, tuple[str, str]]:
            iou = e.comparison.mean_iou
            return (-e.comparison.errors, 1.0 if iou is None else iou, natural_key(e.key))
        return sorted(self.images, key=key)


def compare_folders(reference: str | os.PathLike[str], candidate: str | os.PathLike[str],
                    options: MatchOptions | None = None, class_map: dict[str, str | None] | None = None,
                    skip: str | os.PathLike[str] | None = None,
                    keys: list[str] | None = None,
                    on_image: Callable[[int, int], None] | None = None) -> FolderComparison:
    """Compare every label file of ``reference`` with its namesake in ``candidate``
    (only ``keys``, relative paths without ``.json``, when given). ``on_image(done, total)``
    is called after each image."""
    ref_dir, cand_dir = Path(reference), Path(candidate)
    for d, missing in ((ref_dir, tr_noop("{0}: the reference folder does not exist")),
                       (cand_dir, tr_noop("{0}: the candidate folder does not exist"))):
        if not d.is_dir():
            raise AnyLabelError(tr(missing).format(d))
    options = options or MatchOptions()
    skip_path = Path(skip) if skip is not None else None
    ref_files = find_label_files(ref_dir, skip_path)
    cand_files = find_label_files(cand_dir, skip_path)
    result = FolderComparison(ref_dir, cand_dir, options)
    all_keys = sorted(set(ref_files) | set(cand_files), key=natural_key) if keys is None else list(keys)
    result.only_in_reference = [k for k in all_keys if k in ref_files and k not in cand_files]
    result.only_in_candidate = [k for k in all_keys if k in cand_files and k not in ref_files]
    for n, key in enumerate(all_keys, start=1):
        if on_image is not None:
            on_image(n, len(all_keys))
        rp, cp = ref_files.get(key), cand_files.get(key)
        try:
            ra = read_label_file(rp) if rp is not None else None
            ca = read_label_file(cp) if cp is not None else None
        except LabelFileError as exc:
            result.errors.append(str(exc))
            continue
        rsel = select_shapes(ra.shapes if ra else [], class_map)
        csel = select_shapes(ca.shapes if ca else [], class_map)
        rs, cs = [s for _, s in rsel], [s for _, s in csel]
        comparison = compare_shapes(rs, cs, options)
        result.agreement.add(comparison)
        result.images.append(ImageEntry(key, rp, cp, rs, cs, comparison, ra, ca,
                                        [i for i, _ in rsel], [j for j, _ in csel]))
    return result
