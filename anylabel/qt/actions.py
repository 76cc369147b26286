"""Every menu/toolbar action in one table: name (also the shortcut key in the rc file),
text, menu, the window method it calls, and whether it is checkable or on the toolbar.

Shortcuts come from the settings (``shortcuts.<name>``), so each one can be overridden.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qtpy.QtGui import QKeySequence
from qtpy.QtWidgets import QAction, QActionGroup, QStyle

from .i18n import QT_TRANSLATE_NOOP, translate
from .icons import tool_icon
from ..core import shape_kinds
from ..core.shape import CIRCLE, LINE, LINESTRIP, POINT, POLYGON, RECTANGLE, ROTATION

if TYPE_CHECKING:
    from .main_window import MainWindow


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    menu: str
    slot: str                      # MainWindow method name
    arg: object = None             # passed to the slot when not None
    checkable: bool = False
    toolbar: bool = False
    icon: str | None = None        # QStyle.StandardPixmap name
    tip: str = ""


# Texts are marked for the "Actions" catalogue (QT_TRANSLATE_NOOP); build_actions translates them.
#: The drawing tool's name of each shape kind (menu and toolbar); a kind added to
#: core/shape_kinds.py adds its line here (then scripts/build_translations.sh).
TOOL_TITLES = {
    RECTANGLE: QT_TRANSLATE_NOOP("Actions", "Rectangle"),
    POLYGON: QT_TRANSLATE_NOOP("Actions", "Polygon"),
    ROTATION: QT_TRANSLATE_NOOP("Actions", "Rotated box"),
    CIRCLE: QT_TRANSLATE_NOOP("Actions", "Circle"),
    LINE: QT_TRANSLATE_NOOP("Actions", "Line"),
    POINT: QT_TRANSLATE_NOOP("Actions", "Point"),
    LINESTRIP: QT_TRANSLATE_NOOP("Actions", "Line strip"),
}


def create_modes() -> tuple[tuple[str, str, str], ...]:
    """(action name, title, shape type) of every drawable kind, in the table's order."""
    return tuple((f"create_{name}", TOOL_TITLES.get(name, name.capitalize()), name)
                 for name in shape_kinds.drawable())


CREATE_MODES = create_modes()

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("open_image", QT_TRANSLATE_NOOP("Actions", "&Open Image..."), "file", "open_image_dialog", icon="SP_DialogOpenButton"),
    ActionSpec("open_folder", QT_TRANSLATE_NOOP("Actions", "Open &Folder..."), "file", "open_folder_dialog", toolbar=True, icon="SP_DirOpenIcon"),
    ActionSpec("prev_image", QT_TRANSLATE_NOOP("Actions", "&Previous Image"), "file", "prev_image", toolbar=True, icon="SP_ArrowLeft"),
    ActionSpec("next_image", QT_TRANSLATE_NOOP("Actions", "&Next Image"), "file", "next_image", toolbar=True, icon="SP_ArrowRight"),
    ActionSpec("save", QT_TRANSLATE_NOOP("Actions", "&Save"), "file", "save", toolbar=True, icon="SP_DialogSaveButton"),
    ActionSpec("auto_save", QT_TRANSLATE_NOOP("Actions", "Save &Automatically"), "file", "toggle_setting", arg="auto_save", checkable=True),
    ActionSpec("import_classes", QT_TRANSLATE_NOOP("Actions", "Import Class List (classes.txt)..."), "file", "import_class_list"),
    ActionSpec("export_classes", QT_TRANSLATE_NOOP("Actions", "Export Class List (classes.txt)..."), "file", "export_class_list"),
    ActionSpec("close", QT_TRANSLATE_NOOP("Actions", "&Close Image"), "file", "close_image"),
    ActionSpec("quit", QT_TRANSLATE_NOOP("Actions", "&Quit"), "file", "close"),
    *(ActionSpec(n, t, "edit", "set_mode", arg=m, checkable=True, toolbar=True) for n, t, m in CREATE_MODES),
    ActionSpec("edit_mode", QT_TRANSLATE_NOOP("Actions", "&Edit Shapes"), "edit", "set_mode", arg="edit", checkable=True, toolbar=True,
               tip=QT_TRANSLATE_NOOP("Actions", "Select, move and reshape")),
    ActionSpec("undo", QT_TRANSLATE_NOOP("Actions", "&Undo"), "edit", "undo", toolbar=True, icon="SP_ArrowBack"),
    ActionSpec("redo", QT_TRANSLATE_NOOP("Actions", "&Redo"), "edit", "redo", toolbar=True, icon="SP_ArrowForward"),
    ActionSpec("edit_label", QT_TRANSLATE_NOOP("Actions", "Edit &Label..."), "edit", "edit_label"),
    ActionSpec("delete", QT_TRANSLATE_NOOP("Actions", "&Delete"), "edit", "delete_selected", icon="SP_TrashIcon"),
    ActionSpec("copy", QT_TRANSLATE_NOOP("Actions", "&Copy"), "edit", "copy_selected"),
    ActionSpec("paste", QT_TRANSLATE_NOOP("Actions", "&Paste"), "edit", "paste"),
    ActionSpec("duplicate", QT_TRANSLATE_NOOP("Actions", "D&uplicate"), "edit", "duplicate_selected"),
    ActionSpec("select_all", QT_TRANSLATE_NOOP("Actions", "Select &All Shapes"), "edit", "select_all"),
    ActionSpec("group", QT_TRANSLATE_NOOP("Actions", "&Group Selected"), "edit", "group_selected"),
    ActionSpec("ungroup", QT_TRANSLATE_NOOP("Actions", "U&ngroup Selected"), "edit", "ungroup_selected"),
    ActionSpec("rotate_left_coarse", QT_TRANSLATE_NOOP("Actions", "Rotate -1°"), "edit", "rotate_selected", arg=-1.0),
    ActionSpec("rotate_left_fine", QT_TRANSLATE_NOOP("Actions", "Rotate -0.1°"), "edit", "rotate_selected", arg=-0.1),
    ActionSpec("rotate_right_fine", QT_TRANSLATE_NOOP("Actions", "Rotate +0.1°"), "edit", "rotate_selected", arg=0.1),
    ActionSpec("rotate_right_coarse", QT_TRANSLATE_NOOP("Actions", "Rotate +1°"), "edit", "rotate_selected", arg=1.0),
    ActionSpec("zoom_in", QT_TRANSLATE_NOOP("Actions", "Zoom &In"), "view", "zoom", arg=1.25),
    ActionSpec("zoom_out", QT_TRANSLATE_NOOP("Actions", "Zoom &Out"), "view", "zoom", arg=0.8),
    ActionSpec("zoom_fit", QT_TRANSLATE_NOOP("Actions", "&Fit Window"), "view", "zoom_fit"),
    ActionSpec("zoom_original", QT_TRANSLATE_NOOP("Actions", "Original &Size (1:1)"), "view", "zoom_original"),
    ActionSpec("hide_selected", QT_TRANSLATE_NOOP("Actions", "&Hide Selected Shapes"), "view", "hide_selected"),
    ActionSpec("show_hidden", QT_TRANSLATE_NOOP("Actions", "Show Hidden &Shapes"), "view", "show_hidden"),
    ActionSpec("toggle_all", QT_TRANSLATE_NOOP("Actions", "Show/Hide &All Shapes"), "view", "toggle_all_shapes"),
    ActionSpec("toggle_crosshair", QT_TRANSLATE_NOOP("Actions", "&Crosshair"), "view", "toggle_setting", arg="show_crosshair", checkable=True),
    ActionSpec("toggle_label_text", QT_TRANSLATE_NOOP("Actions", "&Label Text"), "view", "toggle_setting", arg="show_label_text", checkable=True),
    ActionSpec("toggle_fill", QT_TRANSLATE_NOOP("Actions", "&Fill Shapes"), "view", "toggle_setting", arg="fill_shapes", checkable=True),
    ActionSpec("toggle_track_colors", QT_TRANSLATE_NOOP("Actions", "Colour by &Track Id"), "view", "toggle_setting", arg="color_by_track",
               checkable=True),
    ActionSpec("edit_after_draw", QT_TRANSLATE_NOOP("Actions", "&Edit Mode After Drawing"), "edit", "toggle_setting", arg="edit_after_draw",
               checkable=True),
    ActionSpec("statistics", QT_TRANSLATE_NOOP("Actions", "&Statistics..."), "tools", "show_statistics"),
    ActionSpec("shortcuts_help", QT_TRANSLATE_NOOP("Actions", "&Keyboard Shortcuts"), "help", "show_shortcuts"),
)


def build_actions(window: "MainWindow") -> dict[str, QAction]:
    """Create the actions, put them in menus and on the toolbar; returns them by name."""
    actions: dict[str, QAction] = {}
    mode_group = QActionGroup(window)
    mode_group.setExclusive(True)
    window.mode_group = mode_group  # extensions' canvas modes (Segment Anything) join it
    style = window.style()
    last_toolbar_menu: str | None = None
    for spec in ACTIONS:
        text = translate("Actions", spec.text)
        act = QAction(text, window)
        act.setObjectName(spec.name)
        keys = [QKeySequence(k) for k in window.settings.shortcut(spec.name)]
        keys = [k for k in keys if not k.isEmpty()]
        if keys:
            act.setShortcuts(keys)
        if spec.tip:
            tip = translate("Actions", spec.tip)
        elif spec.slot == "set_mode":
            tip = translate("Actions", "Draw: {0}").format(text.replace("&", ""))
        else:
            tip = text.replace("&", "").rstrip(".").rstrip("…")
        act.setToolTip(f"{tip} ({keys[0].toString(QKeySequence.NativeText)})" if keys else tip)
        if spec.icon:
            act.setIcon(style.standardIcon(getattr(QStyle, spec.icon)))
        elif spec.slot == "set_mode":
            act.setIcon(tool_icon(str(spec.arg)))
        act.setCheckable(spec.checkable)
        if spec.slot == "set_mode":
            mode_group.addAction(act)
        if spec.slot == "toggle_setting":
            act.setChecked(bool(window.settings.get(str(spec.arg))))
        method = getattr(window, spec.slot)
        if spec.slot == "toggle_setting":
            act.toggled.connect(lambda on, m=method, a=spec.arg: m(a, on))
        elif spec.arg is not None:
            act.triggered.connect(lambda _=False, m=method, a=spec.arg: m(a))
        else:
            act.triggered.connect(lambda _=False, m=method: m())
        if spec.toolbar and last_toolbar_menu not in (None, spec.menu):
            window.toolbar.addSeparator()
        if spec.toolbar:
            last_toolbar_menu = spec.menu
        window.add_action(act, menu=spec.menu, toolbar=spec.toolbar)
        actions[spec.name] = act
    return actions
