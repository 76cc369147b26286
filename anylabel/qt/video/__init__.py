"""Video in the app: open a video as a folder of frames, the Tracks dock and the
sequence tools (track boxes, interpolate, propagate). Installed by
``anylabel/qt/extensions/video.py``; the work itself is Qt-free (``anylabel.core``)."""
