"""Errors that name the file and what is wrong with it."""
from __future__ import annotations

import os


class AnyLabelError(Exception):
    """Base class for errors shown to users."""


class LabelFileError(AnyLabelError):
    """A label file that cannot be read or written; the message names the file."""

    def __init__(self, path: str | os.PathLike[str], problem: str) -> None:
        self.path = os.fspath(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
