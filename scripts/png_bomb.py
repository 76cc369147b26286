"""Decompression-bomb PNGs for tests: tiny files that declare huge images.

``png_bomb(path, width, height)`` writes a 1-bit black PNG of ``width`` x ``height``: a
few hundred KB on disk at most, ``width * height * 3`` bytes once decoded to RGB. It is
written row by row, so making it needs little memory. Only the standard library.
"""
from __future__ import annotations

import struct
import zlib
from pathlib import Path


def png_bomb(path: Path, width: int, height: int) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed pixels
    z = zlib.compressobj(9)
    body = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
                     + chunk(b"IDAT", body) + chunk(b"IEND", b""))
    return path
