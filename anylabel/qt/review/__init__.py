"""Review mode in the window: accept / reject images, review comments on shapes, the file
list filtered and coloured by review state, shape provenance, the review summary.

Installed by ``anylabel/qt/extensions/review.py``; the review state itself is
``anylabel.core.review`` (kept in the label file, readable by X-AnyLabeling).
"""
