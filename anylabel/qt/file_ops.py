"""Folders, images, saving, recent folders and settings toggles of the main window."""
from __future__ import annotations

import os
from pathlib import Path

from qtpy.QtCore import Qt
from qtpy.QtGui import QKeySequence
from qtpy.QtWidgets import QAction, QFileDialog

from ..core.class_list import ClassListError, read_class_list, write_class_list
from ..core.errors import LabelFileError
from ..core.folder_index import scan_folder
from ..core.image_io import IMAGE_EXTENSIONS, is_image_file
from .document import ImageDocument
from .image_loader import TiledWatcher, load_display_image
from .i18n import translate


VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv", ".flv"})


class FileOpsMixin:
    # ------------------------------------------------------------------ opening
    def open_folder_dialog(self) -> None:
        start = self.settings.get("last_folder") or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, translate("file_ops", "Open Folder"), start)
        if folder:
            self.open_folder(folder)

    def open_image_dialog(self) -> None:
        start = self.settings.get("last_folder") or str(Path.home())
        exts = " ".join(f"*{e}" for e in sorted(IMAGE_EXTENSIONS))
        path, _ = QFileDialog.getOpenFileName(self, translate("file_ops", "Open Image"), start, translate("file_ops", "Images ({0})").format(exts))
        if path:
            self.open_path(path)

    def open_path(self, path: str | os.PathLike[str]) -> bool:
        """Open a folder, or an image (its folder is opened on that image)."""
        p = Path(path)
        if p.is_dir():
            return self.open_folder(p)
        if p.is_file() and is_image_file(p.name):
            return self.open_folder(p.parent, select=p.name)
        if p.is_file():
            for opener in list(getattr(self, "path_openers", [])):  # e.g. videos, from an extension
                if opener(str(p)):
                    return True
            open_video = getattr(self, "open_video", None)
            if open_video is not None and p.suffix.lower() in VIDEO_SUFFIXES:
                return open_video(str(p)) is not None
        self.report_error(translate("file_ops", "{0}: not a folder or a file that AnyLabel can open").format(p))
        return False

    def add_path_opener(self, opener) -> None:
        """Extensions open other kinds of files (``opener(path) -> bool``: True when handled)."""
        if not hasattr(self, "path_openers"):
            self.path_openers = []
        self.path_openers.append(opener)

    def open_folder(self, path: str | os.PathLike[str], select: str | None = None) -> bool:
        if not self.maybe_save():
            return False
        folder = Path(path)
        try:
            index = scan_folder(folder)
        except OSError as exc:
            self.report_error(translate("file_ops", "{0}: cannot be listed ({1})").format(folder, exc.strerror))
            return False
        self._leave_image()
        self.folder_index = index
        self.file_dock.set_index(index)
        self.settings.add_recent_folder(str(folder.resolve()))
        self.settings.save()  # the recent folder survives even if the app is killed
        self.update_recent_menu()
        self.folder_changed.emit(str(folder))
        if len(index):
            start = 0
            if select is not None and select in index:  # a binary search, not a scan of every name
                start = index.index_of(select)
            self.open_image(start)
        else:
            self.statusBar().showMessage(translate("file_ops", "{0}: no images").format(folder), 8000)
            self.update_progress()
        return True

    def _leave_image(self) -> None:
        self._watch_tiled(None)
        self.document = None
        self._image_rgb = None
        self.current_index = -1
        self.canvas.set_shapes([])
        self.canvas.set_image(None)
        self.update_title()

    def open_image(self, index: int) -> bool:
        """Show image ``index`` of the folder; unsaved edits are saved or asked about first."""
        idx = self.folder_index
        if idx is None or not 0 <= index < len(idx):
            return False
        if index == self.current_index and self.document is not None:
            if self.document.changed_on_disk():  # "open it again" after a job wrote its labels
                self.reload_current()
            return True
        if not self.maybe_save():
            self.file_dock.set_current(self.current_index)
            return False
        path = idx.path(index)
        self.current_index = index
        try:
            img = self._decode(path)
        except (ValueError, OSError) as exc:
            self._leave_image()
            self.current_index = index
            self.file_dock.set_current(index)
            self.report_error(str(exc))
            self.update_progress()
            return False
        doc = ImageDocument(path, (img.width, img.height), max(int(self.settings.get("undo_limit", 1000)), 1))
        doc.load()
        self.document = doc
        self._image_rgb = img.rgb
        self.canvas.set_image(img.qimage(), (img.width, img.height))
        self._watch_tiled(img.tiled)
        self.canvas.set_shapes(doc.shapes)
        self.file_dock.set_current(index)
        self.refresh_shape_views()
        self.update_title()
        self.update_actions()
        self.update_progress()
        if img.note:
            self.statusBar().showMessage(img.note, 15000)
        if doc.load_error:
            self.report_error(translate("file_ops", "{0}\nThe shapes in this file are not shown and the file will not be overwritten.").format(doc.load_error))
        self.canvas.setFocus()
        self._keep_decoded(path, img)  # going back to it is instant too
        self._prefetch(index + 1)
        self._prefetch(index - 1)
        self.image_changed.emit(str(path))
        return True

    def _watch_tiled(self, tiled) -> None:
        """A huge image is drawn from its pyramid, built meanwhile (``image_loader.TiledWatcher``)."""
        old = getattr(self, "_tiled_watcher", None)
        if old is not None:
            old.stop()
        self._tiled_watcher = None
        if tiled is not None:
            self.canvas.image_layer.set_tiled(tiled)
            self._tiled_watcher = TiledWatcher(self, tiled)

    # ------------------------------------------------------------------ decoding (with prefetch)
    def _decode(self, path: Path):
        """The display image of ``path``: from the prefetch when it was decoded ahead, else now."""
        key = self._image_key(path)
        ahead = getattr(self, "_prefetched", {})
        fut = ahead.pop(key, None) if key is not None else None
        if fut is not None:
            try:
                return fut.result()
            except (ValueError, OSError):
                pass  # decode again in the foreground: its error is the one to report
        return load_display_image(path, self._display_limit())

    def _display_limit(self) -> int:
        """Pixels above which an image is shown from a reduced level (at least 1 megapixel)."""
        return max(int(self.settings.get("max_display_pixels", 64_000_000)), 1_000_000)

    @staticmethod
    def _image_key(path: Path):
        try:
            st = path.stat()
        except OSError:
            return None
        return (str(path), st.st_mtime_ns, st.st_size)  # a changed file is decoded again

    def _keep_decoded(self, path: Path, img) -> None:
        from concurrent.futures import Future

        key = self._image_key(path)
        if key is None:
            return
        done: Future = Future()
        done.set_result(img)
        ahead = getattr(self, "_prefetched", None)
        if ahead is None:
            ahead = self._prefetched = {}
        ahead.pop(key, None)
        while len(ahead) >= 3:
            ahead.pop(next(iter(ahead))).cancel()
        ahead[key] = done

    def _prefetch(self, index: int) -> None:
        """Decode a neighbour in a worker thread (OpenCV releases the GIL), so D and A are instant."""
        idx = self.folder_index
        if idx is None or not 0 <= index < len(idx):
            return
        pool = getattr(self, "_decode_pool", None)
        if pool is None:
            from concurrent.futures import ThreadPoolExecutor

            pool = self._decode_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="anylabel-decode")
        path = idx.path(index)
        key = self._image_key(path)
        if key is None:
            return
        ahead = getattr(self, "_prefetched", None)
        if ahead is None:
            ahead = self._prefetched = {}
        if key in ahead:
            return
        while len(ahead) >= 3:  # the image shown and its two neighbours
            ahead.pop(next(iter(ahead))).cancel()
        limit = self._display_limit()
        ahead[key] = pool.submit(load_display_image, path, limit)

    def next_image(self) -> None:
        if self.folder_index is not None and self.current_index + 1 < len(self.folder_index):
            self.open_image(self.current_index + 1)

    def prev_image(self) -> None:
        if self.folder_index is not None and self.current_index > 0:
            self.open_image(self.current_index - 1)

    def close_image(self) -> None:
        if self.maybe_save():
            self._leave_image()
            self.refresh_shape_views()
            self.update_progress()

    # ------------------------------------------------------------------ saving
    def save(self) -> bool:
        """Save the current image's labels if they changed. True when nothing is left unsaved."""
        doc = self.document
        if doc is None:
            return True
        try:
            wrote = doc.save(list(self.canvas.shapes))
        except LabelFileError as exc:
            self.report_error(str(exc))
            return False
        if doc.last_merge is not None:  # the file had changed on disk: show what was merged
            self.canvas.set_shapes(doc.shapes)
            self.refresh_shape_views()
            self.update_actions()
            self.statusBar().showMessage(doc.last_merge.message(doc.label_path.name), 15000)
        elif wrote:
            self.statusBar().showMessage(translate("file_ops", "Saved {0}").format(doc.label_path.name), 4000)
        if wrote:
            if self.folder_index is not None and self.current_index >= 0:
                name = self.folder_index.names[self.current_index]
                self.folder_index.mark_labelled(name, doc.label_path.exists())
                self.file_dock.model.refresh(self.current_index)
                self.file_dock.update_position()
        self.update_title()
        self.update_progress()
        return True

    def reload_current(self) -> bool:
        """Re-read the current image's label file from disk (after a background run wrote it).

        The view (zoom, scroll, mode) stays. Without unsaved edits the file's shapes replace
        the shown ones as one undoable step; with unsaved edits they are merged (the file's
        shapes plus the user's new/edited ones; see ``document.merge_shapes``) and the status
        bar says so. Nothing is saved here. Returns False when no image is open or the file
        cannot be read (reported; the shown shapes are kept).
        """
        doc = self.document
        if doc is None:
            return False
        if doc.load_error is None and not doc.changed_on_disk():
            return True  # the very file shown: nothing to do (selection and history untouched)
        try:
            merge = doc.reload()
        except LabelFileError as exc:
            self.report_error(str(exc))
            return False
        self.canvas.set_shapes(doc.shapes)
        if self.folder_index is not None and self.current_index >= 0:
            name = self.folder_index.names[self.current_index]
            self.folder_index.mark_labelled(name, doc.label_path.exists())
            self.file_dock.model.refresh(self.current_index)
        if merge is not None:
            self.statusBar().showMessage(merge.message(doc.label_path.name), 15000)
        else:
            self.statusBar().showMessage(translate("file_ops", "Reloaded {0} ({1} shapes)").format(doc.label_path.name, len(doc.shapes)), 6000)
        self.after_shapes_changed()
        self.update_progress()
        return True

    def label_file_written(self, image_path: str | os.PathLike[str]) -> None:
        """A background job (run all images, tracking) wrote the label file of ``image_path``:
        its check mark and the labelled count follow at once, not when the folder is reopened."""
        idx = self.folder_index
        p = Path(image_path)
        if idx is None or p.parent.resolve() != idx.folder.resolve():
            return
        try:
            i = idx.index_of(p.name)
        except KeyError:
            return  # not an image of the folder shown
        idx.mark_labelled(p.name, idx.label_path(i).exists())
        self.file_dock.refresh_labelled(i)
        self.update_progress()

    def label_files_changed(self) -> None:
        """A job marked the files it wrote in ``folder_index``: repaint the check marks and counts."""
        if self.folder_index is not None:
            self.file_dock.refresh_all()
            self.update_progress()

    def maybe_save(self) -> bool:
        """Before leaving an image: True when it is safe to go on (saved, discarded or unchanged)."""
        doc = self.document
        if doc is None or not doc.modified:
            return True
        if doc.load_error is None and self.settings.get("auto_save", True):
            return self.save()
        answer = self.ask_unsaved(doc.image_path.name)
        if answer == "save":
            return self.save()
        if answer == "discard":
            doc.history.mark_saved()
            return True
        return False

    # ------------------------------------------------------------------ window state
    def update_title(self) -> None:
        doc = self.document
        name = f"{doc.image_path.name} - " if doc is not None else ""
        self.setWindowTitle(translate("file_ops", "{0}AnyLabel[*]").format(name))
        self.setWindowModified(bool(doc is not None and doc.modified))

    def update_progress(self) -> None:
        idx = self.folder_index
        if idx is None:
            self.progress_label.setText("")
            return
        k = self.current_index + 1 if self.current_index >= 0 else 0
        self.progress_label.setText(translate("file_ops", "Image {0} of {1} · {2} labelled").format(k, len(idx), idx.labelled_count))
        self.file_dock.update_position()

    def update_recent_menu(self) -> None:
        m = self.recent_menu
        m.clear()
        recent = [f for f in self.settings.get("recent_folders", []) if isinstance(f, str)]
        for folder in recent:
            act = m.addAction(folder)
            act.triggered.connect(lambda _=False, f=folder: self.open_folder(f))
        m.setEnabled(bool(recent))

    def toggle_setting(self, key: str, on: bool) -> None:
        self.settings.set(key, bool(on))
        self._apply_view_settings()

    # ------------------------------------------------------------------ class list and statistics
    def known_labels(self) -> list[str]:
        names = list(self.settings.get("predefined_classes", []) or [])
        names += list(self.settings.get("label_history", []) or [])
        names += [s.label for s in self.canvas.shapes]
        return [n for n in dict.fromkeys(str(n) for n in names) if n]

    def import_class_list(self, path: str | None = None) -> bool:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, translate("file_ops", "Import Class List"), self.settings.get("last_folder") or "",
                                                  translate("file_ops", "Class lists (*.txt);;All files (*)"))
            if not path:
                return False
        try:
            names = read_class_list(path)
        except ClassListError as exc:
            self.report_error(str(exc))
            return False
        self.settings.set("predefined_classes", names)
        self.settings.save()
        self.statusBar().showMessage(translate("file_ops", "Imported {0} classes from {1}").format(len(names), Path(path).name), 6000)
        return True

    def export_class_list(self, path: str | None = None) -> bool:
        if path is None:
            start = str(Path(self.settings.get("last_folder") or "") / "classes.txt")
            path, _ = QFileDialog.getSaveFileName(self, translate("file_ops", "Export Class List"), start, translate("file_ops", "Class lists (*.txt)"))
            if not path:
                return False
        names = list(self.settings.get("predefined_classes", []) or [])
        names += sorted({s.label for s in self.canvas.shapes if s.label} - set(names))
        try:
            write_class_list(path, names)
        except ClassListError as exc:
            self.report_error(str(exc))
            return False
        except OSError as exc:
            self.report_error(translate("file_ops", "{0}: cannot be written ({1})").format(path, exc.strerror))
            return False
        self.statusBar().showMessage(translate("file_ops", "Exported {0} classes to {1}").format(len(names), Path(path).name), 6000)
        return True

    def show_statistics(self) -> None:
        from .dialogs.statistics_dialog import StatisticsDialog

        # Extensions add parts through ``statistics_sections``: callables returning a widget or None.
        sections = [w for w in (make() for make in getattr(self, "statistics_sections", [])) if w is not None]
        dlg = StatisticsDialog(self.compute_statistics(), self, sections=sections)
        dlg.setAttribute(Qt.WA_DeleteOnClose)
        dlg.open()

    def compute_statistics(self):
        from ..core.statistics import LabelStatistics, folder_statistics

        if self.folder_index is None:
            stats = LabelStatistics(images_total=1 if self.document else 0)
            stats.add_shapes(self.canvas.shapes)
            return stats
        cur = self.current_index
        return folder_statistics(self.folder_index,
                                 override=lambda i: list(self.canvas.shapes) if i == cur and self.document else None)

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(what, keys) for every action with a key: built-in actions, then extensions' keys."""
        from ..core.settings import EXTENSION_SHORTCUT_TITLES, normalise_key
        from .actions import ACTIONS

        rows = [(translate("Actions", spec.text).replace("&", ""), ", ".join(self.settings.shortcut(spec.name)))
                for spec in ACTIONS]
        # The titles live in the Qt-free settings module; their translations in shortcut_titles.
        rows += [(translate("Shortcuts", title), ", ".join(self.settings.shortcut(name)))
                 for name, title in EXTENSION_SHORTCUT_TITLES.items()]
        rows = [(t, k) for t, k in rows if k]
        # Keys that extensions set on their own actions (Ctrl+A for the auto-labeling panel...).
        def norm(k: str) -> str:  # "Delete" and "Del" are one key
            return normalise_key(QKeySequence(k).toString() or k)

        listed = {norm(k) for _, keys in rows for k in keys.split(", ")}
        for act in self.findChildren(QAction):
            keys = [s.toString() for s in act.shortcuts() if not s.isEmpty()]
            text = act.text().replace("&", "")
            if keys and text and not any(norm(k) in listed for k in keys):
                rows.append((text, ", ".join(keys)))
                listed.update(norm(k) for k in keys)
        return rows

    def show_shortcuts(self) -> None:
        from .dialogs.shortcuts_dialog import ShortcutsDialog

        dlg = ShortcutsDialog(self.shortcut_rows(), str(self.settings.path), self)
        dlg.setAttribute(Qt.WA_DeleteOnClose)
        dlg.open()

    # ------------------------------------------------------------------ drag and drop
    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        urls = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.open_path(urls[0])
            event.acceptProposedAction()
