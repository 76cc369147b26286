#!/usr/bin/env python3
"""Export the tiny SAM 2.1 (Hiera-T) architecture, random weights, to ONNX.

No checkpoint can be downloaded on the build machines, so the weights are random: the
files have the real tensor interface (names, shapes, dtypes, operators) and the real
cost per run, which is what the runner's layout reading, the slow tests and the click
benchmark need. Mask quality is judged with the contract pair instead
(``scripts/build_sam_contract_models.py --sam2``).

The layout is the one X-AnyLabeling's ``segment_anything_2`` model reads
(``anylabeling/services/auto_labeling/__base__/sam2.py`` and the io screenshots in
``assets/onnx_ioshots/sam2.1_hiera_*``):

    encoder  image [1,3,1024,1024] float32 (RGB/255, ImageNet mean/std, stretched)
             -> high_res_feats_0 [1,32,256,256], high_res_feats_1 [1,64,128,128],
                image_embed [1,256,64,64]
    decoder  image_embed, high_res_feats_0, high_res_feats_1,
             point_coords [num_labels,num_points,2] (input-frame pixels),
             point_labels [num_labels,num_points] float32 (1 pos, 0 neg, 2/3 box corners, -1 pad),
             mask_input [num_labels,1,256,256], has_mask_input [num_labels]
             -> masks [num_labels,3,256,256] (low-resolution logits), iou_predictions [num_labels,3]

The padding point SAM's prompt encoder wants when no box is given is added inside the
decoder graph, as in the published exports, so callers never add one.

Environment (Python 3.11; the CPU torch wheel is on local disk on the build machines):

    python3.11 -m venv /work/venvs/sam2
    /work/venvs/sam2/bin/pip install -r requirements-sam2-export.txt

Usage:

    /work/venvs/sam2/bin/python scripts/export_sam2_onnx.py [--out ~/.cache/anylabel/sam2]
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEFAULT_OUT = Path(os.environ.get("ANYLABEL_SAM2_EXPORT", "~/.cache/anylabel/sam2")).expanduser()
ENCODER_NAME = "sam2.1_hiera_tiny.encoder.onnx"
DECODER_NAME = "sam2.1_hiera_tiny.decoder.onnx"
CONFIG = "configs/sam2.1/sam2.1_hiera_t.yaml"


def build_model(seed: int):
    import torch
    from sam2.build_sam import build_sam2

    torch.manual_seed(seed)
    # ckpt_path=None: the architecture with its random initialisation.
    return build_sam2(CONFIG, ckpt_path=None, device="cpu", mode="eval")


def wrappers(sam):
    import torch
    from torch import nn

    class Encoder(nn.Module):
        """Image -> the three feature maps the decoder (and the video memory) read."""

        def __init__(self) -> None:
            super().__init__()
            self.model = sam

        def forward(self, image: torch.Tensor):
            backbone = self.model.forward_image(image)
            _, feats, _, sizes = self.model._prepare_backbone_features(backbone)
            # Single images have no memory: the model adds its "no memory" embedding.
            feats[-1] = feats[-1] + self.model.no_mem_embed
            maps = [f.permute(1, 2, 0).reshape(1, -1, h, w) for f, (h, w) in zip(feats, sizes)]
            return maps[0], maps[1], maps[2]

    class Decoder(nn.Module):
        """Prompts + features -> three candidate masks (low-res logits) and their scores."""

        def __init__(self) -> None:
            super().__init__()
            self.prompt = sam.sam_prompt_encoder
            self.decoder = sam.sam_mask_decoder
            self.size = sam.image_size

        def forward(self, image_embed, high_res_feats_0, high_res_feats_1, point_coords, point_labels,
                    mask_input, has_mask_input):
            sparse = self.prompt._embed_points(point_coords, point_labels, pad=True)
            # With no previous mask the model uses its learnt "no mask" embedding.
            no_mask = self.prompt.no_mask_embed.weight.reshape(1, -1, 1, 1)
            has = has_mask_input.reshape(-1, 1, 1, 1)
            dense = has * self.prompt.mask_downscaling(mask_input) + (1 - has) * no_mask
            masks, iou, _, _ = self.decoder.predict_masks(
                image_embeddings=image_embed, image_pe=self.prompt.get_dense_pe(),
                sparse_prompt_embeddings=sparse, dense_prompt_embeddings=dense, repeat_image=True,
                high_res_features=[high_res_feats_0, high_res_feats_1])
            # Multi-mask output: the three candidates (the single-mask token 0 dropped).
            return torch.clamp(masks[:, 1:], -32.0, 32.0), iou[:, 1:]

    return Encoder().eval(), Decoder().eval()


def export(out: Path, seed: int = 0) -> tuple[Path, Path]:
    import torch

    sam = build_model(seed)
    enc, dec = wrappers(sam)
    out.mkdir(parents=True, exist_ok=True)
    enc_path, dec_path = out / ENCODER_NAME, out / DECODER_NAME
    image = torch.randn(1, 3, sam.image_size, sam.image_size)
    with torch.no_grad():
        f0, f1, emb = enc(image)
        torch.onnx.export(enc, (image,), str(enc_path), input_names=["image"],
                          output_names=["high_res_feats_0", "high_res_feats_1", "image_embed"],
                          opset_version=17, dynamo=False)
        low = sam.image_size // 4
        args = (emb, f0, f1, torch.tensor([[[500.0, 400.0]]]), torch.tensor([[1.0]]),
                torch.zeros(1, 1, low, low), torch.zeros(1))
        torch.onnx.export(
            dec, args, str(dec_path),
            input_names=["image_embed", "high_res_feats_0", "high_res_feats_1", "point_coords", "point_labels",
                         "mask_input", "has_mask_input"],
            output_names=["masks", "iou_predictions"],
            dynamic_axes={"point_coords": {0: "num_labels", 1: "num_points"},
                          "point_labels": {0: "num_labels", 1: "num_points"},
                          "mask_input": {0: "num_labels"}, "has_mask_input": {0: "num_labels"},
                          "masks": {0: "num_labels"}, "iou_predictions": {0: "num_labels"}},
            opset_version=17, dynamo=False)
    return enc_path, dec_path


def check(enc_path: Path, dec_path: Path) -> None:
    """Run both files once with onnxruntime and print their interface."""
    import numpy as np
    import onnxruntime as ort

    for p in (enc_path, dec_path):
        s = ort.InferenceSession(str(p), providers=["CPUExecutionProvider"])
        print(p.name, f"{p.stat().st_size / 1e6:.1f} MB")
        for i in s.get_inputs():
            print("  in ", i.name, i.shape, i.type)
        for o in s.get_outputs():
            print("  out", o.name, o.shape, o.type)
    enc = ort.InferenceSession(str(enc_path), providers=["CPUExecutionProvider"])
    dec = ort.InferenceSession(str(dec_path), providers=["CPUExecutionProvider"])
    f0, f1, emb = enc.run(None, {"image": np.zeros((1, 3, 1024, 1024), np.float32)})
    masks, iou = dec.run(None, {"image_embed": emb, "high_res_feats_0": f0, "high_res_feats_1": f1,
                                "point_coords": np.array([[[10, 10], [600, 500]]], np.float32),
                                "point_labels": np.array([[1, 0]], np.float32),
                                "mask_input": np.zeros((1, 1, 256, 256), np.float32),
                                "has_mask_input": np.zeros(1, np.float32)})
    print("decoded", masks.shape, iou.shape)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"folder for the two files (default {DEFAULT_OUT})")
    ap.add_argument("--seed", type=int, default=0, help="seed of the random weights")
    args = ap.parse_args(argv)
    enc_path, dec_path = export(args.out.expanduser(), args.seed)
    check(enc_path, dec_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
