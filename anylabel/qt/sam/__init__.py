"""Segment Anything in the main window: prompt mode on the canvas, preview overlay,
model choice, box-to-segment. The logic lives Qt-free in ``anylabel.inference.sam``."""
