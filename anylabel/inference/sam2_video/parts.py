"""The four ONNX parts of SAM 2's video path, fed and read by name.

The interface is the one ``scripts/export_sam2_video_onnx.py`` writes (and the contract
models of ``scripts/build_sam2_video_contract_models.py`` copy): see docs/video.md. Every
part is checked for its tensor names when it is loaded, so a wrong file is named at once
instead of failing on the first frame.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ...core.i18n import tr
from ..runtime import ModelLoadError, OnnxModel

INPUT_SIZE = 1024          # SAM 2 resizes every frame to 1024 x 1024 (no padding)
LOW_RES = 256              # mask logits come at a quarter of that
PIXEL_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
PIXEL_STD = np.array([0.229, 0.224, 0.225], np.float32)

#: part -> (required inputs, required outputs)
INTERFACE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "encoder": (("image",),
                ("image_embed", "high_res_feats_0", "high_res_feats_1", "vision_feats", "vision_pos_enc")),
    "memory_attention": (("vision_feats", "vision_pos_enc", "memory", "memory_pos", "memory_tpos", "obj_ptrs",
                          "obj_ptr_tpos"), ("image_embed",)),
    "memory_encoder": (("vision_feats", "mask_logits", "object_score_logits"),
                       ("maskmem_features", "maskmem_pos_enc")),
    "decoder": (("image_embed", "high_res_feats_0", "high_res_feats_1", "point_coords", "point_labels",
                 "mask_input", "has_mask_input"),
                ("low_res_masks", "iou_predictions", "obj_ptrs", "object_score_logits")),
}


def check_interface(role: str, session: OnnxModel) -> None:
    """Raise ModelLoadError naming the file when it lacks a tensor of its role."""
    need_in, need_out = INTERFACE[role]
    missing_in = [n for n in need_in if n not in session.input_names]
    missing_out = [n for n in need_out if n not in session.output_names]
    if missing_in or missing_out:
        what = ", ".join([tr("input {0}").format(n) for n in missing_in] +
                         [tr("output {0}").format(n) for n in missing_out])
        raise ModelLoadError(tr("{0}: not a SAM 2 video {1} (no {2}; see docs/video.md for "
                                "the interface scripts/export_sam2_video_onnx.py writes)").format(
            session.path, role.replace("_", " "), what))


@dataclass
class FrameFeatures:
    """The encoder's outputs for one frame (shared by every object on it)."""

    image_embed: np.ndarray        # [1,256,64,64] features of a frame without memory
    high_res_0: np.ndarray
    high_res_1: np.ndarray
    vision_feats: np.ndarray       # [1,256,64,64] raw top-level features
    vision_pos: np.ndarray
    size: tuple[int, int]          # (width, height) of the original frame


@dataclass
class Decoded:
    """One decoder run, with the output SAM 2 would keep already chosen."""

    low_res: np.ndarray            # [256,256] mask logits
    score: float                   # predicted IoU of that mask
    obj_ptr: np.ndarray            # [256]
    object_score: float            # > 0: the object is visible


@dataclass
class Memory:
    features: np.ndarray           # [64,64,64]
    pos: np.ndarray                # [64,64,64]


def prepare_frame(rgb: np.ndarray) -> np.ndarray:
    """[1,3,1024,1024] float32: the frame stretched to the square, scaled to 0..1 and
    normalised with ImageNet's mean and std, as SAM 2's video predictor loads frames."""
    img = cv2.resize(rgb, (INPUT_SIZE, INPUT_SIZE), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    img = (img / 255.0 - PIXEL_MEAN) / PIXEL_STD
    return np.ascontiguousarray(img.transpose(2, 0, 1)[None])


class Sam2VideoParts:
    """The four sessions; each method is one run of one part."""

    def __init__(self, encoder: OnnxModel, memory_attention: OnnxModel, memory_encoder: OnnxModel,
                 decoder: OnnxModel) -> None:
        for role, sess in (("encoder", encoder), ("memory_attention", memory_attention),
                           ("memory_encoder", memory_encoder), ("decoder", decoder)):
            check_interface(role, sess)
        self.encoder, self.memory_attention = encoder, memory_attention
        self.memory_encoder, self.decoder = memory_encoder, decoder

    @classmethod
    def from_files(cls, encoder: str, memory_attention: str, memory_encoder: str, decoder: str,
                   device: str = "auto") -> "Sam2VideoParts":
        return cls(*(OnnxModel(p, device=device) for p in (encoder, memory_attention, memory_encoder, decoder)))

    def encode(self, rgb: np.ndarray) -> FrameFeatures:
        out = self.encoder.run_dict({"image": prepare_frame(rgb)}, INTERFACE["encoder"][1])
        return FrameFeatures(out["image_embed"], out["high_res_feats_0"], out["high_res_feats_1"],
                             out["vision_feats"], out["vision_pos_enc"], (rgb.shape[1], rgb.shape[0]))

    def attend(self, frame: FrameFeatures, memories: list[Memory], memory_tpos: list[int],
               obj_ptrs: list[np.ndarray], obj_ptr_tpos: list[float]) -> np.ndarray:
        feeds = {
            "vision_feats": frame.vision_feats, "vision_pos_enc": frame.vision_pos,
            "memory": np.stack([m.features for m in memories]).astype(np.float32),
            "memory_pos": np.stack([m.pos for m in memories]).astype(np.float32),
            "memory_tpos": np.asarray(memory_tpos, np.int64),
            "obj_ptrs": np.stack(obj_ptrs).astype(np.float32),
            "obj_ptr_tpos": np.asarray(obj_ptr_tpos, np.float32),
        }
        return self.memory_attention.run(feeds, ["image_embed"])[0]

    def decode(self, frame: FrameFeatures, embed: np.ndarray, coords: np.ndarray, labels: np.ndarray,
               mask_input: np.ndarray | None = None, multimask: bool | None = None) -> Decoded:
        """``coords`` in frame pixels; ``multimask`` None = SAM 2's rule (one click or none:
        the best of the three multi-mask outputs; more prompts: the single-mask output)."""
        w, h = frame.size
        if len(coords) == 0:   # no prompt: one padding point, as SAM 2 does on tracked frames
            coords, labels = np.zeros((1, 2), np.float32), np.array([-1], np.float32)
        scaled = np.asarray(coords, np.float32) * np.array([INPUT_SIZE / w, INPUT_SIZE / h], np.float32)
        feeds = {
            "image_embed": embed, "high_res_feats_0": frame.high_res_0, "high_res_feats_1": frame.high_res_1,
            "point_coords": scaled[None], "point_labels": np.asarray(labels, np.float32)[None],
            "mask_input": (mask_input if mask_input is not None
                           else np.zeros((LOW_RES, LOW_RES), np.float32))[None, None].astype(np.float32),
            "has_mask_input": np.array([0.0 if mask_input is None else 1.0], np.float32),
        }
        masks, ious, ptrs, obj_score = self.decoder.run(feeds, list(INTERFACE["decoder"][1]))
        if multimask is None:
            multimask = int(np.sum(np.isin(labels, (0, 1)))) <= 1 and not np.any(np.isin(labels, (2, 3)))
        best = 1 + int(np.argmax(ious[0, 1:4])) if multimask and masks.shape[1] >= 4 else 0
        return Decoded(masks[0, best], float(ious[0, best]), ptrs[0, best], float(obj_score.reshape(-1)[0]))

    def encode_memory(self, frame: FrameFeatures, low_res: np.ndarray, object_score: float) -> Memory:
        feats, pos = self.memory_encoder.run(
            {"vision_feats": frame.vision_feats, "mask_logits": low_res[None, None].astype(np.float32),
             "object_score_logits": np.array([[object_score]], np.float32)},
            list(INTERFACE["memory_encoder"][1]))
        return Memory(feats[0], pos[0])


def mask_at_frame_size(low_res: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The 256x256 logits at the frame's size (bilinear, as SAM 2's video predictor), > 0."""
    return cv2.resize(low_res.astype(np.float32), size, interpolation=cv2.INTER_LINEAR) > 0


def low_res_from_mask(mask: np.ndarray) -> np.ndarray:
    """A drawn mask as SAM 2 feeds a mask prompt: +-10 logits at 256x256 (area-averaged)."""
    small = cv2.resize(mask.astype(np.float32), (LOW_RES, LOW_RES), interpolation=cv2.INTER_AREA)
    return (small >= 0.5).astype(np.float32) * 20.0 - 10.0
