"""Export workers end with their parent, also when the parent is killed with SIGKILL."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (Linux)")

SCRIPT = r"""
import multiprocessing, sys, time

if __name__ == "__main__":  # a spawned worker imports this file again: only the parent runs this
    multiprocessing.set_start_method(sys.argv[1])
    from anylabel.formats import parallel

    assert parallel._start_context().get_start_method() == sys.argv[1]
    pool = parallel.make_pool(2)
    futures = [pool.submit(time.sleep, 60) for _ in range(4)]  # busy for a minute
    while len(pool._processes) < 2:
        time.sleep(0.05)
    time.sleep(0.5)  # let the workers run their initializer
    print(" ".join(str(p) for p in pool._processes), flush=True)
    time.sleep(120)
"""


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped by init has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_end_when_the_parent_is_killed(tmp_path: Path, method: str) -> None:
    script = tmp_path / "parent.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[3]))
    parent = subprocess.Popen([sys.executable, str(script), method], stdout=subprocess.PIPE, text=True, env=env)
    try:
        workers = [int(p) for p in parent.stdout.readline().split()]
        assert len(workers) == 2 and all(alive(p) for p in workers)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while any(alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        survivors = [p for p in workers if alive(p)]
    finally:
        parent.kill()
    for p in survivors:  # do not leave them behind when the test fails
        os.kill(p, signal.SIGKILL)
    assert survivors == []
