"""OrderedWrites: background writes whose outcomes come back in the order submitted."""

import threading
import time

from anylabel.core.bulk import OrderedWrites


def test_outcomes_come_back_in_submission_order_with_their_errors(tmp_path):
    release = threading.Event()

    def write(i):
        if i == 0:
            release.wait(5)  # the first write finishes last
        if i == 3:
            raise OSError("disk full")
        (tmp_path / f"{i}.txt").write_text(str(i))

    got = []
    with OrderedWrites(threads=4, window=2) as writes:
        for i in range(6):
            if i == 4:
                release.set()
            got += writes.submit(i, str(tmp_path / f"{i}.txt"), write, i)
        got += writes.finish()
    assert [tag for tag, _ in got] == list(range(6))
    assert [type(err).__name__ if err else None for _, err in got] == [None, None, None, "OSError", None, None]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.txt", "1.txt", "2.txt", "4.txt", "5.txt"]


def test_wait_for_returns_once_the_file_is_written(tmp_path):
    target = tmp_path / "a.txt"

    def slow_write():
        time.sleep(0.2)
        target.write_text("done")

    with OrderedWrites() as writes:
        assert writes.submit("a", str(target), slow_write) == []
        writes.wait_for(str(target))
        assert target.read_text() == "done"
        writes.wait_for(str(tmp_path / "never submitted"))
        assert writes.finish() == [("a", None)]


def test_at_most_window_writes_are_in_flight():
    running, peak = [0], [0]
    lock = threading.Lock()

    def write():
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.01)
        with lock:
            running[0] -= 1

    with OrderedWrites(threads=8, window=3) as writes:
        for i in range(20):
            writes.submit(i, f"f{i}", write)
        writes.finish()
    assert 1 <= peak[0] <= 4  # the window plus the one just submitted
