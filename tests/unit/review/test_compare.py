"""``anylabel compare`` on synthetic folders: exact counts by construction, and the same
counts as pycocotools' COCOeval for boxes."""
import json
import shutil

import numpy as np
import pytest
from review_synth import make_box_folders, make_mixed_folders, write

from anylabel.cli.main import main
from anylabel.core.agreement import MatchOptions
from anylabel.core.label_file import read_label_file
from anylabel.core.shape import rectangle
from anylabel.review.folders import compare_folders, find_label_files


def _confusion(report):
    t = report["confusion"]
    return {(r, c): t["matrix"][i][j] for i, r in enumerate(t["rows"]) for j, c in enumerate(t["columns"])
            if t["matrix"][i][j]}


def _check(report, expected):
    for label, m in report["classes"].items():
        assert (m["tp"], m["fp"], m["fn"]) == (expected.tp[label], expected.fp[label], expected.fn[label]), label
    assert set(report["classes"]) == set(expected.tp) | set(expected.fp) | set(expected.fn)
    assert _confusion(report) == dict(expected.confusion)


def test_mixed_shapes_give_the_counts_by_construction(tmp_path, capsys):
    expected = make_mixed_folders(tmp_path)
    out = tmp_path / "out"
    rc = main(["compare", "--reference", str(tmp_path / "ref"), "--candidate", str(tmp_path / "cand"),
               "--output", str(out)])
    assert rc == 0
    report = json.loads((out / "report.json").read_text())
    _check(report, expected)
    o = report["overall"]
    assert (o["tp"], o["fp"], o["fn"]) == (sum(expected.tp.values()), sum(expected.fp.values()),
                                           sum(expected.fn.values()))
    assert report["classes"]["nose"]["mean_point_distance"] == pytest.approx(5.0)
    assert report["classes"]["nose"]["mean_iou"] is None
    # worst first: the box image has every kind of error
    assert report["images"][0]["image"] == "boxes" and report["images"][0]["errors"] == 6
    html = (out / "report.html").read_text()
    assert html.count("<svg") == 3 and "data:image/jpeg;base64," in html
    assert "precision" in capsys.readouterr().out


def _coco_counts(root, iou=0.5):
    """tp, fp, fn per class and recall as pycocotools' COCOeval finds them."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    names = sorted(p.stem for p in (root / "ref").glob("*.json"))
    cats = {"cat": 1, "dog": 2}
    gt = {"images": [], "annotations": [], "categories": [{"id": v, "name": k} for k, v in cats.items()]}
    dts = []
    for img_id, name in enumerate(names, start=1):
        gt["images"].append({"id": img_id, "width": 640, "height": 480, "file_name": name})
        for side, store in (("ref", gt["annotations"]), ("cand", dts)):
            for s in read_label_file(root / side / f"{name}.json").shapes:
                (x0, y0), (x1, y1) = s.points
                ann = {"image_id": img_id, "category_id": cats[s.label], "bbox": [x0, y0, x1 - x0, y1 - y0]}
                if side == "ref":
                    ann.update(id=len(store) + 1, area=(x1 - x0) * (y1 - y0), iscrowd=0)
                else:
                    ann["score"] = 1.0 if s.score is None else s.score
                store.append(ann)
    coco_gt = COCO()
    coco_gt.dataset = gt
    coco_gt.createIndex()
    coco_dt = coco_gt.loadRes(dts)
    ev = COCOeval(coco_gt, coco_dt, "bbox")
    ev.params.iouThrs = np.array([iou])
    ev.evaluate()
    ev.accumulate()
    counts = {}
    for e in ev.evalImgs:
        if e is None or e["aRng"] != ev.params.areaRng[0]:
            continue
        name = {v: k for k, v in cats.items()}[e["category_id"]]
        tp, fp, fn = counts.get(name, (0, 0, 0))
        dm, di = e["dtMatches"][0], e["dtIgnore"][0]
        gm, gi = e["gtMatches"][0], np.asarray(e["gtIgnore"], dtype=bool)
        tp += int(((dm > 0) & ~di).sum())
        fp += int(((dm == 0) & ~di).sum())
        fn += int(((gm == 0) & ~gi).sum())
        counts[name] = (tp, fp, fn)
    recall = {name: float(ev.eval["recall"][0, k, 0, -1]) for k, name in enumerate(cats)}
    return counts, recall


@pytest.mark.parametrize("seed,scores", [(0, True), (1, True), (2, False)])
def test_boxes_agree_with_cocoeval(tmp_path, seed, scores):
    expected = make_box_folders(tmp_path, images=8, seed=seed, scores=scores)
    result = compare_folders(tmp_path / "ref", tmp_path / "cand", MatchOptions(iou=0.5))
    ours = {k: v.to_dict() for k, v in result.agreement.classes.items()}
    counts, recall = _coco_counts(tmp_path)
    for label, (tp, fp, fn) in counts.items():
        assert (ours[label]["tp"], ours[label]["fp"], ours[label]["fn"]) == (tp, fp, fn) == (
            expected.tp[label], expected.fp[label], expected.fn[label])
        assert ours[label]["precision"] == pytest.approx(tp / (tp + fp))
        assert ours[label]["recall"] == pytest.approx(recall[label])


def test_crowded_boxes_agree_with_cocoeval_greedy(tmp_path):
    # COCOeval's greedy leaves one of these candidates unmatched; so does ours by default
    ref = [rectangle(0, 0, 10, 10, "cat"), rectangle(3, 0, 13, 10, "cat")]
    cand = [rectangle(1, 0, 11, 10, "cat", score=0.9), rectangle(-2, 0, 8, 10, "cat", score=0.8)]
    write(tmp_path / "ref", "a", ref)
    write(tmp_path / "cand", "a", cand)
    counts, _ = _coco_counts(tmp_path)
    greedy = compare_folders(tmp_path / "ref", tmp_path / "cand").agreement.classes["cat"]
    assert counts["cat"] == (greedy.tp, greedy.fp, greedy.fn) == (1, 1, 1)
    optimal = compare_folders(tmp_path / "ref", tmp_path / "cand", MatchOptions(matching="optimal"))
    assert optimal.agreement.classes["cat"].tp == 2


def test_classes_map_merges_and_drops_labels(tmp_path):
    write(tmp_path / "ref", "a", [rectangle(0, 0, 10, 10, "person"), rectangle(50, 0, 60, 10, "tree")])
    write(tmp_path / "cand", "a", [rectangle(0, 0, 10, 10, "human")])
    (tmp_path / "map.yaml").write_text("human: person\ntree: null\n")
    out = tmp_path / "out"
    assert main(["compare", "--reference", str(tmp_path / "ref"), "--candidate", str(tmp_path / "cand"),
                 "--output", str(out), "--classes-map", str(tmp_path / "map.yaml"), "--no-html"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert list(report["classes"]) == ["person"] and report["overall"]["f1"] == 1.0
    assert not (out / "report.html").exists()


def test_report_names_the_shapes_of_each_file_that_paired(tmp_path):
    # the dropped label shifts the compared shapes; the detail still indexes the files
    write(tmp_path / "ref", "a", [rectangle(50, 0, 60, 10, "tree"), rectangle(0, 0, 10, 10, "cat"),
                                  rectangle(100, 0, 110, 10, "cat")])
    write(tmp_path / "cand", "a", [rectangle(300, 0, 310, 10, "dog"), rectangle(1, 0, 11, 10, "cat"),
                                   rectangle(100, 0, 110, 10, "dog")])
    (tmp_path / "map.yaml").write_text("tree: null\n")
    out = tmp_path / "out"
    assert main(["compare", "--reference", str(tmp_path / "ref"), "--candidate", str(tmp_path / "cand"),
                 "--output", str(out), "--classes-map", str(tmp_path / "map.yaml"), "--quiet"]) == 0
    detail = json.loads((out / "report.json").read_text())["images"][0]["detail"]
    assert detail == {"matched": [[1, 1, pytest.approx(9 / 11), None]], "relabelled": [[2, 2, 1.0, None]],
                      "missed": [], "extra": [0]}


def test_a_corrupt_file_is_named_and_the_rest_compared(tmp_path, capsys):
    make_mixed_folders(tmp_path)
    (tmp_path / "cand" / "points.json").write_text("{not json")
    before = (tmp_path / "cand" / "boxes.json").read_bytes()
    out = tmp_path / "out"
    rc = main(["compare", "--reference", str(tmp_path / "ref"), "--candidate", str(tmp_path / "cand"),
               "--output", str(out)])
    assert rc == 1
    err = capsys.readouterr().err
    assert "points.json" in err and "not valid JSON" in err
    report = json.loads((out / "report.json").read_text())
    assert report["image_count"] == 3 and len(report["errors"]) == 1
    assert (tmp_path / "cand" / "boxes.json").read_bytes() == before  # inputs untouched


def test_missing_files_and_folders(tmp_path, capsys):
    write(tmp_path / "ref", "a", [rectangle(0, 0, 10, 10, "cat")])
    write(tmp_path / "ref", "b", [rectangle(0, 0, 10, 10, "cat")])
    write(tmp_path / "cand", "a", [rectangle(0, 0, 10, 10, "cat")])
    result = compare_folders(tmp_path / "ref", tmp_path / "cand")
    assert result.only_in_reference == ["b"] and result.agreement.classes["cat"].fn == 1
    rc = main(["compare", "--reference", str(tmp_path / "nope"), "--candidate", str(tmp_path / "cand"),
               "--output", str(tmp_path / "o")])
    assert rc == 2 and "nope: the reference folder does not exist" in capsys.readouterr().err


def test_output_inside_an_input_is_not_read_back(tmp_path):
    make_mixed_folders(tmp_path)
    out = tmp_path / "ref" / "report"
    shutil.copy(tmp_path / "ref" / "boxes.json", tmp_path / "ref" / "report.json")  # a stray file name
    out.mkdir()
    (out / "x.json").write_text("{broken")
    assert "report/x" not in find_label_files(tmp_path / "ref", skip=out)


def test_labels_are_escaped_in_the_html(tmp_path):
    write(tmp_path / "ref", "a", [rectangle(0, 0, 10, 10, "<script>alert(1)</script>")])
    write(tmp_path / "cand", "a", [])
    out = tmp_path / "out"
    assert main(["compare", "--reference", str(tmp_path / "ref"), "--candidate", str(tmp_path / "cand"),
                 "--output", str(out)]) == 0
    html = (out / "report.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_thumbnails_draw_both_sets_in_their_colours(tmp_path):
    from anylabel.review.thumbnails import CANDIDATE_RGB, REFERENCE_RGB, render_pair

    write(tmp_path / "ref", "a", [rectangle(10, 10, 100, 100, "cat")])
    write(tmp_path / "cand", "a", [rectangle(300, 200, 400, 300, "cat")])
    entry = compare_folders(tmp_path / "ref", tmp_path / "cand").images[0]
    img = render_pair(entry, max_side=320)  # no image file: a blank page of the labels' 640 x 480
    assert img.shape == (240, 320, 3)
    for rgb in (REFERENCE_RGB, CANDIDATE_RGB):
        assert (np.abs(img.astype(int) - rgb).sum(axis=2) < 30).sum() > 50
    # the reference box is drawn where it is (scaled by 0.5), the candidate's elsewhere
    ref_px = np.abs(img.astype(int) - REFERENCE_RGB).sum(axis=2) < 30
    ys, xs = np.nonzero(ref_px)
    assert xs.min() >= 3 and xs.max() <= 53 and ys.max() <= 53


def test_bad_options_are_a_clear_message(tmp_path, capsys):
    write(tmp_path / "ref", "a", [])
    rc = main(["compare", "--reference", str(tmp_path / "ref"), "--candidate", str(tmp_path / "ref"),
               "--output", str(tmp_path / "o"), "--iou", "1.5"])
    assert rc == 2 and "IoU threshold must be in (0, 1]" in capsys.readouterr().err
    (tmp_path / "map.yaml").write_text("- a\n- b\n")
    rc = main(["compare", "--reference", str(tmp_path / "ref"), "--candidate", str(tmp_path / "ref"),
               "--output", str(tmp_path / "o"), "--classes-map", str(tmp_path / "map.yaml")])
    assert rc == 2 and "map.yaml: the classes map must map each label" in capsys.readouterr().err
