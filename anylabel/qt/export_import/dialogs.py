"""The Export Dataset and Import Dataset dialogs: forms over ExportChoices/ImportChoices."""

from __future__ import annotations

from qtpy.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ...formats.registry import FORMATS
from .choices import ExportChoices, ImportChoices
from ..i18n import QT_TRANSLATE_NOOP, translate

ON_EXISTS_TEXT = {
    "refuse": QT_TRANSLATE_NOOP("dialogs", "Keep existing label files (report them)"),
    "merge": QT_TRANSLATE_NOOP("dialogs", "Add to existing label files"),
    "overwrite": QT_TRANSLATE_NOOP("dialogs", "Replace existing label files"),
}


def _path_row(parent: QWidget, edit: QLineEdit, pick) -> QWidget:
    row = QWidget(parent)
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(edit, 1)
    button = QPushButton(translate("dialogs", "Browse..."), row)
    button.clicked.connect(lambda *_: pick())
    lay.addWidget(button)
    return row


class _Form(QDialog):
    def __init__(self, title: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.fmt = QComboBox(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _folder(self, edit: QLineEdit, title: str) -> None:
        path = QFileDialog.getExistingDirectory(self, title, edit.text())
        if path:
            edit.setText(path)

    def _file(self, edit: QLineEdit, title: str, pattern: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, title, edit.text(), pattern)
        if path:
            edit.setText(path)

    def _add_class_and_pose_rows(self) -> None:
        """The "Classes file" and "Pose config" rows both dialogs have (after their folder rows)."""
        self.form.addRow(
            translate("dialogs", "Classes file"),
            _path_row(
                self,
                self.classes_file,
                lambda: self._file(self.classes_file, translate("dialogs", "Classes file"),
                                   translate("dialogs", "Text files (*.txt);;All files (*)")),
            ),
        )
        self.form.addRow(
            translate("dialogs", "Pose config"),
            _path_row(
                self,
                self.pose_config,
                lambda: self._file(self.pose_config, translate("dialogs", "Pose config"),
                                   translate("dialogs", "YAML (*.yaml *.yml);;All files (*)")),
            ),
        )

    def _set_format(self, name: str) -> None:
        i = self.fmt.findData(name)
        self.fmt.setCurrentIndex(max(i, 0))


class ExportDialog(_Form):
    def __init__(self, choices: ExportChoices, parent=None) -> None:
        super().__init__(translate("dialogs", "Export Dataset"), parent)
        for name, spec in FORMATS.items():
            self.fmt.addItem(f"{name} - {spec.summary}", name)
        self.input_dir = QLineEdit(self)
        self.output_dir = QLineEdit(self)
        self.classes_file = QLineEdit(self)
        self.classes_file.setPlaceholderText(
            translate("dialogs", "optional: one label per line (default: classes.txt of the output, else of the images folder, else the labels found)")
        )
        self.pose_config = QLineEdit(self)
        self.pose_config.setPlaceholderText(translate("dialogs", "yolo-pose / coco keypoints: YAML of keypoint names per class"))
        self.split_on = QCheckBox(translate("dialogs", "Split into train/val/test"), self)
        self.split = QLineEdit(self)
        self.split.setPlaceholderText(translate("dialogs", "0.8,0.2 or 0.7,0.2,0.1"))
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 2**31 - 1)
        self.labelled_only = QCheckBox(translate("dialogs", "Leave out images without a label file"), self)
        self.add_new_classes = QCheckBox(translate("dialogs", "Append labels missing from the class list (else skipped)"), self)
        self.form.addRow(translate("dialogs", "Format"), self.fmt)
        self.form.addRow(
            translate("dialogs", "Images folder"),
            _path_row(self, self.input_dir, lambda: self._folder(self.input_dir, translate("dialogs", "Images folder"))),
        )
        self.form.addRow(
            translate("dialogs", "Output folder"),
            _path_row(self, self.output_dir, lambda: self._folder(self.output_dir, translate("dialogs", "Output folder"))),
        )
        self._add_class_and_pose_rows()
        self.form.addRow(self.split_on, self.split)
        self.form.addRow(translate("dialogs", "Split seed"), self.seed)
        self.form.addRow(self.labelled_only)
        self.form.addRow(self.add_new_classes)
        self.form.addRow(self.buttons)
        self.split_on.toggled.connect(self.split.setEnabled)
        self.fmt.currentIndexChanged.connect(lambda *_: self._update())
        self.set_choices(choices)

    def _update(self) -> None:
        spec = FORMATS.get(self.fmt.currentData())
        splittable = bool(spec and spec.splittable)
        self.split_on.setEnabled(splittable)
        self.split.setEnabled(splittable and self.split_on.isChecked())
        self.seed.setEnabled(splittable)

    def set_choices(self, c: ExportChoices) -> None:
        self._set_format(c.fmt)
        self.input_dir.setText(c.input_dir)
        self.output_dir.setText(c.output_dir)
        self.classes_file.setText(c.classes_file)
        self.pose_config.setText(c.pose_config)
        self.split_on.setChecked(bool(c.split))
        self.split.setText(c.split or "0.8,0.2")
        self.seed.setValue(c.seed)
        self.labelled_only.setChecked(c.labelled_only)
        self.add_new_classes.setChecked(c.add_new_classes)
        self._update()

    def choices(self) -> ExportChoices:
        split = self.split.text().strip() if self.split_on.isChecked() and self.split_on.isEnabled() else ""
        return ExportChoices(
            self.fmt.currentData(),
            self.input_dir.text().strip(),
            self.output_dir.text().strip(),
            self.classes_file.text().strip(),
            self.pose_config.text().strip(),
            split,
            self.seed.value(),
            self.labelled_only.isChecked(),
            self.add_new_classes.isChecked(),
        )


class ImportDialog(_Form):
    def __init__(self, choices: ImportChoices, parent=None) -> None:
        super().__init__(translate("dialogs", "Import Dataset"), parent)
        for name, spec in FORMATS.items():
            if spec.importer is not None:
                self.fmt.addItem(f"{name} - {spec.summary}", name)
        self.source = QLineEdit(self)
        self.source.setPlaceholderText(translate("dialogs", "COCO json, MOT gt.txt, PPOCR Label.txt, or the folder of label files"))
        self.images_dir = QLineEdit(self)
        self.classes_file = QLineEdit(self)
        self.classes_file.setPlaceholderText(translate("dialogs", "optional (default: classes.txt in the source folder)"))
        self.pose_config = QLineEdit(self)
        self.on_exists = QComboBox(self)
        for key, text in ON_EXISTS_TEXT.items():
            self.on_exists.addItem(translate("dialogs", text), key)
        src_row = _path_row(self, self.source, self._pick_source)
        self.form.addRow(translate("dialogs", "Format"), self.fmt)
        self.form.addRow(translate("dialogs", "Source"), src_row)
        self.form.addRow(
            translate("dialogs", "Images folder"),
            _path_row(self, self.images_dir, lambda: self._folder(self.images_dir, translate("dialogs", "Images folder"))),
        )
        self._add_class_and_pose_rows()
        self.form.addRow(translate("dialogs", "Existing labels"), self.on_exists)
        self.form.addRow(self.buttons)
        self.set_choices(choices)

    def _pick_source(self) -> None:
        if self.fmt.currentData() in ("coco", "mot", "ppocr"):
            self._file(self.source, translate("dialogs", "Source file"),
                       translate("dialogs", "Dataset files (*.json *.txt);;All files (*)"))
        else:
            self._folder(self.source, translate("dialogs", "Folder of label files"))

    def set_choices(self, c: ImportChoices) -> None:
        self._set_format(c.fmt)
        self.source.setText(c.source)
        self.images_dir.setText(c.images_dir)
        self.classes_file.setText(c.classes_file)
        self.pose_config.setText(c.pose_config)
        self.on_exists.setCurrentIndex(max(self.on_exists.findData(c.on_exists), 0))

    def choices(self) -> ImportChoices:
        return ImportChoices(
            self.fmt.currentData(),
            self.source.text().strip(),
            self.images_dir.text().strip(),
            self.classes_file.text().strip(),
            self.pose_config.text().strip(),
            self.on_exists.currentData(),
        )
