"""``anylabel models quantize``: real INT8 copies made by ONNX Runtime, their accuracy against the
float model, the config written beside them, and clear refusals of bad input."""
from __future__ import annotations

import hashlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from anylabel.cli.main import main as cli
from anylabel.core.errors import AnyLabelError
from anylabel.core.geometry import bounding_box
from anylabel.inference import create_model
from anylabel.inference.config import load_config, shipped_config_dir

from _accuracy import box_overlap, map50, synthetic

pytest.importorskip("onnx")
from anylabel.inference.quantize import QuantizeError, load_float_model, quantize, tail_nodes  # noqa: E402

DET_CFG = shipped_config_dir() / "fixture_shapes_det.yaml"
HELD_OUT_SEED = 4242  # as test_fixture_models.py; training used 1000-2003, calibration 77


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def synthetic_images(folder: Path, n: int, seed: int = 77) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(n):
        img, _ = synthetic().make_sample(rng, "det", 160, 160)
        cv2.imwrite(str(folder / f"{i:03d}.png"), img[:, :, ::-1])
    return folder


@pytest.fixture(scope="module")
def static_det(tmp_path_factory):
    if not DET_CFG.exists():
        pytest.skip("fixture_shapes_det not built (python scripts/train_fixture_models.py --tasks det)")
    root = tmp_path_factory.mktemp("quantize")
    cal = synthetic_images(root / "calibration", 24)
    (cal / "broken.jpg").write_bytes(b"not a jpeg at all")
    source = load_config(DET_CFG)
    before = sha(Path(source.base_dir(), source.model_path).resolve())
    result = quantize(str(DET_CFG), root / "out", "static", str(cal))
    return result, before, root


def detector_map(model, n: int = 60) -> float:
    syn = synthetic()
    names = syn.CLASSES["det"]
    rng = np.random.default_rng(HELD_OUT_SEED)
    samples = []
    for _ in range(n):
        img, objs = syn.make_sample(rng, "det", 160, 160)
        samples.append(([(names.index(s.label), s.score, bounding_box(s)) for s in model.predict(img)],
                        [(o.cls, tuple(o.box)) for o in objs]))
    return map50(samples, len(names), box_overlap)


def test_static_int8_detector_keeps_map50_within_0_02(static_det) -> None:
    result, _, _ = static_det
    float_map = detector_map(create_model(DET_CFG, device="cpu"))
    int8_map = detector_map(create_model(result.config, device="cpu"))
    print(f"mAP50 FP32 {float_map:.4f} INT8 {int8_map:.4f}")
    assert float_map > 0.8
    assert abs(int8_map - float_map) <= 0.02


def test_static_writes_a_real_int8_model_and_a_config_beside_it(static_det) -> None:
    import onnx

    result, source_sha, root = static_det
    out = root / "out"
    (f,) = result.files
    assert f.how == "static INT8" and f.output.parent == out.resolve()
    ops = {n.op_type for n in onnx.load(str(f.output)).graph.node}
    assert {"QuantizeLinear", "DequantizeLinear"} <= ops
    assert f.bytes_after < f.bytes_before / 2
    assert f.similarity is not None and f.similarity > 0.98
    cfg = load_config(result.config)
    assert result.config.parent == out.resolve()
    assert cfg.name == "fixture_shapes_det_int8" and cfg.type == "yolov8"
    assert cfg.model_path == f.output.name  # a plain name, inside the output folder
    assert cfg.sha256["model_path"] == sha(f.output)
    assert cfg.classes == load_config(DET_CFG).classes
    # the source is only read
    src = load_config(DET_CFG)
    assert sha(Path(src.base_dir(), src.model_path).resolve()) == source_sha
    # the broken calibration image is named, the others were used
    assert result.calibration_images == 24
    assert [p.name for p, _ in result.skipped_images] == ["broken.jpg"]
    assert sorted(p.name for p in out.iterdir()) == sorted([f.output.name, result.config.name])


def test_the_tail_after_the_last_convolution_stays_float(static_det) -> None:
    """The detector's output mixes pixel boxes and 0-1 scores: quantised it would lose the scores."""
    import onnx

    model = onnx.load(str(Path(load_config(DET_CFG).base_dir(), load_config(DET_CFG).model_path)))
    tail = set(tail_nodes(model.graph))
    by_name = {n.name: n for n in model.graph.node}
    producers = [n for n in model.graph.node if set(n.output) & {o.name for o in model.graph.output}]
    assert producers and all(n.name in tail for n in producers)
    assert not any(by_name[n].op_type in ("Conv", "MatMul") for n in tail)


def test_an_already_quantised_model_is_refused(static_det, tmp_path) -> None:
    result, _, _ = static_det
    with pytest.raises(QuantizeError, match="already quantised"):
        quantize(str(result.files[0].output), tmp_path / "again", "static", str(synthetic_images(tmp_path / "c", 2)))
    with pytest.raises(QuantizeError, match="already quantised"):
        quantize(str(result.config), tmp_path / "again2", "dynamic")


def test_not_an_onnx_file_is_refused_naming_it(tmp_path) -> None:
    bad = tmp_path / "model.onnx"
    bad.write_text("this is text, not a protobuf graph" * 10)
    with pytest.raises(QuantizeError, match=r"model\.onnx: not an ONNX model"):
        quantize(str(bad), tmp_path / "out", "dynamic")
    cfg = tmp_path / "c.yaml"
    cfg.write_text("type: yolov8\nname: c\nmodel_path: model.onnx\nclasses: [a]\n")
    with pytest.raises(QuantizeError, match=r"model\.onnx: not an ONNX model"):
        quantize(str(cfg), tmp_path / "out", "dynamic")
    assert not (tmp_path / "out").exists()  # a refused source leaves no folder behind


@pytest.mark.parametrize("case", ["missing", "file", "empty", "all_broken"])
def test_unusable_calibration_folder_is_refused(case, tmp_path) -> None:
    folder = tmp_path / "cal"
    if case == "file":
        folder.write_text("x")
    elif case in ("empty", "all_broken"):
        folder.mkdir()
        (folder / "notes.txt").write_text("no image")
        if case == "all_broken":
            (folder / "a.png").write_bytes(b"\x89PNG broken")
    want = {"missing": "calibration folder not found", "file": "needs a folder of images",
            "empty": "no images in the calibration folder", "all_broken": "no calibration image could be read"}
    with pytest.raises(AnyLabelError, match=want[case]) as err:
        quantize(str(DET_CFG), tmp_path / "out", "static", str(folder))
    assert str(folder) in str(err.value) or case == "all_broken"


def test_static_needs_calibration_and_dynamic_refuses_a_cnn(tmp_path) -> None:
    with pytest.raises(QuantizeError, match="--calibration"):
        quantize(str(DET_CFG), tmp_path / "out", "static")
    with pytest.raises(QuantizeError, match="use --mode static"):
        quantize(str(DET_CFG), tmp_path / "out", "dynamic")


def matmul_model(path: Path) -> Path:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    w1 = numpy_helper.from_array(rng.standard_normal((64, 128)).astype(np.float32), "w1")
    w2 = numpy_helper.from_array(rng.standard_normal((128, 16)).astype(np.float32), "w2")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w1"], ["h"]), helper.make_node("Relu", ["h"], ["r"]),
         helper.make_node("MatMul", ["r", "w2"], ["y"])], "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16])], [w1, w2])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    return path


def test_dynamic_quantises_matmul_weights(tmp_path) -> None:
    import onnx
    import onnxruntime as ort

    src = matmul_model(tmp_path / "mlp.onnx")
    result = quantize(str(src), tmp_path / "out", "dynamic")
    (f,) = result.files
    assert f.output == (tmp_path / "out" / "mlp.int8.onnx").resolve() and result.config is None
    assert "MatMulInteger" in {n.op_type for n in onnx.load(str(f.output)).graph.node} or \
        "DynamicQuantizeMatMul" in {n.op_type for n in onnx.load(str(f.output)).graph.node}
    x = np.random.default_rng(1).standard_normal((1, 64)).astype(np.float32)
    a = ort.InferenceSession(str(src), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0].ravel()
    b = ort.InferenceSession(str(f.output), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0].ravel()
    assert a @ b / (np.linalg.norm(a) * np.linalg.norm(b)) > 0.99
    assert not np.array_equal(a, b)  # really a different (integer) computation


def test_a_config_name_cannot_lead_out_of_the_output_folder(tmp_path) -> None:
    src = matmul_model(tmp_path / "mlp.onnx")
    cfg = tmp_path / "evil.yaml"
    cfg.write_text("type: yolov8\nname: ../../escaped\nmodel_path: mlp.onnx\nclasses: [a]\n")
    with pytest.raises(QuantizeError, match="not a plain file name"):
        quantize(str(cfg), tmp_path / "deep" / "out", "dynamic")
    assert not list(tmp_path.rglob("escaped*"))


def test_cli_quantize_and_its_refusals(tmp_path, capsys) -> None:
    src = matmul_model(tmp_path / "mlp.onnx")
    assert cli(["models", "quantize", str(src), "--mode", "dynamic", "--output", str(tmp_path / "o")]) == 0
    out = capsys.readouterr()
    assert "dynamic INT8" in out.out and (tmp_path / "o" / "mlp.int8.onnx").is_file()
    assert "no config written" in out.err
    assert cli(["models", "quantize", str(tmp_path / "o" / "mlp.int8.onnx"), "--mode", "dynamic",
                "--output", str(tmp_path / "o2")]) == 1
    err = capsys.readouterr().err
    assert "already quantised" in err and "Traceback" not in err
    assert cli(["models", "quantize", str(src), "--mode", "static", "--calibration", str(tmp_path / "nope"),
                "--output", str(tmp_path / "o3")]) == 1
    assert "calibration folder not found" in capsys.readouterr().err


def test_static_on_a_bare_onnx_file_feeds_resized_images(tmp_path) -> None:
    if not DET_CFG.exists():
        pytest.skip("fixture_shapes_det not built")
    cfg = load_config(DET_CFG)
    src = Path(cfg.base_dir(), cfg.model_path).resolve()
    result = quantize(str(src), tmp_path / "out", "static", str(synthetic_images(tmp_path / "cal", 8)))
    (f,) = result.files
    assert f.how == "static INT8" and f.similarity is not None and f.similarity > 0.95
    load_float_model(src)  # the source is still a float model, untouched


def test_a_side_file_beside_the_config_travels_with_it(tmp_path) -> None:
    """RAM-style ``tag_list_path: tags.txt`` must still resolve from the new config's folder."""
    src = matmul_model(tmp_path / "mlp.onnx")
    (tmp_path / "tags.txt").write_text("a\nb\n")
    cfg = tmp_path / "ram.yaml"
    cfg.write_text(f"type: ram\nname: r\nmodel_path: {src.name}\ntag_list_path: tags.txt\n")
    result = quantize(str(cfg), tmp_path / "out", "dynamic")
    written = load_config(result.config)
    assert written.options["tag_list_path"] == "tags.txt"
    assert (tmp_path / "out" / "tags.txt").read_text() == "a\nb\n"
