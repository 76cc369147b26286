"""Inference services (model configs, ONNX runtime, detectors, SAM, trackers): Qt-free."""
