"""The Chinese (zh_CN) interface: every user-visible text goes through ``translate`` and has a
finished translation; the compiled catalogue is the committed source's; the language is a
setting (View > Language) and a start flag (``anylabel --lang zh_CN``). English stays the default."""
from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

QT = Path(__file__).resolve().parents[2] / "anylabel" / "qt"
TS = QT / "i18n" / "anylabel_zh_CN.ts"

#: Calls whose text arguments users read, and which positional arguments those are.
VISIBLE_ARGS = {
    "QAction": [0], "QLabel": [0], "QPushButton": [0], "QCheckBox": [0], "QRadioButton": [0], "QGroupBox": [0],
    "QToolBar": [0], "QMenu": [0], "setText": [0], "setToolTip": [0], "setWindowTitle": [0],
    "setPlaceholderText": [0], "showMessage": [0], "addMenu": [0], "addRow": [0], "setStatusTip": [0],
    "setTitle": [0], "setSuffix": [0], "setPrefix": [0], "setSpecialValueText": [0], "report_error": [0],
    "_tell": [0], "_error": [0], "_say": [0], "setLabelText": [0], "addTab": [1], "getOpenFileName": [1, 3],
    "getSaveFileName": [1, 3], "getExistingDirectory": [1], "getDouble": [1, 2], "getInt": [1, 2],
    "getText": [1, 2], "getItem": [1, 2], "question": [1, 2], "warning": [1, 2], "information": [1, 2],
    "QProgressDialog": [0, 1], "setCancelButtonText": [0], "QMessageBox": [1, 2], "setTabText": [1],
    "setHeaderLabels": [0], "setHorizontalHeaderLabels": [0], "setFormat": [0],
    "_report_done": [0], "_edit": [0],  # the video controller's status-bar reports
}
#: Files of other parts of the project (their texts are the batch engine's, not the interface's).
NOT_INTERFACE = {"autolabel/workers.py", "testing.py"}


def _call_name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _literals(node: ast.expr):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        yield "".join(p.value for p in node.values if isinstance(p, ast.Constant))
    elif isinstance(node, ast.BinOp):
        yield from _literals(node.left)
        yield from _literals(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)
    elif isinstance(node, (ast.List, ast.Tuple)):
        for e in node.elts:
            yield from _literals(e)


def _sources():
    for path in sorted(QT.rglob("*.py")):
        rel = path.relative_to(QT).as_posix()
        if rel not in NOT_INTERFACE and rel != "i18n/__init__.py":
            yield rel, ast.parse(path.read_text(encoding="utf-8"))


def untranslated_literals() -> list[str]:
    """Text literals handed straight to a widget, a menu or the status bar (not via translate)."""
    found = []
    for rel, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node.func)
            is_super_init = (name == "__init__" and isinstance(node.func, ast.Attribute)
                             and isinstance(node.func.value, ast.Call) and _call_name(node.func.value.func) == "super")
            positions = [0] if is_super_init else VISIBLE_ARGS.get(name, [])
            for i in positions:
                if i < len(node.args):
                    for text in _literals(node.args[i]):
                        if re.search(r"[A-Za-z]{2,}", text):
                            found.append(f"{rel}:{node.lineno}: {name}({text!r})")
    return found


def marked_texts() -> set[tuple[str, str]]:
    """(context, text) of every translate(...) and QT_TRANSLATE_NOOP(...) in the sources."""
    out = set()
    for _rel, tree in _sources():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and _call_name(node.func) in ("translate", "QT_TRANSLATE_NOOP")
                    and len(node.args) >= 2 and all(isinstance(a, ast.Constant) for a in node.args[:2])):
                out.add((node.args[0].value, node.args[1].value))
    return out


def catalogue() -> dict[tuple[str, str], tuple[str, str | None]]:
    out = {}
    for ctx in ET.parse(TS).getroot().iter("context"):
        name = ctx.find("name").text
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            out[(name, msg.find("source").text or "")] = (tr.text or "", tr.get("type"))
    return out


def test_every_visible_text_goes_through_translate() -> None:
    assert untranslated_literals() == []


def test_every_text_has_a_finished_chinese_translation() -> None:
    cat = catalogue()
    missing = sorted(marked_texts() - set(cat))
    assert not missing, f"not in {TS.name} (run scripts/build_translations.sh): {missing[:10]}"
    unfinished = [src for src, (text, kind) in cat.items() if kind in ("unfinished", "obsolete", "vanished") or not text]
    assert not unfinished, f"no zh_CN translation: {unfinished[:10]}"
    for (ctx, src), (text, _) in cat.items():
        assert sorted(re.findall(r"\{[^}]*\}", src)) == sorted(re.findall(r"\{[^}]*\}", text)), (ctx, src, text)
        if re.search(r"[A-Za-z]{3,}", src) and src == text:
            assert re.fullmatch(r"[\W\d_]*(AnyLabel|NMS|DIoU-NMS|%p%|\{0\}AnyLabel\[\*\])[\W\d_]*", src), (ctx, src)


def test_the_compiled_catalogue_is_the_committed_source(qapp) -> None:
    from qtpy.QtCore import QCoreApplication, QTranslator

    t = QTranslator()
    assert t.load(str(TS.with_suffix(".qm")))
    qapp.installTranslator(t)  # (QTranslator.translate itself takes ASCII only in PyQt5)
    try:
        stale = [(ctx, src) for (ctx, src), (text, _) in catalogue().items()
                 if QCoreApplication.translate(ctx, src) != text]
    finally:
        qapp.removeTranslator(t)
    assert not stale, f"{TS.with_suffix('.qm').name} is older than the .ts (scripts/build_translations.sh --compile): {stale[:5]}"


# ---------------------------------------------------------------- what a zh_CN user sees

#: Words that stay as they are in a Chinese interface: names of formats, models, hardware, keys.
KEEP = re.compile(r"(?-i:\bAI\b)|AnyLabel|YOLO|COCO|VOC|DOTA|MOT|PPOCR|SAM|SAHI|ONNX|YAML|NMS|IoU|DIoU|Soft|classes\.txt|json|txt|yaml|yml|"
                  r"Ctrl|Shift|Alt|Del|English|Esc|ID|px|MB|PNG|JPEG|gt|Label|pose|keypoints|coco|yolo|"
                  r"train|val|test|bytetrack|ocsort|botsort|cpu|cuda|tensorrt|directml|openvino|Enter|Space|Backspace|PgUp|PgDown|Home|End", re.I)


def _english_left(text: str) -> bool:
    text = re.sub(r"\(&\w\)|&", "", text)
    text = re.sub(r"\(Ctrl[^)]*\)|\([A-Z0-9+,\s]+\)", "", text)  # shortcuts shown in tooltips
    return bool(re.search(r"[A-Za-z]{2,}", KEEP.sub("", text)))


def visible_texts(window) -> list[str]:
    from qtpy.QtWidgets import (QAbstractButton, QComboBox, QDockWidget, QGroupBox, QLabel, QLineEdit,
                                QAbstractSpinBox, QTabBar, QTreeWidget, QTableWidget)

    out = []

    def menu_texts(menu):
        if menu is window.recent_menu:
            return  # folder paths
        out.append(("menu", menu.title()))
        for a in menu.actions():
            if a.menu() is not None:
                menu_texts(a.menu())
            elif not a.isSeparator() and a.objectName() not in {f"language_{c}" for c in ("en", "zh_CN")}:
                out.append(("action", a.text()))
                if a.toolTip() and a.toolTip() != a.text():
                    out.append(("tooltip", a.toolTip()))

    for a in window.menuBar().actions():
        if a.menu() is not None:
            menu_texts(a.menu())
    for a in window.toolbar.actions():
        out.append(("toolbar", a.text()))
        out.append(("tooltip", a.toolTip()))
    for dock in window.findChildren(QDockWidget):
        out.append(("dock", dock.windowTitle()))
    for w in window.findChildren(QLabel):
        if w.text() and w.parent() is not window.statusBar():
            out.append(("label", w.text()))
    for w in window.findChildren(QAbstractButton):
        out += [("button", w.text()), ("tooltip", w.toolTip())]
    for w in window.findChildren(QLineEdit):
        out.append(("placeholder", w.placeholderText()))
    for w in window.findChildren(QAbstractSpinBox):
        out += [("suffix", getattr(w, "suffix", lambda: "")()), ("special", w.specialValueText())]
    for w in window.findChildren(QGroupBox):
        out.append(("group", w.title()))
    for w in window.findChildren(QComboBox):
        if not w.isEditable():  # a fixed list of choices (an editable one holds what users type)
            out += [("choice", w.itemText(i)) for i in range(w.count())]
    for w in window.findChildren(QTabBar):
        out += [("tab", w.tabText(i)) for i in range(w.count())]
    for w in window.findChildren(QTreeWidget):
        out += [("header", w.headerItem().text(c)) for c in range(w.columnCount())]
    for w in window.findChildren(QTableWidget):
        out += [("header", w.horizontalHeaderItem(c).text()) for c in range(w.columnCount())
                if w.horizontalHeaderItem(c) is not None]
    return [(kind, t) for kind, t in out if t]


@pytest.fixture
def zh_window(make_window, qapp):
    from anylabel.qt.i18n import current_language, install_language

    w = make_window("language: zh_CN\n", install_extensions=True)  # as View > Language keeps it
    assert current_language() == "zh_CN"
    yield w
    install_language(qapp, "en")


def test_a_chinese_window_shows_no_english_text(zh_window, image_folder) -> None:
    w = zh_window
    w.open_folder(image_folder)
    w.autolabel_panel.show()
    left = [f"{kind}: {text!r}" for kind, text in visible_texts(w) if _english_left(text)]
    assert left == []
    assert w.menu("file").title() == "文件(&F)"
    assert "已标注" in w.progress_label.text()


def test_translated_choices_still_hand_the_code_its_keys(zh_window, monkeypatch) -> None:
    from qtpy.QtWidgets import QPushButton

    w = zh_window
    dock, panel = w.tracks_dock, w.autolabel_panel
    assert [dock.direction.itemText(i) for i in range(3)] == ["向后", "向前", "双向"]
    dock.direction.setCurrentIndex(1)
    seen = []
    monkeypatch.setattr(dock.ctl, "propagate", lambda direction, count: seen.append(direction))
    next(b for b in dock.findChildren(QPushButton) if b.text() == "从此帧传播").click()
    assert seen == ["backward"]  # the controller's key, not the Chinese title
    assert panel.device.itemText(0) == "自动" and panel.device.currentData() == "auto"


def test_the_import_dialog_shows_its_choices_in_chinese(zh_window, qtbot) -> None:
    from anylabel.qt.export_import.choices import ImportChoices
    from anylabel.qt.export_import.dialogs import ImportDialog

    d = ImportDialog(ImportChoices("coco", "/a.json", "/imgs", "", "", "merge"))
    qtbot.addWidget(d)
    assert [d.on_exists.itemText(i) for i in range(3)] == ["保留已有标注文件（并列出）", "添加到已有标注文件",
                                                           "替换已有标注文件"]
    assert d.choices().on_exists == "merge"  # the key, whatever the language


def test_english_stays_the_default(make_window) -> None:
    w = make_window(install_extensions=True)
    assert w.menu("file").title() == "&File" and w.autolabel_panel.windowTitle() == "Auto labeling"


def test_shortcut_titles_of_the_core_are_in_the_catalogue() -> None:
    from anylabel.core.settings import EXTENSION_SHORTCUT_TITLES
    from anylabel.qt.i18n.shortcut_titles import TITLES

    assert set(EXTENSION_SHORTCUT_TITLES.values()) == set(TITLES)
    assert all(("Shortcuts", t) in catalogue() for t in TITLES)


def test_the_shortcuts_help_is_in_chinese(zh_window) -> None:
    from anylabel.qt.dialogs.shortcuts_dialog import shortcuts_html

    html = shortcuts_html(zh_window.shortcut_rows(), "rc")
    assert "撤销" in html and "平移" in html and "分割一切" in html and "Undo" not in html


# ---------------------------------------------------------------- choosing the language

def test_view_language_rebuilds_the_window_in_chinese_and_keeps_it(qtbot, make_window, image_folder, qapp) -> None:
    from anylabel.core.settings import Settings
    from anylabel.qt.i18n import current_language

    w = make_window()
    w.open_folder(image_folder)
    w.open_image(1)
    view = w.menu("view")
    lang_menu = next(a.menu() for a in view.actions() if a.menu() is not None and a.text() == "&Language")
    assert [a.text() for a in lang_menu.actions()] == ["English", "简体中文"]
    next(a for a in lang_menu.actions() if a.text() == "简体中文").trigger()
    new = qapp.anylabel_window
    qtbot.addWidget(new)
    try:
        assert new is not w and not w.isVisible() and new.isVisible()
        assert current_language() == "zh_CN" and new.menu("file").title() == "文件(&F)"
        assert new.current_image_path().name == "img2.png"  # the same folder and image
        assert Settings(w.settings.path).get("language") == "zh_CN"  # kept in the rc file
        back = next(a for a in new.language_actions.values() if a.text() == "English")
        assert new.language_actions["zh_CN"].isChecked()
        back.trigger()
        assert qapp.anylabel_window.menu("file").title() == "&File"
        qtbot.addWidget(qapp.anylabel_window)
    finally:
        from anylabel.qt.i18n import install_language

        install_language(qapp, "en")


def test_lang_flag_starts_in_chinese_without_changing_the_setting(qtbot, image_folder, tmp_path, qapp,
                                                                  monkeypatch) -> None:
    import argparse

    from anylabel.cli.main import add_gui_arguments
    from anylabel.core.settings import Settings
    from anylabel.qt.app import run_app
    from anylabel.qt.i18n import install_language

    # run_app's event loop is not run here: ending it with quit() leaves Qt's "quit now" flag
    # set, and every later wait of the test session would return at once.
    monkeypatch.setattr(qapp, "exec_", lambda: 0)
    rc = tmp_path / "rc.yaml"
    parser = argparse.ArgumentParser()
    add_gui_arguments(parser)
    try:
        assert run_app(parser.parse_args([str(image_folder), "--config", str(rc), "--lang", "zh_CN"])) == 0
        w = qapp.anylabel_window
        qtbot.addWidget(w)
        assert w.menu("file").title() == "文件(&F)" and w.autolabel_panel.windowTitle() == "自动标注"
        assert w.current_image_path().name == "img1.png"
        w.close()
    finally:
        install_language(qapp, "en")
    assert Settings(rc).get("language") == "en"  # the flag is for one start


# ---------------------------------------------------------------- the core's messages (ADR 0033)

def test_a_corrupt_label_file_is_reported_in_chinese_with_its_name(zh_window, image_folder, tmp_path, qtbot) -> None:
    from qtpy.QtWidgets import QMessageBox

    from anylabel.core.i18n import current_language

    assert current_language() == "zh_CN"  # the window's language is the core's too
    (image_folder / "img1.json").write_text('{"shapes": [{"label": "cat", "points": "none"}]}', encoding="utf-8")
    w = zh_window
    w.show_error_dialogs = True  # the box a user sees
    w.open_folder(image_folder)
    qtbot.waitUntil(lambda: bool(w.findChildren(QMessageBox)))
    box = next(b for b in w.findChildren(QMessageBox) if b.isVisible())
    shown = box.text()
    assert shown.startswith(f"{image_folder / 'img1.json'}: 形状 0（'cat'）：'points' 必须是 [x, y] 坐标对的列表\n")
    assert shown.endswith("\n此文件中的形状不会显示，文件也不会被覆盖。")  # the window's own sentence
    assert w.statusBar().currentMessage() == shown
    w.grab().save(str(tmp_path / "zh_corrupt_label_window.png"))
    assert box.grab().save(str(tmp_path / "zh_corrupt_label_box.png"))
    box.close()


def test_switching_back_to_english_gives_english_core_messages(zh_window, image_folder, qapp) -> None:
    from anylabel.core.i18n import current_language
    from anylabel.qt.i18n import install_language

    install_language(qapp, "en")
    assert current_language() == "en"
    (image_folder / "img1.json").write_text('{"shapes": [', encoding="utf-8")
    w = zh_window
    w.open_folder(image_folder)
    assert w.error_messages[-1].startswith(f"{image_folder / 'img1.json'}: not valid JSON (Expecting value at line 1")


def test_an_export_summary_is_shown_in_chinese(zh_window, qtbot, tmp_path) -> None:
    from qtpy.QtWidgets import QMessageBox

    from anylabel.formats.base import Skip, Summary
    from anylabel.formats.convert import NOT_AN_AREA

    ctl = zh_window.export_import
    ctl.show_dialogs = True
    summary = Summary("export", "yolo", images=2, files_written=3, shapes_written=4)
    summary.skip([Skip("road", "line", NOT_AN_AREA)], "/data/a.json")
    ctl._done(summary)
    box = next(b for b in zh_window.findChildren(QMessageBox) if b.isVisible())
    assert box.windowTitle() == "导出完成"
    assert box.text().splitlines() == ["导出 yolo：2 张图像，写入 3 个文件，转换 4 个形状",
                                       "  跳过 1 个 line 形状：线、折线和点没有面积", "    位于 /data/a.json"]
    assert box.grab().save(str(tmp_path / "zh_export_summary.png"))
    box.close()


def test_a_label_file_changed_on_disk_is_reported_in_chinese(qapp) -> None:
    """The document's messages (the merge with a changed label file, a changed file that cannot
    be read) go through the Qt catalogue like the window's own texts."""
    from anylabel.qt.document import Merge
    from anylabel.qt.i18n import install_language

    install_language(qapp, "zh_CN")
    try:
        text = Merge([], from_disk=3, mine=2, dropped=1).message("a.json")
    finally:
        install_language(qapp, "en")
    assert text.startswith("a.json 已被其他程序") and "3 个形状" in text and "（已应用" in text
    assert Merge([], from_disk=3, mine=2, dropped=0).message("a.json").startswith("a.json was changed on disk")
