"""Dataset formats (YOLO, COCO, VOC, DOTA, MOT, masks, PPOCR): Qt-free parse/dump pairs."""
