"""Segment Anything (SAM, MobileSAM, EdgeSAM, EfficientViT-SAM): encoder, embedding
store with LRU + prefetch, prompt decoder, mask -> shapes. Qt-free."""
from .decoder import MaskPrediction, Prompt, SamDecoder
from .embedding import ImageEmbedding, SamEncoder
from .embedding_store import EmbeddingStore, StoreStats
from .mask_output import OUTPUT_MODES, mask_to_shapes
from .spec import SamSpec, read_spec
from .transforms import ResizeFrame, frame_for

__all__ = ["EmbeddingStore", "ImageEmbedding", "MaskPrediction", "OUTPUT_MODES", "Prompt", "ResizeFrame",
           "SamDecoder", "SamEncoder", "SamSpec", "StoreStats", "frame_for", "mask_to_shapes", "read_spec"]
