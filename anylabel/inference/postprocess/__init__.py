"""Post-processing shared by model types: the NMS family, shape conversion, SAHI slicing."""
from .nms import Kept, box_iou, box_iou_matrix, diou_nms, nms, rotated_iou, rotated_nms, soft_nms, suppress, weighted_nms

__all__ = ["Kept", "box_iou", "box_iou_matrix", "diou_nms", "nms", "rotated_iou", "rotated_nms", "soft_nms",
           "suppress", "weighted_nms"]
