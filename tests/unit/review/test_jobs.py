"""``anylabel jobs``: split then merge is lossless, the overlap gives an agreement figure,
conflicting edits are refused unless resolved, paths stay inside the jobs folder."""
import hashlib
import json
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from anylabel.cli.main import main
from anylabel.core.label_file import ImageAnnotation, read_label_file, write_label_file
from anylabel.core.review import ACCEPTED, REJECTED, set_review_state
from anylabel.core.shape import rectangle
from anylabel.review.jobs import job_status, merge_jobs, plan_jobs, split_jobs
from anylabel.review.manifest import ManifestError, read_manifest


def make_folder(root: Path, n: int = 20, labelled: int = 12) -> Path:
    src = root / "input"
    src.mkdir()
    for i in range(n):
        img = np.full((48, 64, 3), i * 10 % 255, dtype=np.uint8)
        cv2.imwrite(str(src / f"img_{i:02d}.png"), img)
        if i < labelled:
            write_label_file(src / f"img_{i:02d}.json", ImageAnnotation(
                shapes=[rectangle(5, 5, 30, 30, "cat"), rectangle(35, 10, 60, 40, "dog")],
                image_path=f"img_{i:02d}.png", image_width=64, image_height=48))
    return src


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_plan_gives_each_image_one_annotator_and_a_share_two():
    plan = plan_jobs(100, 3, 0.12, seed=4)
    shared = [p for p in plan if len(p) == 2]
    assert len(shared) == 12 and all(len(set(p)) == len(p) for p in plan)
    loads = [sum(a in p for p in plan) for a in range(3)]
    assert max(loads) - min(loads) <= 1 and sum(loads) == 112
    pairs = {tuple(p) for p in shared}
    assert pairs == {(0, 1), (0, 2), (1, 2)}
    assert plan_jobs(100, 3, 0.12, seed=4) == plan  # deterministic


def test_split_then_merge_is_lossless(tmp_path, capsys):
    src = make_folder(tmp_path)
    before = tree_digest(src)
    jobs = tmp_path / "jobs"
    assert main(["jobs", "split", "--input", str(src), "--annotators", "3", "--overlap", "0.25",
                 "--output", str(jobs)]) == 0
    assert tree_digest(src) == before  # input untouched
    manifest = json.loads((jobs / "manifest.json").read_text())
    assert sum(len(i["jobs"]) == 2 for i in manifest["images"]) == 5
    assert {p.name for p in jobs.iterdir()} == {"annotator-1", "annotator-2", "annotator-3", "manifest.json"}
    merged = tmp_path / "merged"
    assert main(["jobs", "merge", "--manifest", str(jobs / "manifest.json"), "--output", str(merged)]) == 0
    assert tree_digest(merged) == before
    out = capsys.readouterr().out
    assert "agreement on 5 shared images: F1 1.000" in out
    # the same agreement as a compare report
    assert main(["jobs", "merge", "--manifest", str(jobs), "--output", str(merged), "--report",
                 str(tmp_path / "overlap")]) == 0
    report = json.loads((tmp_path / "overlap" / "report.json").read_text())
    assert report["image_count"] == 5 and (tmp_path / "overlap" / "report.html").exists()
    # merging back into the input with no edits writes nothing
    result = merge_jobs(jobs, src)
    assert result.written == [] and result.images_copied == 0 and not result.refused
    assert tree_digest(src) == before


def _job_of(jobs: Path, image: str, shared: bool):
    m = read_manifest(jobs)
    entry = next(i for i in m.images if i.image == image)
    assert (len(entry.jobs) == 2) == shared
    return m, entry


def _shared_labelled(jobs: Path) -> str:
    m = read_manifest(jobs)
    return next(i.image for i in m.images if len(i.jobs) == 2 and i.baseline is not None)


def test_edits_come_back_and_the_overlap_is_measured(tmp_path):
    src = make_folder(tmp_path)
    jobs = tmp_path / "jobs"
    split_jobs(src, jobs, 2, overlap=0.3)
    m = read_manifest(jobs)
    single = next(i for i in m.images if len(i.jobs) == 1 and i.baseline is not None)
    path = m.job_folder(single.jobs[0]) / single.label
    ann = read_label_file(path)
    ann.shapes.append(rectangle(0, 0, 4, 4, "bird"))
    write_label_file(path, ann)
    # both annotators of a shared image: one agrees, the other relabels a box
    shared = _shared_labelled(jobs)
    entry = next(i for i in m.images if i.image == shared)
    second = m.job_folder(entry.jobs[1]) / entry.label
    ann = read_label_file(second)
    ann.shapes[1].label = "cat"
    write_label_file(second, ann)
    result = merge_jobs(jobs, src)
    # one changed version of a shared image is no conflict: it comes back like any edit
    assert result.written == sorted([single.label, entry.label]) and not result.refused
    assert read_label_file(src / single.label).shapes[-1].label == "bird"
    assert read_label_file(src / entry.label).shapes[1].label == "cat"
    assert result.overlap_images == 6  # 0.3 of 20
    o = result.agreement.overall()
    # the relabelled box counts as one fn (dog) and one fp (cat); the other boxes agree
    n_labelled_shared = sum(1 for i in m.images if len(i.jobs) == 2 and i.baseline is not None)
    assert (o.tp, o.fp, o.fn) == (2 * n_labelled_shared - 1, 1, 1)


def test_conflicts_are_refused_unless_resolved(tmp_path, capsys):
    src = make_folder(tmp_path)
    jobs = tmp_path / "jobs"
    split_jobs(src, jobs, 2, overlap=0.3)
    m = read_manifest(jobs)
    shared = _shared_labelled(jobs)
    entry = next(i for i in m.images if i.image == shared)
    first, second = (m.job_folder(n) / entry.label for n in entry.jobs)
    for path, label in ((first, "cow"), (second, "horse")):
        ann = read_label_file(path)
        ann.shapes[0].label = label
        write_label_file(path, ann)
    os.utime(first, (1_000_000_000, 1_000_000_000))  # the second annotator saved last
    before = tree_digest(src)
    rc = main(["jobs", "merge", "--manifest", str(jobs), "--output", str(src)])
    err = capsys.readouterr().err
    assert rc == 1 and f"conflict: {shared}: changed differently in jobs" in err and "nothing was written" in err
    assert tree_digest(src) == before
    assert merge_jobs(jobs, src, prefer="newest").written == [entry.label]
    assert read_label_file(src / entry.label).shapes[0].label == "horse"
    # now the output has changed since the split as well as both jobs
    assert merge_jobs(jobs, src).refused
    assert merge_jobs(jobs, src, prefer="output").written == []
    assert merge_jobs(jobs, src, prefer="job").written == [entry.label]
    assert read_label_file(src / entry.label).shapes[0].label == "cow"  # the first annotator's


def test_a_job_edit_against_an_output_edit_is_a_conflict(tmp_path):
    src = make_folder(tmp_path)
    jobs = tmp_path / "jobs"
    split_jobs(src, jobs, 2, overlap=0.0)
    m = read_manifest(jobs)
    entry = next(i for i in m.images if i.baseline is not None)
    for path, label in ((m.job_folder(entry.jobs[0]) / entry.label, "job"), (src / entry.label, "out")):
        ann = read_label_file(path)
        ann.shapes[0].label = label
        write_label_file(path, ann)
    result = merge_jobs(jobs, src)
    assert result.refused and "in the output since the split" in result.conflicts[0].reason
    # the same edit in both places is no conflict
    job_file = m.job_folder(entry.jobs[0]) / entry.label
    (src / entry.label).write_bytes(job_file.read_bytes())
    assert not merge_jobs(jobs, src).refused


def test_link_modes_never_link_label_files(tmp_path):
    src = make_folder(tmp_path, n=4, labelled=4)
    split_jobs(src, tmp_path / "hard", 2, overlap=0.0, transfer="hardlink")
    split_jobs(src, tmp_path / "soft", 2, overlap=0.0, transfer="symlink")
    img = next((tmp_path / "hard").rglob("img_00.png"))
    assert img.stat().st_ino == (src / "img_00.png").stat().st_ino
    assert next((tmp_path / "hard").rglob("img_00.json")).stat().st_nlink == 1
    assert next((tmp_path / "soft").rglob("img_00.png")).is_symlink()
    assert not next((tmp_path / "soft").rglob("img_00.json")).is_symlink()


def test_manifest_paths_are_confined(tmp_path):
    src = make_folder(tmp_path, n=3, labelled=3)
    jobs = tmp_path / "jobs"
    split_jobs(src, jobs, 1, overlap=0.0)
    good = json.loads((jobs / "manifest.json").read_text())
    for mutate, message in (
        (lambda d: d["jobs"][0].update(folder="../elsewhere"), "outside the manifest's folder"),
        (lambda d: d["images"][0].update(label="../../etc/x.json"), "not a plain file name"),
        (lambda d: d["images"][0].update(jobs=["nobody"]), "unknown or repeated jobs"),
        (lambda d: d.update(kind="something"), "not a jobs manifest"),
    ):
        bad = json.loads(json.dumps(good))
        mutate(bad)
        (jobs / "manifest.json").write_text(json.dumps(bad))
        with pytest.raises(ManifestError, match=message):
            read_manifest(jobs)


def test_split_refuses_bad_requests(tmp_path, capsys):
    src = make_folder(tmp_path, n=3, labelled=1)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    assert main(["jobs", "split", "--input", str(src), "--annotators", "2", "--output", str(tmp_path / "full")]) == 2
    assert "not empty" in capsys.readouterr().err
    assert main(["jobs", "split", "--input", str(src), "--annotators", "1", "--overlap", "0.5",
                 "--output", str(tmp_path / "o")]) == 2
    assert "at least two annotators" in capsys.readouterr().err
    assert main(["jobs", "split", "--input", str(src), "--annotators", "2", "--names", "a,../b",
                 "--output", str(tmp_path / "o")]) == 2
    assert "not a plain file name" in capsys.readouterr().err


def test_status_counts_labelled_reviewed_accepted(tmp_path, capsys):
    src = make_folder(tmp_path, n=10, labelled=6)
    jobs = tmp_path / "jobs"
    split_jobs(src, jobs, 2, overlap=0.0, names=["ann", "bob"])
    m = read_manifest(jobs)
    ann_images = [i for i in m.images if i.jobs == ["ann"]]
    labelled = [i for i in ann_images if i.baseline is not None]
    states = [ACCEPTED, REJECTED]
    for entry, state in zip(labelled, states):
        path = m.job_folder("ann") / entry.label
        a = read_label_file(path)
        set_review_state(a, state, reviewer="qa")
        write_label_file(path, a)
    rows = {r.name: r for r in job_status(jobs)}
    assert rows["ann"].images == len(ann_images) and rows["ann"].labelled == len(labelled)
    assert (rows["ann"].reviewed, rows["ann"].accepted, rows["ann"].rejected, rows["ann"].edited) == (2, 1, 1, 2)
    assert rows["bob"].reviewed == 0
    assert main(["jobs", "status", "--manifest", str(jobs / "manifest.json"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in data] == ["ann", "bob"] and data[0]["accepted"] == 1
    assert main(["jobs", "status", "--manifest", str(jobs)]) == 0
    assert "accepted" in capsys.readouterr().out


def test_a_resave_is_not_an_edit_and_a_deleted_label_is(tmp_path):
    src = make_folder(tmp_path, n=6, labelled=6)
    jobs = tmp_path / "jobs"
    split_jobs(src, jobs, 2, overlap=0.0)
    m = read_manifest(jobs)
    a, b = m.images[0], m.images[1]
    path = m.job_folder(a.jobs[0]) / a.label
    raw = json.loads(path.read_text())
    raw["version"] = "9.9.9"          # another tool's re-save: other version, other layout
    path.write_text(json.dumps(raw, indent=4))
    (m.job_folder(b.jobs[0]) / b.label).unlink()
    rows = job_status(jobs)
    assert sum(r.edited for r in rows) == 1
    before = (src / a.label).read_bytes()
    result = merge_jobs(jobs, src)
    assert result.written == [] and result.removed == [b.label]
    assert (src / a.label).read_bytes() == before and not (src / b.label).exists()


def test_a_corrupt_label_file_is_named_and_the_split_goes_on(tmp_path, capsys):
    src = make_folder(tmp_path, n=4, labelled=4)
    (src / "img_01.json").write_text("{broken")
    jobs = tmp_path / "jobs"
    rc = main(["jobs", "split", "--input", str(src), "--annotators", "2", "--overlap", "0", "--output", str(jobs)])
    assert rc == 1 and "img_01.json: not a readable label file" in capsys.readouterr().err
    copies = list(jobs.rglob("img_01.json"))
    assert len(copies) == 1 and copies[0].read_text() == "{broken"
    assert len(list(jobs.rglob("*.png"))) == 4
