"""Review mode: the Review menu (accept / reject / next unreviewed), the file list's review
filter and colours, shape provenance and comments (anylabel/qt/review/)."""
from __future__ import annotations

from ..window_api import WindowAPI


def install(window: WindowAPI) -> None:
    from ..review.controller import ReviewController

    window.review = ReviewController(window)
