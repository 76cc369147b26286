"""Video > Propagate with SAM 2: follow the objects of the current frame through the folder.

The objects are the SAM prompt on the current frame (the clicks and box of Segment Anything's
prompt mode: a new object with a new track id) and every shape with a track id already on the
current frame (its outline is the object's mask there: correct a frame, then propagate again
from it). The model is a ``segment_anything_2_video`` config, asked for once and kept in the
settings (``video.sam2_config``). The work is ``track_folder_sam2``, as ``anylabel track
--model`` runs it, in the background with progress and cancel.
"""
from __future__ import annotations

from typing import Any

from qtpy.QtWidgets import QFileDialog

from ...core.geometry import shape_to_mask
from ...inference.sam2_video.prompts import FramePrompt, ObjectPrompts
from ..i18n import translate
from ..window_api import WindowAPI

SETTING = "video.sam2_config"


def objects_on_frame(window: WindowAPI, frame: int) -> list[ObjectPrompts]:
    """The SAM prompt (new object) and the tracked shapes of the open frame, as prompts."""
    objects: list[ObjectPrompts] = []
    session = window.sam.session if window.sam is not None else None
    prompt = session.prompt if session is not None else None
    if prompt is not None and (prompt.box is not None or any(l == 1 for l in prompt.labels)):
        label = window.settings.get("sam2.label", "") or "object"
        objects.append(ObjectPrompts(None, label, [FramePrompt(frame, [tuple(p) for p in prompt.points],
                                                               [int(l) for l in prompt.labels], prompt.box)]))
    shapes = list(window.current_shapes())
    h, w = _image_size(window)
    by_id: dict[int, list] = {}
    for s in shapes:
        if s.group_id is not None:
            by_id.setdefault(s.group_id, []).append(s)
    for tid, group in sorted(by_id.items()):
        mask = None
        for s in group:
            m = shape_to_mask(s, h, w)
            mask = m if mask is None else mask | m
        if mask is not None and mask.any():
            objects.append(ObjectPrompts(tid, group[0].label or "object", [FramePrompt(frame, mask=mask)]))
    return objects


def _image_size(window: WindowAPI) -> tuple[int, int]:
    img = window.current_image()
    if img is None:
        from ...core.image_io import read_image_rgb

        img = read_image_rgb(window.folder_index.path(window.current_index))
    h, w = img.shape[:2]
    return int(h), int(w)


def choose_config(window: WindowAPI, ask: bool = False) -> str | None:
    path = window.settings.get(SETTING, "") if not ask else ""
    if path:
        return path
    path, _ = QFileDialog.getOpenFileName(window, translate("video", "SAM 2 video model config"),
                                          window.settings.get("last_folder") or "",
                                          translate("dialogs", "YAML (*.yaml *.yml);;All files (*)"))
    if path:
        window.settings.set(SETTING, path)
    return path or None


def propagate_sam2(controller: Any, direction: str = "both", config: str | None = None):
    """Start the job; returns its BackgroundTask (None when something is missing, said to the user)."""
    from ...inference.sam2_video.folder import track_folder_sam2

    window = controller.window
    frame = window.current_index
    if window.folder_index is None or frame < 0:
        controller.say(translate("controller", "Open a folder of frames (or a video) first."), error=True)
        return None
    objects = objects_on_frame(window, frame)
    if not objects:
        controller.say(translate("controller", "Nothing to follow: click the object with Segment Anything "
                                  "(or draw it with a track id) on this frame first."), error=True)
        return None
    config = config or choose_config(window)
    if not config:
        return None
    frames = controller.before_folder_job()
    if frames is None:
        return None

    def job(progress):
        from ...inference.registry import create_model
        from ...inference.sam2_video.model import Sam2VideoModel

        model = create_model(config)
        if not isinstance(model, Sam2VideoModel):
            raise ValueError(f"{config}: a {model.type_name} model cannot propagate; "
                             "choose a segment_anything_2_video config")
        try:
            return track_folder_sam2(frames, model.parts, objects, direction=direction, output_mode=model.output_mode,
                                     tolerance=model.tolerance, progress=progress)
        finally:
            model.close()

    def done(report) -> None:
        sam = window.sam
        if sam is not None and sam.session is not None:
            sam.session.clear()   # the clicks became a track
        controller.report_done(translate("controller", "Propagated with SAM 2"), report)

    return controller.run_job(translate("controller", "Propagating with SAM 2..."), job, done)
