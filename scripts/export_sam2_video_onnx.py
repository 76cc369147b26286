#!/usr/bin/env python3
"""Export the parts SAM 2's video path needs to ONNX (see docs/video.md, "SAM 2 video").

Four files, written to ``--out`` as ``<prefix>.<part>.onnx``:

- ``video_encoder``: ``image`` [1,3,1024,1024] -> ``image_embed`` (top-level features plus
  SAM 2's ``no_mem_embed``: the features of a frame with no memory yet), ``high_res_feats_0``
  [1,32,256,256], ``high_res_feats_1`` [1,64,128,128], ``vision_feats`` [1,256,64,64] (the raw
  top-level features, what memory attention and the memory encoder read) and
  ``vision_pos_enc`` [1,256,64,64] (their sine position encoding).
- ``memory_attention``: the current frame's ``vision_feats`` and ``vision_pos_enc``, the
  spatial memories ``memory`` / ``memory_pos`` [F,64,64,64] with their temporal slot
  ``memory_tpos`` [F] (int64, 0 = a prompted frame, 1..6 = 6..1 frames away) and the object
  pointers ``obj_ptrs`` [P,256] with ``obj_ptr_tpos`` [P] (signed frame distance divided by
  the largest distance the model allows) -> ``image_embed`` [1,256,64,64].
- ``memory_encoder``: ``vision_feats``, ``mask_logits`` [1,1,256,256] (the chosen low-resolution
  mask) and ``object_score_logits`` [1,1] -> ``maskmem_features`` [1,64,64,64] and
  ``maskmem_pos_enc`` [1,64,64,64].
- ``video_decoder``: ``image_embed``, ``high_res_feats_0/1``, ``point_coords`` [1,N,2] (pixels of
  the 1024x1024 input), ``point_labels`` [1,N] (1, 0, 2/3 box corners, -1 padding),
  ``mask_input`` [1,1,256,256], ``has_mask_input`` [1] -> ``low_res_masks`` [1,4,256,256] (the
  single-mask output first, then the three multi-mask outputs), ``iou_predictions`` [1,4],
  ``obj_ptrs`` [1,4,256] (each output's object pointer, already mixed with the no-object
  pointer) and ``object_score_logits`` [1,1].

The wrappers follow ``sam2/modeling/sam2_base.py`` of the public ``sam2`` package (1.1.0):
``forward_image`` / ``_prepare_backbone_features`` (encoder), the memory assembly of
``_prepare_memory_conditioned_features`` (memory attention), ``_encode_new_memory`` (memory
encoder) and ``_forward_sam_heads`` (decoder). The rotary encoding of the memory attention
uses complex numbers there, which ONNX lacks; it is rewritten below with cos/sin (same values;
the script checks the ONNX outputs against PyTorch).

The architecture is built from the package's config (``sam2.1_hiera_t`` by default) with
random weights unless ``--checkpoint`` gives real ones. Needs torch, ``sam2`` and ``onnx``:

    python3.11 -m venv /work/venvs/sam2
    /work/venvs/sam2/bin/pip install torch==2.14.1 torchvision==0.29.1 sam2==1.1.0 onnx onnxruntime
    /work/venvs/sam2/bin/python scripts/export_sam2_video_onnx.py --out /tmp/sam2t
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

PARTS = ("video_encoder", "memory_attention", "memory_encoder", "video_decoder")
OPSET = 17
#: The config key naming each part (docs/video.md).
CONFIG_KEYS = ("encoder_model_path", "memory_attention_model_path", "memory_encoder_model_path",
               "decoder_model_path")


def build_model(config: str, checkpoint: str | None):
    import torch
    from sam2.build_sam import build_sam2

    torch.manual_seed(0)
    model = build_sam2(config, ckpt_path=checkpoint, device="cpu", mode="eval")
    return model.eval().requires_grad_(False)


def _real_rope_forward(self, q, k, v, num_k_exclude_rope=0):
    """RoPEAttention.forward with the rotation written in cos/sin instead of complex numbers."""
    import torch
    import torch.nn.functional as F

    q = self._separate_heads(self.q_proj(q), self.num_heads)
    k = self._separate_heads(self.k_proj(k), self.num_heads)
    v = self._separate_heads(self.v_proj(v), self.num_heads)
    angle = self.freqs_cis  # [Nq, D/2] rotation angles (made real by ``real_rope``)
    cos, sin = torch.cos(angle), torch.sin(angle)

    def rotate(x):  # x [B, H, n*Nq, D]: consecutive pairs rotated by the angle of their position
        b, h, n, d = x.shape
        pairs = x.reshape(b, h, -1, cos.shape[0], d // 2, 2)
        x0, x1 = pairs[..., 0], pairs[..., 1]
        out = torch.stack([x0 * cos - x1 * sin, x0 * sin + x1 * cos], dim=-1)
        return out.reshape(b, h, n, d)

    q = rotate(q)
    n_rope = k.shape[-2] - num_k_exclude_rope
    k = torch.cat([rotate(k[:, :, :n_rope]), k[:, :, n_rope:]], dim=2)
    out = F.scaled_dot_product_attention(q, k, v)
    return self.out_proj(self._recombine_heads(out))


def wrappers(model):
    import torch
    from sam2.modeling.sam2_utils import get_1d_sine_pe

    class VideoEncoder(torch.nn.Module):
        def forward(self, image):
            out = model.forward_image(image)
            fpn, pos = out["backbone_fpn"], out["vision_pos_enc"]
            top = fpn[-1]
            embed = top + model.no_mem_embed.reshape(1, -1, 1, 1)
            return embed, fpn[0], fpn[1], top, pos[-1]

    class MemoryAttention(torch.nn.Module):
        def forward(self, vision_feats, vision_pos_enc, memory, memory_pos, memory_tpos, obj_ptrs, obj_ptr_tpos):
            c, mem_dim = model.hidden_dim, model.mem_dim
            curr = vision_feats.flatten(2).permute(2, 0, 1)
            curr_pos = vision_pos_enc.flatten(2).permute(2, 0, 1)
            spatial = memory.flatten(2).permute(0, 2, 1)                     # [F, HW, 64]
            tpos = model.maskmem_tpos_enc[model.num_maskmem - memory_tpos - 1].reshape(-1, 1, mem_dim)
            spatial_pos = memory_pos.flatten(2).permute(0, 2, 1) + tpos
            spatial = spatial.reshape(-1, 1, mem_dim)
            spatial_pos = spatial_pos.reshape(-1, 1, mem_dim)
            ptr_pos = model.obj_ptr_tpos_proj(get_1d_sine_pe(obj_ptr_tpos, dim=c))    # [P, 64]
            split = c // mem_dim
            ptr_tokens = obj_ptrs.reshape(-1, 1, split, mem_dim).permute(0, 2, 1, 3).flatten(0, 1)
            ptr_pos = ptr_pos.repeat_interleave(split, dim=0).unsqueeze(1)
            mem = torch.cat([spatial, ptr_tokens], dim=0)
            mem_pos = torch.cat([spatial_pos, ptr_pos], dim=0)
            out = model.memory_attention(curr=[curr], curr_pos=[curr_pos], memory=mem, memory_pos=mem_pos,
                                         num_obj_ptr_tokens=ptr_tokens.shape[0])
            return out.permute(1, 2, 0).reshape(vision_feats.shape)

    class MemoryEncoder(torch.nn.Module):
        def forward(self, vision_feats, mask_logits, object_score_logits):
            high = torch.nn.functional.interpolate(mask_logits, size=(model.image_size, model.image_size),
                                                   mode="bilinear", align_corners=False)
            mask = torch.sigmoid(high) * model.sigmoid_scale_for_mem_enc + model.sigmoid_bias_for_mem_enc
            out = model.memory_encoder(vision_feats, mask, skip_mask_sigmoid=True)
            feats, pos = out["vision_features"], out["vision_pos_enc"][-1]
            if model.no_obj_embed_spatial is not None:
                absent = 1.0 - (object_score_logits > 0).float()
                feats = feats + absent[..., None, None] * model.no_obj_embed_spatial[..., None, None]
            return feats, pos

    class VideoDecoder(torch.nn.Module):
        def forward(self, image_embed, high_res_feats_0, high_res_feats_1, point_coords, point_labels,
                    mask_input, has_mask_input):
            pe = model.sam_prompt_encoder
            sparse = pe._embed_points(point_coords, point_labels, pad=True)
            flag = has_mask_input.reshape(1, 1, 1, 1)
            dense = flag * pe.mask_downscaling(mask_input) + (1 - flag) * pe.no_mask_embed.weight.reshape(1, -1, 1, 1)
            masks, ious, tokens, obj_score = model.sam_mask_decoder.predict_masks(
                image_embeddings=image_embed, image_pe=pe.get_dense_pe(), sparse_prompt_embeddings=sparse,
                dense_prompt_embeddings=dense, repeat_image=False,
                high_res_features=[high_res_feats_0, high_res_feats_1])
            appearing = obj_score > 0
            masks = torch.where(appearing[:, :, None, None], masks, torch.full_like(masks, -1024.0))
            ptrs = model.obj_ptr_proj(tokens)
            lam = appearing.float()[:, :, None]
            if model.fixed_no_obj_ptr:
                ptrs = lam * ptrs
            ptrs = ptrs + (1 - lam) * model.no_obj_ptr
            return masks, ious, ptrs, obj_score

    parts = (VideoEncoder(), MemoryAttention(), MemoryEncoder(), VideoDecoder())
    for part in parts:
        part.model = model  # registered, so the tracer sees the weights as the module's own
        part.eval()  # export restores the wrapper's mode recursively: it must be eval too
    return parts


def sample_inputs(f: int = 2, p: int = 3, n: int = 2):
    import torch

    g = torch.Generator().manual_seed(1)
    r = lambda *s: torch.randn(*s, generator=g)  # noqa: E731
    return {
        "video_encoder": {"image": r(1, 3, 1024, 1024)},
        "memory_attention": {"vision_feats": r(1, 256, 64, 64), "vision_pos_enc": r(1, 256, 64, 64),
                             "memory": r(f, 64, 64, 64), "memory_pos": r(f, 64, 64, 64),
                             "memory_tpos": torch.arange(f, dtype=torch.int64) % 7,
                             "obj_ptrs": r(p, 256), "obj_ptr_tpos": torch.linspace(0, 1, p)},
        "memory_encoder": {"vision_feats": r(1, 256, 64, 64), "mask_logits": r(1, 1, 256, 256) * 4,
                           "object_score_logits": torch.tensor([[1.5]])},
        "video_decoder": {"image_embed": r(1, 256, 64, 64), "high_res_feats_0": r(1, 32, 256, 256),
                          "high_res_feats_1": r(1, 64, 128, 128),
                          "point_coords": torch.rand(1, n, 2, generator=g) * 1024,
                          "point_labels": torch.ones(1, n), "mask_input": torch.zeros(1, 1, 256, 256),
                          "has_mask_input": torch.zeros(1)},
    }


OUTPUTS = {
    "video_encoder": ["image_embed", "high_res_feats_0", "high_res_feats_1", "vision_feats", "vision_pos_enc"],
    "memory_attention": ["image_embed"],
    "memory_encoder": ["maskmem_features", "maskmem_pos_enc"],
    "video_decoder": ["low_res_masks", "iou_predictions", "obj_ptrs", "object_score_logits"],
}
DYNAMIC = {
    "memory_attention": {"memory": {0: "frames"}, "memory_pos": {0: "frames"}, "memory_tpos": {0: "frames"},
                         "obj_ptrs": {0: "pointers"}, "obj_ptr_tpos": {0: "pointers"}},
    "video_decoder": {"point_coords": {1: "points"}, "point_labels": {1: "points"}},
}


def export(out_dir: Path, prefix: str, config: str, checkpoint: str | None, check: bool = True) -> list[Path]:
    import torch
    from sam2.modeling.sam.transformer import RoPEAttention

    model = build_model(config, checkpoint)
    parts = dict(zip(PARTS, wrappers(model)))
    feeds = sample_inputs(3, 4, 1)["memory_attention"]
    with torch.no_grad():
        with_complex = parts["memory_attention"](*feeds.values())
    original_forward = RoPEAttention.forward
    RoPEAttention.forward = _real_rope_forward
    for m in model.modules():
        if isinstance(m, RoPEAttention) and torch.is_complex(m.freqs_cis):
            m.freqs_cis = torch.angle(m.freqs_cis)  # the angles of the unit complex numbers
    with torch.no_grad():
        with_real = parts["memory_attention"](*feeds.values())
    err = float((with_real - with_complex).abs().max() / with_complex.abs().max())
    if err > 1e-4:
        raise SystemExit(f"the cos/sin rotary encoding differs from sam2's complex one ({err:.2g})")
    print(f"rotary encoding in cos/sin matches sam2's complex version (relative error {err:.1g}; "
          f"replaced {original_forward.__qualname__})")
    samples = sample_inputs()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, module in parts.items():
        feeds = samples[name]
        path = out_dir / f"{prefix}.{name}.onnx"
        with torch.no_grad():
            torch.onnx.export(module, tuple(feeds.values()), str(path), input_names=list(feeds),
                              output_names=OUTPUTS[name], dynamic_axes=DYNAMIC.get(name), opset_version=OPSET,
                              dynamo=False)
        written.append(path)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
        if check:
            check_part(module, path, name)
    return written


def check_part(module, path: Path, name: str) -> None:
    """The ONNX file gives PyTorch's outputs, also at sizes other than the traced ones."""
    import onnxruntime as ort
    import torch

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    for f, p, n in ((2, 3, 2), (5, 7, 1)):
        feeds = sample_inputs(f, p, n)[name]
        with torch.no_grad():
            ref = module(*feeds.values())
        ref = ref if isinstance(ref, tuple) else (ref,)
        got = sess.run(None, {k: v.numpy() for k, v in feeds.items()})
        for out_name, a, b in zip(OUTPUTS[name], ref, got):
            a = a.numpy()
            err = float(np.max(np.abs(a - b)) / (np.max(np.abs(a)) + 1e-6))
            if not math.isfinite(err) or err > 1e-3:
                raise SystemExit(f"{path}: {out_name} differs from PyTorch (relative error {err:.2g}) "
                                 f"with {f} memories, {p} pointers, {n} points")
        if name not in DYNAMIC:
            break
    print(f"  {name}: ONNX matches PyTorch")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--prefix", default="sam2.1_hiera_tiny", help="file name prefix")
    ap.add_argument("--config", default="configs/sam2.1/sam2.1_hiera_t.yaml", help="sam2 package config")
    ap.add_argument("--checkpoint", default=None, help="real weights (.pt); default: random weights")
    ap.add_argument("--no-check", action="store_true", help="skip comparing the ONNX outputs with PyTorch")
    args = ap.parse_args(argv)
    out = Path(args.out)
    export(out, args.prefix, args.config, args.checkpoint, check=not args.no_check)
    yaml = out / f"{args.prefix}_video.yaml"
    yaml.write_text(
        "type: segment_anything_2_video\n"
        f"name: {args.prefix}_video\n"
        f"display_name: SAM 2 video ({args.prefix}, {'random weights' if not args.checkpoint else 'exported'})\n"
        + "".join(f"{key}: {args.prefix}.{part}.onnx\n" for part, key in zip(PARTS, CONFIG_KEYS)),
        encoding="utf-8")
    print(f"wrote {yaml}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
