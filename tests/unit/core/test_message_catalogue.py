"""The messages of the Qt-free core in Chinese (ADR 0033): every message users read from the
covered modules (label files, dataset formats, huge images, models, training, review jobs,
the sub-commands) goes through ``tr``; every marked message has a finished zh_CN translation that keeps its placeholders;
the compiled ``.mo`` is the committed ``.po``; English stays the default, word for word."""
from __future__ import annotations

import ast
import gettext
import json
import re
import string
from pathlib import Path

import pytest

from anylabel.core import i18n

PACKAGE = Path(i18n.__file__).resolve().parents[2]
PO = Path(i18n.__file__).with_name("anylabel_zh_CN.po")

#: The modules whose messages users read: label files, dataset formats, huge images, model
#: configs, model types, downloads, batch runs, tracking, training, quantisation, review jobs
#: and the sub-commands. A message given there as a bare string fails the scan below.
COVERED = [
    *(f"core/{m}.py" for m in ("label_file", "label_values", "shape_kinds", "class_list", "safe_yaml",
                               "size_limits", "image_io", "mask_shape", "video_frames", "tiled_image",
                               "tile_cache", "streamed_copy", "bomb_guard", "review", "agreement", "frame_folder")),
    *(p.relative_to(PACKAGE).as_posix() for p in sorted((PACKAGE / "formats").glob("*.py"))),
    *(f"inference/{m}.py" for m in ("config", "config_paths", "download", "download_checks", "runtime",
                                    "registry", "trackers/config", "quantize", "quantize_calibration",
                                    "batch", "image_loading", "providers", "engines/__init__",
                                    "engines/ray_engine", "trackers/__init__", "trackers/folder", "sam2_video/model",
                                    "sam2_video/parts", "sam2_video/prompts", "sam2_video/tracker")),
    *(p.relative_to(PACKAGE).as_posix() for d in ("inference/models", "inference/sam")
      for p in sorted((PACKAGE / d).glob("*.py"))),
    "inference/postprocess/nms.py",
    *(f"training/{m}.py" for m in ("dataset", "errors", "job", "model_config", "protocol")),
    *(f"review/{m}.py" for m in ("folders", "jobs", "manifest", "thumbnails")),
    "serve/ray_runner.py",
    *(p.relative_to(PACKAGE).as_posix() for p in sorted((PACKAGE / "cli").glob("*.py"))),
]
#: Calls whose text arguments end up in front of users (errors, summary entries and notes).
REPORTING_CALLS = {"fail", "leave_out", "Skip", "ImportFailure"}
MARKERS = ("tr", "trn", "tr_noop")


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _is_text(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(p.value for p in node.values if isinstance(p, ast.Constant))
    else:
        return False
    return re.search(r"[A-Za-z]{2,}", text) is not None


def _reporting(call: ast.Call) -> bool:
    name = _name(call.func)
    if name in REPORTING_CALLS or name.endswith(("Error", "Problem")):
        return True
    # super().__init__(...) of an error class that makes its own message
    if name == "__init__" and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Call):
        return _name(call.func.value.func) == "super"
    # summary.notes.append(...), self.notes.append(...)
    return name == "append" and isinstance(call.func, ast.Attribute) and _name(call.func.value) == "notes"


def bare_messages(source: str, rel: str = "<source>") -> list[str]:
    """Text literals handed straight to an error, a summary entry or a note (not via tr)."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        calls = []
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            calls.append(node.exc)
        if isinstance(node, ast.Call) and _reporting(node):
            calls.append(node)
        for call in calls:
            for arg in [*call.args, *(k.value for k in call.keywords)]:
                if _is_text(arg):
                    found.append(f"{rel}:{arg.lineno}: {ast.get_source_segment(source, arg)}")
    return sorted(set(found))


def marked_messages() -> set[str | tuple[str, str]]:
    """The msgids of every tr/trn/tr_noop call with literal text outside anylabel/qt."""
    out: set[str | tuple[str, str]] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).parts[0] == "qt":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node.func) in MARKERS and isinstance(node.func, ast.Name):
                args = node.args
                if not args or not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args[:2 if
                                       node.func.id == "trn" else 1]):
                    continue  # tr(reason): a value marked where it was made
                out.add((args[0].value, args[1].value) if node.func.id == "trn" else args[0].value)
    return out


def read_po(path: Path) -> dict[str | tuple[str, str], tuple[list[str], bool]]:
    """msgid (or (singular, plural)) -> (its translations, fuzzy), header left out."""
    entries: dict[str | tuple[str, str], tuple[list[str], bool]] = {}
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        fuzzy = False
        for line in block.splitlines():
            if line.startswith("#,"):
                fuzzy = fuzzy or "fuzzy" in line
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[key] += ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                fields[key] = ast.literal_eval(value)
        if not fields.get("msgid"):
            continue
        if "msgid_plural" in fields:
            texts = [v for k, v in sorted(fields.items()) if k.startswith("msgstr[")]
            entries[(fields["msgid"], fields["msgid_plural"])] = (texts, fuzzy)
        else:
            entries[fields["msgid"]] = ([fields.get("msgstr", "")], fuzzy)
    return entries


def placeholders(text: str) -> list[tuple[str, str, str]]:
    return sorted((f, c or "", s or "") for _, f, s, c in string.Formatter().parse(text) if f is not None)


@pytest.fixture
def chinese():
    assert i18n.set_language("zh_CN") == "zh_CN"
    yield
    i18n.set_language("en")


# ---------------------------------------------------------------- the catalogue is complete

def test_the_scan_finds_a_bare_message() -> None:
    src = ('def f(p, s):\n    raise FormatError(f"{p}: broken")\n    s.fail(p, "cannot be read")\n'
           '    s.notes.append("a note")\n'
           'class TooLarge(ValueError):\n    def __init__(self, p):\n'
           '        super().__init__(f"{p}: too large")\n')
    assert len(bare_messages(src)) == 4
    assert bare_messages('raise FormatError(tr("{0}: broken").format(p))') == []


def test_every_user_facing_message_of_the_covered_modules_goes_through_tr() -> None:
    bare = [hit for rel in COVERED for hit in bare_messages((PACKAGE / rel).read_text(encoding="utf-8"), rel)]
    assert bare == []


def test_every_marked_message_has_a_finished_chinese_translation() -> None:
    catalogue = read_po(PO)
    missing = sorted(map(str, marked_messages() - set(catalogue)))
    assert not missing, f"not in {PO.name} (run scripts/build_translations.sh): {missing[:10]}"
    unfinished = [msgid for msgid, (texts, fuzzy) in catalogue.items() if fuzzy or not all(texts)]
    assert not unfinished, f"no zh_CN translation in {PO.name}: {unfinished[:10]}"
    for msgid, (texts, _) in catalogue.items():
        source = msgid if isinstance(msgid, str) else msgid[0]
        for text in texts:
            assert placeholders(text) == placeholders(source), (msgid, text)  # values kept, none made up
            assert text != source, msgid  # a copy of the English is no translation


def test_the_compiled_catalogue_is_the_committed_source() -> None:
    with open(i18n.catalogue_path("zh_CN"), "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for msgid, (texts, _) in read_po(PO).items():
        got = compiled.gettext(msgid) if isinstance(msgid, str) else compiled.ngettext(*msgid, 2)
        if got != texts[0]:
            stale.append(msgid)
    assert not stale, f"{PO.with_suffix('.mo').name} is older than the .po (scripts/build_translations.sh --compile): {stale[:5]}"


# ---------------------------------------------------------------- what users read

def _corrupt_label_file(tmp_path: Path) -> Path:
    path = tmp_path / "图1.json"
    path.write_text(json.dumps({"shapes": [{"label": "cat", "points": "none", "shape_type": "polygon"}]}))
    return path


def test_english_is_the_default_and_its_messages_are_unchanged(tmp_path) -> None:
    from anylabel.core.errors import LabelFileError
    from anylabel.core.label_file import read_label_file

    assert i18n.current_language() == "en"
    with pytest.raises(LabelFileError) as err:
        read_label_file(_corrupt_label_file(tmp_path))
    assert err.value.problem == "shape 0 ('cat'): 'points' must be a list of [x, y] pairs"


def test_a_label_file_error_in_chinese_names_the_file_and_keeps_the_values(tmp_path, chinese) -> None:
    from anylabel.core.errors import LabelFileError
    from anylabel.core.label_file import read_label_file

    path = _corrupt_label_file(tmp_path)
    with pytest.raises(LabelFileError) as err:
        read_label_file(path)
    assert str(err.value) == f"{path}: 形状 0（'cat'）：'points' 必须是 [x, y] 坐标对的列表"
    (tmp_path / "cut.json").write_text('{"shapes": [')
    with pytest.raises(LabelFileError, match=r"cut\.json: 不是有效的 JSON（第 1 行第 13 列："):
        read_label_file(tmp_path / "cut.json")


def test_plural_messages_follow_the_count(tmp_path, chinese) -> None:
    from anylabel.core.label_file import shape_from_dict

    with pytest.raises(ValueError, match="一个点：rotation 需要 4 个点，实际为 2 个"):
        shape_from_dict({"label": "a", "shape_type": "rotation", "points": [[0, 0], [1, 1]]}, where="一个点")


def test_a_model_config_error_in_chinese(tmp_path, chinese) -> None:
    from anylabel.inference.config import ConfigError, load_config

    cfg = tmp_path / "m.yaml"
    cfg.write_text("type: yolov8\nname: m\nmodel_path: m.onnx\nconf_treshold: 0.3\n")
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    assert str(err.value).startswith(f"{cfg}: 模型类型 'yolov8' 没有键 'conf_treshold'（是否想写 'conf_threshold'？）")


def test_a_model_types_own_setting_error_in_chinese(chinese) -> None:
    from anylabel.inference.config import ConfigError, config_from_dict
    from anylabel.inference.registry import create_model

    with pytest.raises(ConfigError) as err:
        create_model(config_from_dict({"type": "detector_sam", "name": "d"}))
    assert str(err.value) == "<config>: detector_sam 配置需要 'detector'（模型名或 YAML 路径）"


def test_an_offline_download_error_in_chinese(tmp_path, monkeypatch, chinese) -> None:
    from anylabel.inference.config import ModelConfig
    from anylabel.inference.download import DownloadError, resolve_model_file

    monkeypatch.setenv("ANYLABEL_MODELS_DIR", str(tmp_path))
    monkeypatch.setenv("ANYLABEL_NO_DOWNLOAD", "1")
    config = ModelConfig(type="yolov8", name="m", model_path="https://example.invalid/m.onnx")
    with pytest.raises(DownloadError) as err:
        resolve_model_file(config)
    text = str(err.value)
    assert text.startswith("无法下载 https://example.invalid/m.onnx：已禁用下载。") and "ANYLABEL_MODEL_MIRROR" in text


def test_a_summary_in_chinese_translates_the_skip_reasons(chinese) -> None:
    from anylabel.formats.base import Skip, Summary
    from anylabel.formats.convert import NOT_AN_AREA

    s = Summary("export", "yolo", images=2, files_written=3, shapes_written=4)
    s.skip([Skip("road", "line", NOT_AN_AREA)], "a.json")
    s.fail("b.json", "not readable")
    assert s.lines() == ["导出 yolo：2 张图像，写入 3 个文件，转换 4 个形状", "  跳过 1 个 line 形状：线、折线和点没有面积",
                         "    位于 a.json", "  1 个文件失败：", "    b.json: not readable"]
    i18n.set_language("en")
    assert s.lines()[1] == "  skipped 1 line shape(s): lines, line strips and points cover no area"


def test_a_huge_image_refusal_in_chinese_keeps_its_figures(chinese) -> None:
    from anylabel.core.tiled_image import MAX_TILED_PIXELS_ENV, TiledImageError, check_tiled_size

    with pytest.raises(TiledImageError) as err:
        check_tiled_size("巨幅.tif", 200_000, 100_000)
    assert str(err.value) == (f"巨幅.tif：图像为 200000 x 100000 像素，超过 AnyLabel 按图块显示的上限 10 十亿像素"
                              f"（或单边 500000 像素）；如果图像本就这么大，请把 {MAX_TILED_PIXELS_ENV} 设为更大的像素数")
    i18n.set_language("en")
    with pytest.raises(TiledImageError,
                       match=r"^巨幅\.tif: the image is 200000 x 100000 pixels, more than the 10 gigapixels"):
        check_tiled_size("巨幅.tif", 200_000, 100_000)


def test_a_training_refusal_in_chinese_says_what_the_task_learns_from(tmp_path, chinese) -> None:
    import numpy as np
    from PIL import Image

    from anylabel.core.label_file import label_path_for, new_annotation_for, write_label_file
    from anylabel.core.shape import Shape
    from anylabel.training.dataset import prepare_dataset
    from anylabel.training.errors import TrainingError

    folder = tmp_path / "lines"
    folder.mkdir()
    Image.new("RGB", (32, 32)).save(folder / "a.png")
    write_label_file(label_path_for(folder / "a.png"), new_annotation_for(
        folder / "a.png", [Shape("line", np.array([[0, 0], [9, 9]]), label="edge")], (32, 32)))
    with pytest.raises(TrainingError) as err:
        prepare_dataset("detect", folder, tmp_path / "out")
    assert str(err.value) == f"{folder}：没有 detect 模型可以学习的标注（需要矩形、多边形、旋转框或圆）"


def test_a_training_epoch_line_in_chinese_keeps_the_metric_names(chinese) -> None:
    from anylabel.training.protocol import EpochReport

    report = EpochReport(3, 10, {"box_loss": 1.0, "cls_loss": 0.25}, {"mAP50-95": 0.5, "mAP50": 0.75})
    assert report.text("detect") == "第 3/10 轮  损失 1.250  mAP50-95 0.500  mAP50 0.750"


def test_a_calibration_image_skipped_in_chinese_is_named_once(tmp_path, chinese) -> None:
    from anylabel.inference.quantize_calibration import record_plain_feeds

    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg")
    cal = record_plain_feeds("images", (1, 3, 8, 8), [broken])
    assert cal.skipped == [(broken, "不是可读取的图像")]  # the reader's message without the file's name


def test_a_prompts_file_error_in_chinese_names_the_place(tmp_path, chinese) -> None:
    from anylabel.inference.sam2_video.prompts import PromptsError, read_prompts_file

    path = tmp_path / "prompts.json"
    path.write_text(json.dumps({"objects": [{"label": "car", "prompts": [{"frame": 9, "box": [0, 0, 5, 5]}]}]}))
    with pytest.raises(PromptsError) as err:
        read_prompts_file(path, lambda f: None, 3)
    assert str(err.value) == f"{path}: objects[1].prompts[1].frame：9 不是该文件夹中的帧（共 3 帧，从 1 开始编号）"


def test_an_unknown_language_or_an_unreadable_catalogue_gives_english(monkeypatch, tmp_path) -> None:
    assert i18n.set_language("fr") == "en" and i18n.tr("file not found") == "file not found"
    (tmp_path / "anylabel_zh_CN.mo").write_bytes(b"not a catalogue")
    monkeypatch.setattr(i18n, "HERE", tmp_path)
    assert i18n.set_language("zh_CN") == "en" and i18n.current_language() == "en"
    assert i18n.tr("file not found") == "file not found"


def test_spawned_export_workers_make_their_messages_in_the_parents_language(monkeypatch, chinese) -> None:
    import multiprocessing

    from anylabel.formats import parallel

    monkeypatch.setattr(parallel, "_start_context", lambda: multiprocessing.get_context("spawn"))
    with parallel.make_pool(1) as pool:
        assert pool.submit(i18n.tr, "file not found").result(timeout=120) == "文件不存在"


# ---------------------------------------------------------------- the command line

def test_the_desktops_remote_server_client_wraps_its_errors_in_the_interface_language(chinese) -> None:
    import socket

    from anylabel.core.errors import AnyLabelError
    from anylabel.inference.config import config_from_dict
    from anylabel.inference.registry import create_model

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    cfg = config_from_dict({"type": "remote_server", "name": "r",
                            "remote_server_settings": {"server_url": f"http://127.0.0.1:{port}"}})
    with pytest.raises(AnyLabelError) as err:
        create_model(cfg)
    assert str(err.value) == (f"http://127.0.0.1:{port}/v1/models：连接被拒绝；服务器是否在运行"
                              "（'anylabel serve --model ...'），地址是否正确？")


def test_a_track_run_in_chinese_still_sends_its_errors_to_stderr(tmp_path, capsys) -> None:
    import numpy as np
    from PIL import Image

    from anylabel.cli.main import main
    from anylabel.core.label_file import label_path_for, new_annotation_for, write_label_file
    from anylabel.core.shape import Shape

    for name in ("a.png", "b.png"):
        Image.new("RGB", (64, 48)).save(tmp_path / name)
    write_label_file(label_path_for(tmp_path / "a.png"), new_annotation_for(
        tmp_path / "a.png", [Shape("rectangle", np.array([[4.0, 4.0], [30.0, 30.0]]), label="car")],
        (64, 48)))
    (tmp_path / "b.json").write_text('{"shapes": [')
    try:
        assert main(["--lang", "zh_CN", "track", "--input", str(tmp_path), "--quiet"]) == 1
    finally:
        i18n.set_language("en")
    out, err = capsys.readouterr()
    assert out.splitlines() == ["写入 1 个标注文件，0 个不变"]
    assert err.startswith(f"错误：{tmp_path / 'b.json'}: 不是有效的 JSON")


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` pixels and holds none (enough for a size check)."""
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def test_the_server_speaks_to_its_operator_in_their_language_and_to_clients_in_english(monkeypatch,
                                                                                       capsys) -> None:
    import base64

    from anylabel.cli.main import main
    from anylabel.serve.http_runner import ApiServer

    answers = []

    def serve_once(self) -> None:  # instead of serving forever: one request, then Ctrl+C
        body = json.dumps({"model": "fixture_shapes_det",
                           "image": base64.b64encode(_png_header(2000, 1000)).decode("ascii")})
        answers.append((i18n.current_language(), self.api.handle("POST", "/v1/predict", body.encode())))
        raise KeyboardInterrupt

    monkeypatch.setattr(ApiServer, "serve_forever", serve_once)
    monkeypatch.setenv("ANYLABEL_MAX_IMAGE_PIXELS", "1000000")
    try:
        assert main(["--lang", "zh_CN", "serve", "--model", "fixture_shapes_det", "--port", "0"]) == 0
    finally:
        i18n.set_language("en")
    assert "正在 http://127.0.0.1:" in capsys.readouterr().err  # the operator's banner, in Chinese
    [(language, answer)] = answers
    error = answer.body["error"]
    assert language == "en" and answer.status == 400 and error["code"] == "INVALID_IMAGE"
    # the core's message it carries, in English
    assert error["message"].startswith("<request image>: the image is 2000 x 1000 pixels")


def test_the_cli_frames_the_core_messages_in_the_same_language(tmp_path, capsys) -> None:
    from anylabel.cli.main import main

    missing = tmp_path / "无"
    try:
        assert main(["--lang", "zh_CN", "predict", "--model", "m", "--input", str(missing)]) == 2
        assert main(["--lang", "zh_CN", "jobs", "split", "--input", str(missing),
                     "--output", str(tmp_path / "o"), "--annotators", "2"]) == 2
    finally:
        i18n.set_language("en")
    err = capsys.readouterr().err.splitlines()
    assert err == [f"anylabel predict: {missing}：文件或文件夹不存在", f"anylabel jobs: {missing}：输入文件夹不存在"]
    assert main(["predict", "--model", "m", "--input", str(missing)]) == 2
    assert capsys.readouterr().err == f"anylabel predict: {missing}: no such file or folder\n"


def _folder_with_a_broken_label_file(tmp_path: Path) -> Path:
    from PIL import Image

    folder = tmp_path / "imgs"
    folder.mkdir()
    Image.new("RGB", (40, 30)).save(folder / "a.png")
    (folder / "a.json").write_text('{"shapes": [')
    return folder


def test_the_cli_lang_flag_gives_a_sub_command_chinese_messages(tmp_path, capsys) -> None:
    from anylabel.cli.main import main

    folder = _folder_with_a_broken_label_file(tmp_path)
    try:
        assert main(["--lang", "zh_CN", "export", "--format", "yolo", "--input", str(folder),
                     "--output", str(tmp_path / "zh")]) == 1
    finally:
        i18n.set_language("en")
    err = capsys.readouterr().err
    assert "导出 yolo：0 张图像" in err and f"{folder / 'a.json'}: 不是有效的 JSON" in err
    assert main(["export", "--format", "yolo", "--input", str(folder), "--output", str(tmp_path / "en")]) == 1
    err = capsys.readouterr().err
    assert "export yolo: 0 image(s)" in err and f"{folder / 'a.json'}: not valid JSON" in err
