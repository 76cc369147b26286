"""What a SAM-family encoder/decoder pair expects, read from the ONNX files themselves.

Exports differ (SAM/MobileSAM: ``images`` -> ``image_embeddings``, decoder with
``mask_input``/``orig_im_size`` and full-size ``masks``; EdgeSAM: ``image`` in, decoder
without mask input returning low-resolution ``masks`` and ``scores``; EfficientViT-SAM:
a 512 input for its L models). Rather than a table of names per family, the roles are
found from the tensors: the decoder inputs that the encoder produces are the
embeddings, the rest are matched by their SAM names, and the input size comes from the
encoder's fixed input shape. Anything that cannot be matched is an error naming the file
and the tensors, not a guess.

Two more layouts X-AnyLabeling ships: encoders exported with in-graph pre-processing
(samexporter ``--use-preprocess``: a 3-D ``[h, w, 3]`` RGB 0..255 input, the image resized
by its longest side, normalised and padded inside), and SAM-HQ's decoder, which takes the
encoder's intermediate embeddings stacked into one ``interm_embeddings`` tensor.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...core.i18n import tr
from ..runtime import ModelLoadError, OnnxModel, TensorInfo
from .transforms import SAM_PIXEL_MEAN, SAM_PIXEL_STD

_COORDS = ("point_coords", "coords", "points")
_LABELS = ("point_labels", "labels")
_MASK_IN = ("mask_input", "mask_inputs")
_HAS_MASK = ("has_mask_input",)
_ORIG = ("orig_im_size", "orig_size", "image_size")
_MASKS = ("masks", "mask")
_SCORES = ("iou_predictions", "scores", "iou_prediction", "score")
_LOW_RES = ("low_res_masks", "low_res_logits")


@dataclass(frozen=True)
class SamSpec:
    """Names and geometry of one encoder/decoder pair."""

    encoder_input: str
    channels_last: bool
    input_size: int
    #: Encoder outputs the decoder consumes, with the decoder input each feeds.
    embeddings: tuple[tuple[str, str], ...]
    coords_input: str
    labels_input: str
    mask_input: str | None
    has_mask_input: str | None
    orig_size_input: str | None
    masks_output: str
    scores_output: str | None
    low_res_output: str | None
    pixel_mean: tuple[float, float, float] = SAM_PIXEL_MEAN
    pixel_std: tuple[float, float, float] = SAM_PIXEL_STD
    mask_threshold: float = 0.0
    #: The encoder takes the resized RGB image as it is ([h, w, 3], 0..255) and normalises
    #: and pads it itself.
    raw_image: bool = False
    #: The image is stretched to the square input (SAM-Med2D) instead of resized by its
    #: longest side and padded.
    stretch: bool = False
    #: (decoder input, encoder outputs) fed as ``np.stack`` of those outputs (SAM-HQ).
    stacked: tuple[str, tuple[str, ...]] | None = None
    #: The runner appends SAM's padding point (label -1) to prompts without a box. SAM 2
    #: exports add it inside the graph, so their runner does not.
    pad_point: bool = True

    @property
    def accepts_mask_feedback(self) -> bool:
        return self.mask_input is not None


def _pick(infos: list[TensorInfo], names: tuple[str, ...]) -> str | None:
    by_name = {i.name.lower(): i.name for i in infos}
    for n in names:
        if n in by_name:
            return by_name[n]
    return None


def read_spec(encoder: OnnxModel, decoder: OnnxModel, input_size: int | None = None,
              pixel_mean: tuple[float, float, float] | None = None,
              pixel_std: tuple[float, float, float] | None = None,
              mask_threshold: float = 0.0, stretch: bool = False) -> SamSpec:
    """Match the roles of a pair's tensors; raise ModelLoadError naming what is missing."""
    if len(encoder.inputs) != 1:
        raise ModelLoadError(tr("{0}: a SAM encoder takes one image input, this one takes {1}").format(
            encoder.path, encoder.input_names))
    enc_in = encoder.inputs[0]
    raw = len(enc_in.shape) == 3 and enc_in.fixed_dim(2) == 3
    if len(enc_in.shape) != 4 and not raw:
        raise ModelLoadError(tr("{0}: image input {1!r} has shape {2}, expected "
                                "[1, 3, S, S], [1, S, S, 3] or [h, w, 3]").format(
                                    encoder.path, enc_in.name, enc_in.shape))
    if raw:  # the graph resizes nothing: it is fed the image resized by its longest side
        channels_last, size = True, input_size or 1024
    else:
        channels_last = enc_in.fixed_dim(3) == 3 and enc_in.fixed_dim(1) != 3
        h_axis = 1 if channels_last else 2
        fixed = enc_in.fixed_dim(h_axis) or enc_in.fixed_dim(h_axis + 1)
        size = fixed or input_size or 1024  # the model's own shape wins over the config

    enc_outs = set(encoder.output_names)
    embeddings = tuple((i.name, i.name) for i in decoder.inputs if i.name in enc_outs)
    rest = [i for i in decoder.inputs if i.name not in enc_outs]
    coords = _pick(rest, _COORDS)
    labels = _pick(rest, _LABELS)
    mask_in = _pick(rest, _MASK_IN)
    has_mask = _pick(rest, _HAS_MASK)
    orig = _pick(rest, _ORIG)
    known = {coords, labels, mask_in, has_mask, orig}
    unknown = [i for i in rest if i.name not in known]
    if not embeddings and len(unknown) == 1 and len(encoder.outputs) == 1:
        # Renamed embedding tensor (one output, one unmatched input): that is the pairing.
        embeddings = ((encoder.output_names[0], unknown[0].name),)
        unknown = []
    stacked = None
    spare = [n for n in encoder.output_names if n not in {e for e, _ in embeddings}]
    if embeddings and len(unknown) == 1 and len(spare) > 1:
        # SAM-HQ: the encoder's other outputs, stacked in their order, feed the one input left.
        stacked = (unknown[0].name, tuple(spare))
        unknown = []
    problems = []
    if not embeddings:
        problems.append(f"no decoder input takes an encoder output ({sorted(enc_outs)})")
    if coords is None or labels is None:
        problems.append("no point_coords/point_labels inputs")
    if unknown:
        problems.append(f"inputs it cannot fill: {[i.name for i in unknown]}")
    masks = _pick(decoder.outputs, _MASKS) or _pick(decoder.outputs, _LOW_RES)
    if masks is None:
        problems.append(f"no masks output (outputs: {decoder.output_names})")
    if problems:
        raise ModelLoadError(f"{decoder.path}: not a SAM-style decoder for {encoder.path.name}: "
                             + "; ".join(problems))
    return SamSpec(
        encoder_input=enc_in.name, channels_last=channels_last, input_size=int(size),
        embeddings=embeddings, coords_input=coords, labels_input=labels,  # type: ignore[arg-type]
        mask_input=mask_in if has_mask or mask_in else None, has_mask_input=has_mask,
        orig_size_input=orig, masks_output=masks,  # type: ignore[arg-type]
        scores_output=_pick(decoder.outputs, _SCORES), low_res_output=_pick(decoder.outputs, _LOW_RES),
        pixel_mean=tuple(pixel_mean or SAM_PIXEL_MEAN),  # type: ignore[arg-type]
        pixel_std=tuple(pixel_std or SAM_PIXEL_STD),  # type: ignore[arg-type]
        mask_threshold=mask_threshold, raw_image=raw, stretch=stretch, stacked=stacked)
