"""The embedding store with the SAM-contract encoder (a real ONNX encoder, fast enough
to run many times): encode once per image, shared futures, LRU, invalidation by
modification time, prefetch that gets cancelled, model switch, bad files."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from anylabel.inference.sam.embedding_store import EmbeddingStore


class SlowEncoder:
    """The real contract encoder, slowed down so ordering and cancellation are observable."""

    def __init__(self, encoder, delay: float = 0.0, model_id: str | None = None) -> None:
        self.inner = encoder
        self.delay = delay
        self.model_id = model_id or encoder.model_id
        self.seen: list[tuple[int, int]] = []
        self.gate = threading.Event()
        self.gate.set()

    def encode(self, image):
        self.gate.wait(5)
        time.sleep(self.delay)
        self.seen.append(image.shape[:2])
        return self.inner.encode(image)


def _folder(tmp_path: Path, n: int) -> list[Path]:
    paths = []
    for i in range(n):
        img = np.full((40 + i, 60, 3), (i * 20) % 255, np.uint8)  # height tells images apart
        p = tmp_path / f"img{i:02d}.png"
        cv2.imwrite(str(p), img)
        paths.append(p)
    return paths


@pytest.fixture
def store_with(contract_model):
    stores = []

    def make(delay=0.0, **kw):
        enc = SlowEncoder(contract_model.encoder, delay)
        store = EmbeddingStore(enc, **kw)
        stores.append(store)
        return store, enc

    yield make
    for s in stores:
        s.close()


def test_encodes_each_image_once(tmp_path, store_with):
    paths = _folder(tmp_path, 3)
    store, enc = store_with()
    a = store.embedding(paths[0])
    b = store.embedding(paths[0])
    assert a is b and store.stats.encoder_calls == 1
    assert a.frame.orig_h == 40 and a.tensors["image_embeddings"].shape == (1, 256, 64, 64)


def test_concurrent_requests_share_one_future(tmp_path, store_with):
    paths = _folder(tmp_path, 1)
    store, enc = store_with(delay=0.2)
    f1 = store.get(paths[0])
    f2 = store.get(paths[0])
    assert f1 is f2
    f1.result(5)
    assert store.stats.encoder_calls == 1


def test_lru_evicts_beyond_capacity(tmp_path, store_with):
    paths = _folder(tmp_path, 4)
    store, enc = store_with(capacity=2)
    for p in paths[:2]:
        store.embedding(p)
    store.embedding(paths[0])          # touch 0: 1 is now least recently used
    store.embedding(paths[2])
    cached = {Path(k[0]).name for k in store.cached_keys()}
    assert cached == {"img00.png", "img02.png"}
    store.embedding(paths[0])
    assert store.stats.encoder_calls == 3
    store.embedding(paths[1])
    assert store.stats.encoder_calls == 4 and store.stats.evictions == 2


def test_memory_cap_evicts(tmp_path, store_with):
    paths = _folder(tmp_path, 3)
    one = 256 * 64 * 64 * 4
    store, _ = store_with(capacity=10, max_bytes=int(one * 1.5))
    store.embedding(paths[0])
    store.embedding(paths[1])
    assert len(store.cached_keys()) == 1


def test_changed_file_is_encoded_again(tmp_path, store_with):
    paths = _folder(tmp_path, 1)
    store, enc = store_with()
    first = store.embedding(paths[0])
    cv2.imwrite(str(paths[0]), np.zeros((90, 60, 3), np.uint8))
    st = paths[0].stat()
    os.utime(paths[0], ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))
    second = store.embedding(paths[0])
    assert second is not first and second.frame.orig_h == 90
    assert len(store.cached_keys()) == 1  # the stale entry is gone


def test_prefetch_then_hit(tmp_path, store_with):
    paths = _folder(tmp_path, 4)
    store, enc = store_with()
    store.embedding(paths[0])
    store.prefetch(paths[1:3])
    assert store.wait_idle(10)
    assert store.peek(paths[1]) is not None and store.peek(paths[2]) is not None
    calls = store.stats.encoder_calls
    store.embedding(paths[1])
    assert store.stats.encoder_calls == calls == 3


def test_jumping_elsewhere_cancels_queued_prefetch_and_current_image_comes_first(tmp_path, store_with):
    paths = _folder(tmp_path, 8)
    store, enc = store_with()
    enc.gate.clear()                    # hold the worker on the first job
    store.prefetch(paths[1:5])
    time.sleep(0.05)
    store.prefetch(paths[6:8])          # the user jumped: 2..4 are no longer wanted
    urgent = store.get(paths[5])        # and looks at image 5 now
    enc.gate.set()
    urgent.result(10)
    assert store.wait_idle(10)
    order = [h - 40 for h, _ in enc.seen]
    assert order[0] == 1                # was already running when the user jumped
    assert order[1] == 5                # the image on screen before the prefetch
    assert sorted(order[2:]) == [6, 7]
    assert store.stats.cancelled == 3


def test_model_switch_empties_the_store(tmp_path, store_with, contract_model):
    paths = _folder(tmp_path, 2)
    store, enc = store_with()
    store.embedding(paths[0])
    other = SlowEncoder(contract_model.encoder, model_id="other-model")
    store.set_encoder(other)
    assert store.cached_keys() == []
    emb = store.embedding(paths[0])
    assert len(other.seen) == 1 and store.model_id == "other-model"
    assert emb is not None


def test_bad_file_fails_alone(tmp_path, store_with):
    paths = _folder(tmp_path, 2)
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not a png")
    store, _ = store_with()
    with pytest.raises(ValueError, match="broken.png"):
        store.embedding(bad)
    store.prefetch([bad, paths[1]])
    assert store.wait_idle(10)
    assert store.embedding(paths[0]) is not None
    assert store.peek(paths[1]) is not None
    with pytest.raises(FileNotFoundError):
        store.get(tmp_path / "missing.png")


def test_pause_holds_prefetch_but_not_the_image_on_screen(tmp_path, store_with):
    paths = _folder(tmp_path, 3)
    store, enc = store_with()
    store.pause_prefetch(0.6)
    store.prefetch(paths[1:3])
    urgent = store.get(paths[0])
    urgent.result(5)
    time.sleep(0.2)
    assert [h - 40 for h, _ in enc.seen] == [0]      # paused: only the image on screen
    assert store.wait_idle(10)
    assert sorted(h - 40 for h, _ in enc.seen) == [0, 1, 2]
