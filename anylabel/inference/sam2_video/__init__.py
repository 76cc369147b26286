"""SAM 2 video: prompt an object on one or more frames, follow it through the clip with
SAM 2's memory (memory encoder + memory attention, exported to ONNX), forward and backward.

- ``parts``: the four ONNX parts and their tensor interface (docs/video.md, "SAM 2 video").
- ``memory_bank``: which memories and object pointers a frame attends to (SAM 2's rules).
- ``tracker``: the propagation engine over any sequence of frames (Qt-free, no files).
- ``prompts``: prompts per frame and object, and the prompts JSON of ``anylabel track``.
- ``folder``: propagation over a frame folder, written through the atomic saves, never over
  frames the user edited (ADR 0003).
- ``model``: the ``segment_anything_2_video`` model type (config keys, checks).
"""
