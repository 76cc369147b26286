"""A damaged pin record in the model cache is no pin (it is replaced by the next
verification), whatever its damage: nesting too deep was a RecursionError."""
from __future__ import annotations

from pathlib import Path

import pytest

from anylabel.inference.download_checks import Pin


@pytest.mark.parametrize("text", ["[" * 3000 + "]" * 3000, "[1, 2]", '{"sha256": "ab", "size": [1]}', "\xff"])
def test_a_damaged_pin_record_is_no_pin(tmp_path: Path, text: str) -> None:
    model = tmp_path / "model.onnx"
    model.write_bytes(b"x")
    Pin.path_for(model).write_text(text, encoding="utf-8", errors="surrogateescape")
    assert Pin.read(model) is None
