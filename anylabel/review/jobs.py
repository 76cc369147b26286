"""Jobs for a team: split a folder among annotators, merge their work back, show progress.

``split`` gives every image to one annotator, and a share of them (``overlap``) to a
second one as well, so their agreement can be measured. Images are copied, hard-linked or
symlinked into the job folders; label files are always copied (an annotator's edit must
never reach the input through a link). ``merge`` brings the edits back and refuses
conflicting ones unless told how to resolve them; ``status`` counts what each annotator
has labelled and what the reviewer has accepted. See docs/review.md.
"""
from __future__ import annotations

import itertools
import os
import random
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..core.agreement import Agreement, MatchOptions, compare_shapes
from ..core.atomic import atomic_write_bytes, atomic_write_text
from ..core.errors import AnyLabelError, LabelFileError
from ..core.folder_index import scan_folder
from ..core.i18n import tr, tr_noop
from ..core.label_file import LABEL_SUFFIX, dumps_indented, read_label_file
from ..core.review import ACCEPTED, REJECTED, review_state
from .folders import FolderComparison, ImageEntry, select_shapes
from .manifest import MANIFEST_NAME, Job, JobImage, Manifest, check_plain_name, label_digest, read_manifest

COPY, HARDLINK, SYMLINK = "copy", "hardlink", "symlink"
TRANSFERS = (COPY, HARDLINK, SYMLINK)
PREFER_JOB, PREFER_OUTPUT, PREFER_NEWEST = "job", "output", "newest"
PREFERENCES = (PREFER_JOB, PREFER_OUTPUT, PREFER_NEWEST)


# ----------------------------------------------------------------------------- split

def plan_jobs(count: int, annotators: int, overlap: float, seed: int) -> list[list[int]]:
    """For each image index, the annotators (0-based) it goes to: one each, two for an
    ``overlap`` share chosen at random (seeded); every annotator gets about as many images,
    and every pair of annotators about as many shared ones."""
    if annotators < 1:
        raise AnyLabelError(tr("at least one annotator is needed"))
    if not 0.0 <= overlap <= 1.0:
        raise AnyLabelError(tr("the overlap share must be between 0 and 1, got {0}").format(overlap))
    if overlap > 0 and annotators < 2:
        raise AnyLabelError(tr("an overlap needs at least two annotators"))
    order = list(range(count))
    random.Random(seed).shuffle(order)
    n_shared = round(overlap * count)
    pairs = list(itertools.combinations(range(annotators), 2))
    load = [0] * annotators
    plan: list[list[int]] = [[] for _ in range(count)]
    # Shared images first, taking the pairs in turn so every pair shares about as many;
    # then the rest, each to the annotator with the fewest images so far.
    for k, i in enumerate(order[:n_shared]):
        plan[i] = list(pairs[k % len(pairs)])
    for i in order[:n_shared]:
        for a in plan[i]:
            load[a] += 1
    for i in order[n_shared:]:
        a = min(range(annotators), key=lambda a: (load[a], a))
        load[a] += 1
        plan[i] = [a]
    return plan


def _transfer_image(src: Path, dst: Path, how: str) -> None:
    if how == HARDLINK:
        try:
            os.link(src, dst)
            return
        except OSError as exc:
            raise AnyLabelError(tr("{0}: cannot be hard-linked into {1} ({2}); "
                                   "use --copy or --symlink (another file system?)").format(
                                       src, dst.parent, exc.strerror)) from None
    if how == SYMLINK:
        os.symlink(src.resolve(), dst)
        return
    copy_file_atomic(src, dst)


def copy_file_atomic(src: Path, dst: Path) -> None:
    """Copy ``src`` (following links) to ``dst`` through a temp file and a rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


@dataclass
class SplitResult:
    manifest: Manifest
    errors: list[str] = field(default_factory=list)


def split_jobs(input_dir: str | os.PathLike[str], output: str | os.PathLike[str], annotators: int,
               overlap: float = 0.1, transfer: str = COPY, names: list[str] | None = None,
               seed: int = 0) -> SplitResult:
    """Make one job folder per annotator under ``output`` and ``output/manifest.json``."""
    src = Path(input_dir)
    out = Path(output)
    if transfer not in TRANSFERS:
        raise AnyLabelError(tr("transfer must be one of {0}").format(", ".join(TRANSFERS)))
    if not src.is_dir():
        raise AnyLabelError(tr("{0}: the input folder does not exist").format(src))
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise AnyLabelError(tr("{0}: the output folder exists and is not empty; give a new folder").format(
            out))
    if out.resolve() == src.resolve():
        raise AnyLabelError(tr("{0}: the output must not be the input folder").format(out))
    names = list(names) if names else [f"annotator-{k + 1}" for k in range(annotators)]
    if len(names) != annotators:
        raise AnyLabelError(tr("{0} names given for {1} annotators").format(len(names), annotators))
    for n in names:
        check_plain_name(n, tr_noop("annotator name"), "--names")
    if len(set(names)) != len(names):
        raise AnyLabelError(tr("annotator names must differ"))
    index = scan_folder(src)
    plan = plan_jobs(len(index), annotators, overlap, seed)
    manifest = Manifest(os.fspath(src.resolve()), transfer, overlap, seed,
                        [Job(n, n) for n in names], [],
                        datetime.now(timezone.utc).isoformat(timespec="seconds"), out / MANIFEST_NAME)
    result = SplitResult(manifest)
    for n in names:
        (out / n).mkdir(parents=True, exist_ok=True)
    for i, who in enumerate(plan):
        image = index.names[i]
        label = os.path.splitext(image)[0] + LABEL_SUFFIX
        label_src = src / label
        baseline = label_digest(label_src)
        if baseline is not None and baseline.startswith("raw:"):
            result.errors.append(tr("{0}: not a readable label file; copied as it is").format(label_src))
        data = label_src.read_bytes() if baseline is not None else None
        for a in who:
            folder = out / names[a]
            _transfer_image(src / image, folder / image, transfer)
            if data is not None:
                atomic_write_bytes(folder / label, data)
        manifest.images.append(JobImage(image, label, [names[a] for a in who], baseline))
    atomic_write_text(out / MANIFEST_NAME, dumps_indented(manifest.to_dict()) + "\n")
    return result


# ----------------------------------------------------------------------------- merge

@dataclass
class Conflict:
    image: str
    reason: str


@dataclass
class MergePlanItem:
    image: JobImage
    source: Path | None      # the job's label file to copy; None with remove=True
    remove: bool = False
    from_job: str = ""


@dataclass
class MergeResult:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    images_copied: int = 0
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    resolved: list[Conflict] = field(default_factory=list)
    agreement: Agreement = field(default_factory=Agreement)
    pair_agreement: dict[tuple[str, str], Agreement] = field(default_factory=dict)
    overlap_images: int = 0
    overlap_entries: list[ImageEntry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    refused: bool = False


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("-inf")


def _decide(entry: JobImage, manifest: Manifest, out_dir: Path, prefer: str | None,
            result: MergeResult) -> MergePlanItem | None:
    """What to do with one image; None: leave the output as it is."""
    base = entry.baseline
    versions = {name: label_digest(manifest.job_folder(name) / entry.label) for name in entry.jobs}
    changed = [n for n in entry.jobs if versions[n] != base]
    out_label = out_dir / entry.label
    current = label_digest(out_label)
    # A label file missing from the output (a fresh folder) holds nothing to lose.
    out_changed = current is not None and current != base

    def take(name: str) -> MergePlanItem | None:
        if versions[name] == current:
            return None
        src = manifest.job_folder(name) / entry.label
        return MergePlanItem(entry, None if versions[name] is None else src, versions[name] is None, name)

    if not changed:
        primary = entry.jobs[0]
        return take(primary) if current is None and versions[primary] is not None else None
    distinct = {versions[n] for n in changed}
    if len(distinct) == 1 and (not out_changed or current in distinct):
        return take(changed[0])
    if len(distinct) > 1:
        reason = (tr("changed differently in jobs {0} and in the output since the split") if out_changed
                  else tr("changed differently in jobs {0}")).format(", ".join(changed))
    else:
        reason = tr("changed in job {0} and in the output since the split").format(changed[0])
    conflict = Conflict(entry.image, reason)
    if prefer is None:
        result.conflicts.append(conflict)
        return None
    result.resolved.append(conflict)
    if prefer == PREFER_OUTPUT:
        return None
    if prefer == PREFER_JOB:
        return take(changed[0])  # the primary annotator's, when both changed it
    newest = max(changed, key=lambda n: _mtime(manifest.job_folder(n) / entry.label))
    if out_changed and _mtime(out_label) >= _mtime(manifest.job_folder(newest) / entry.label):
        return None
    return take(newest)


def _measure_overlap(entry: JobImage, manifest: Manifest, options: MatchOptions, result: MergeResult) -> None:
    """Compare the two annotators of a shared image, the first taken as the reference."""
    a, b = entry.jobs[0], entry.jobs[1]
    paths = [manifest.job_folder(name) / entry.label for name in (a, b)]
    try:
        anns = [read_label_file(p) if p.exists() else None for p in paths]
    except LabelFileError as exc:
        result.errors.append(str(exc))
        return
    sel = [select_shapes(ann.shapes if ann else [], None) for ann in anns]
    shapes = [[s for _, s in x] for x in sel]
    comparison = compare_shapes(shapes[0], shapes[1], options)
    result.agreement.add(comparison)
    result.pair_agreement.setdefault((a, b), Agreement()).add(comparison)
    result.overlap_images += 1
    result.overlap_entries.append(ImageEntry(
        f"{entry.image} ({a} / {b})", paths[0] if anns[0] else None, paths[1] if anns[1] else None,
        shapes[0], shapes[1], comparison, anns[0], anns[1], [i for i, _ in sel[0]], [j for j, _ in sel[1]]))


def overlap_comparison(manifest_file: str | os.PathLike[str], result: MergeResult,
                       options: MatchOptions | None = None) -> FolderComparison:
    """The overlap agreement of a merge in the form ``compare`` reports (for ``write_report``)."""
    root = read_manifest(manifest_file).root
    return FolderComparison(root, root, options or MatchOptions(), list(result.overlap_entries),
                            result.agreement, list(result.errors))


def merge_jobs(manifest_file: str | os.PathLike[str], output: str | os.PathLike[str],
               prefer: str | None = None, options: MatchOptions | None = None) -> MergeResult:
    """Merge the job folders into ``output``. With conflicts and no ``prefer``, nothing is
    written and the conflicts are returned (``refused``)."""
    if prefer is not None and prefer not in PREFERENCES:
        raise AnyLabelError(tr("--prefer must be one of {0}").format(", ".join(PREFERENCES)))
    manifest = read_manifest(manifest_file)
    out = Path(output)
    if out.exists() and not out.is_dir():
        raise AnyLabelError(tr("{0}: not a folder").format(out))
    for job in manifest.jobs:
        folder = manifest.job_folder(job.name)
        if not folder.is_dir():
            raise AnyLabelError(tr("{0}: job folder of {1!r} is missing").format(folder, job.name))
        if out.exists() and folder.resolve() == out.resolve():
            raise AnyLabelError(tr("{0}: merge into the input or a new folder, not into a job folder").format(
                out))
    options = options or MatchOptions()
    result = MergeResult()
    plan: list[MergePlanItem] = []
    for entry in manifest.images:
        item = _decide(entry, manifest, out, prefer, result)
        if item is not None:
            plan.append(item)
        else:
            result.unchanged += 1
        if len(entry.jobs) >= 2:
            _measure_overlap(entry, manifest, options, result)
    if result.conflicts:
        result.refused = True
        return result
    out.mkdir(parents=True, exist_ok=True)
    for entry in manifest.images:
        # the output gets every image it lacks, so a merge into a new folder is complete
        dst = out / entry.image
        if not dst.exists():
            copy_file_atomic(manifest.job_folder(entry.jobs[0]) / entry.image, dst)
            result.images_copied += 1
    for item in plan:
        target = out / item.image.label
        if item.remove:
            target.unlink(missing_ok=True)
            result.removed.append(item.image.label)
        else:
            assert item.source is not None
            atomic_write_bytes(target, item.source.read_bytes())
            result.written.append(item.image.label)
    return result


# ----------------------------------------------------------------------------- status

@dataclass
class JobStatus:
    name: str
    images: int = 0
    labelled: int = 0   # a label file with at least one shape
    edited: int = 0     # differs from the split
    reviewed: int = 0   # accepted or rejected
    accepted: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)


def job_status(manifest_file: str | os.PathLike[str]) -> list[JobStatus]:
    manifest = read_manifest(manifest_file)
    stats = {j.name: JobStatus(j.name) for j in manifest.jobs}
    for entry in manifest.images:
        for name in entry.jobs:
            st = stats[name]
            st.images += 1
            path = manifest.job_folder(name) / entry.label
            if label_digest(path) != entry.baseline:
                st.edited += 1
            if not path.exists():
                continue
            try:
                ann = read_label_file(path)
            except LabelFileError as exc:
                st.errors.append(str(exc))
                continue
            st.labelled += bool(ann.shapes)
            state = review_state(ann)
            st.reviewed += state in (ACCEPTED, REJECTED)
            st.accepted += state == ACCEPTED
            st.rejected += state == REJECTED
    return list(stats.values())
