"""Model type names of X-AnyLabeling's zoo, and why the ones not runnable here are refused.

Facts only (the ``type:`` values its public model configs use), so that a config of a
known type that AnyLabel cannot run is reported as *unsupported, because ...* and not as
a typo. A type registered here (``registry.register``) always wins over these entries.
"""
from __future__ import annotations

#: Every ``type`` X-AnyLabeling's model configs use.
XAL_TYPES: frozenset[str] = frozenset({
    'clrnet', 'damo_yolo', 'deimv2', 'depth_anything', 'depth_anything_v2', 'dfine', 'dfine_seg',
    'doclayout_yolo', 'edge_sam', 'efficientvit_sam', 'florence2', 'geco', 'gold_yolo',
    'grounding_dino', 'grounding_dino_api', 'grounding_sam', 'grounding_sam2', 'internimage_cls',
    'open_vision', 'ppocr_v4', 'ppocr_v5', 'ppocr_v6', 'pulc_attribute', 'ram', 'remote_server',
    'rfdetr', 'rfdetr_seg', 'rio_detr', 'rmbg', 'rtdetr', 'rtdetrv2', 'rtmdet_pose', 'sam_hq',
    'sam_med2d', 'scrfd', 'segment_anything', 'segment_anything_2', 'segment_anything_2_video',
    'segment_anything_3', 'u_rtdetr', 'upn', 'yolo11', 'yolo11_cls', 'yolo11_det_track',
    'yolo11_obb', 'yolo11_obb_track', 'yolo11_pose', 'yolo11_pose_track', 'yolo11_sahi',
    'yolo11_seg', 'yolo11_seg_track', 'yolo12', 'yolo26', 'yolo26_det_track', 'yolo26_obb',
    'yolo26_obb_track', 'yolo26_pose', 'yolo26_pose_track', 'yolo26_sahi', 'yolo26_seg',
    'yolo26_seg_track', 'yolo_nas', 'yoloe', 'yolov10', 'yolov5', 'yolov5_cls', 'yolov5_det_track',
    'yolov5_obb', 'yolov5_ram', 'yolov5_resnet', 'yolov5_sahi', 'yolov5_sam', 'yolov5_seg',
    'yolov6', 'yolov6_face', 'yolov7', 'yolov8', 'yolov8_cls', 'yolov8_det_track', 'yolov8_obb',
    'yolov8_obb_track', 'yolov8_pose', 'yolov8_pose_track', 'yolov8_sahi', 'yolov8_sam2',
    'yolov8_seg', 'yolov8_seg_track', 'yolov9', 'yolow', 'yolow_ram', 'yolox', 'yolox_dwpose',
})

#: Types refused on purpose, with the reason shown to the user.
OUT_OF_SCOPE: dict[str, str] = {
    "florence2": "Florence-2 is a vision-language (caption / chat / VQA) model; out of scope here",
    "grounding_dino_api": "a hosted API (a remote service with an account); out of scope here",
    # SAM 2 itself runs (segment_anything_2, segment_anything_2_video); what is missing is the
    # text-prompted detector in front of it.
    "grounding_sam2": "Grounding DINO (text-prompted detection) is not implemented here; "
                      "SAM 2 with clicks and boxes is (segment_anything_2)",
    "segment_anything_3": "Segment Anything 3 (text-prompted concepts) is not implemented here",
}
