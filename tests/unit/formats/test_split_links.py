"""``export --split`` copies images into the dataset: a link that leads out of the input
folder is refused (named in the summary), a link inside it is followed."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from anylabel.cli.main import main
from anylabel.core.label_file import new_annotation_for, write_label_file

from formats_helpers import make_dataset, rect


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="needs symbolic links")
def test_split_does_not_copy_a_linked_file_from_outside(tmp_path: Path, capsys) -> None:
    src = make_dataset(tmp_path / "src", {f"img{i}.jpg": [rect(2, 2, 20, 20)] for i in range(4)})
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    (src / "leak.jpg").symlink_to(secret)
    # The size is declared, so it need not be read from the "image".
    write_label_file(src / "leak.json", new_annotation_for(src / "leak.jpg", [rect(1, 1, 9, 9)], (64, 48)))
    (src / "inside.jpg").symlink_to(src / "img0.jpg")  # a link within the folder is fine
    write_label_file(src / "inside.json", new_annotation_for(src / "inside.jpg", [rect(1, 1, 9, 9)], (64, 48)))
    out = tmp_path / "out"
    code = main(["export", "--format", "yolo", "--input", str(src), "--output", str(out),
                 "--split", "0.5,0.5", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert "leak.jpg" in err and "outside the input folder" in err
    copied = [p for p in out.rglob("*.jpg")]
    assert sorted(p.name for p in copied) == ["img0.jpg", "img1.jpg", "img2.jpg", "img3.jpg", "inside.jpg"]
    assert all(b"root:" not in p.read_bytes() for p in out.rglob("*") if p.is_file())
    assert not any(p.name.startswith("leak") for p in out.rglob("*"))
