"""``anylabel predict --prompt-from-boxes`` with a SAM config: every rectangle of the
folder becomes the object's polygon, labels kept; images without label files and
broken files do not stop the run (but make the exit code 1)."""
from __future__ import annotations

import cv2
import numpy as np
import yaml

from anylabel.cli.main import main
from anylabel.core.geometry import shape_to_mask
from anylabel.core.label_file import new_annotation_for, read_label_file, write_label_file
from anylabel.core.shape import POLYGON, rectangle


def test_prompt_from_boxes_over_a_folder(tmp_path, contract_paths, scene_factory, iou_fn, capsys):
    enc, dec = contract_paths
    cfg = tmp_path / "sam.yaml"
    cfg.write_text(yaml.safe_dump({"type": "segment_anything", "name": "sam-contract",
                                   "encoder_model_path": str(enc), "decoder_model_path": str(dec)}))
    data = tmp_path / "data"
    data.mkdir()
    truth = {}
    for i, (w, h) in enumerate([(640, 480), (300, 900), (1200, 500)]):
        scene = scene_factory(w, h, seed=i)
        p = data / f"im{i}.png"
        cv2.imwrite(str(p), scene.image[:, :, ::-1])
        boxes = []
        for k, obj in enumerate(scene.objects):
            ys, xs = np.nonzero(obj)
            boxes.append(rectangle(xs.min() - 3, ys.min() - 3, xs.max() + 4, ys.max() + 4, label=f"obj{k}",
                                   group_id=10 + k))
        if i < 2:  # the third image has no label file: nothing to prompt with
            write_label_file(data / f"im{i}.json", new_annotation_for(p, boxes, (w, h)))
        truth[i] = (scene.objects, (h, w))
    (data / "broken.png").write_bytes(b"not an image")

    rc = main(["predict", "--model", str(cfg), "--input", str(data), "--prompt-from-boxes", "--replace", "--quiet"])
    assert rc == 1  # one image could not be read: a script must notice
    err = capsys.readouterr().err
    assert "broken.png" in err
    for i in range(2):
        ann = read_label_file(data / f"im{i}.json")
        objects, (h, w) = truth[i]
        assert all(s.shape_type == POLYGON for s in ann.shapes)
        for k, obj in enumerate(objects):
            mine = [s for s in ann.shapes if s.label == f"obj{k}"]
            assert mine and all(s.group_id == 10 + k for s in mine)  # the user's ids survive --replace
            mask = np.zeros((h, w), bool)
            for s in mine:
                mask |= shape_to_mask(s, h, w)
            assert iou_fn(mask, obj) > 0.9
    assert not (data / "im2.json").exists() or not read_label_file(data / "im2.json").shapes
