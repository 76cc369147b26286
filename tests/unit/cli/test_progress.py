"""The CLI progress bar: rates measured from the first step, never absurd."""
import io

from anylabel.cli import progress as progress_mod
from anylabel.cli.progress import Progress


def test_a_first_big_step_gives_no_rate_and_later_rates_count_from_it(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(progress_mod.time, "monotonic", lambda: clock[0])
    out = io.StringIO()
    bar = Progress(10000, "write", stream=out, enabled=True)
    clock[0] += 0.001
    bar.advance(626)  # a worker's whole chunk arrives at once
    assert out.getvalue().endswith("626/10000")  # no rate yet, not 626,000/s
    clock[0] += 1.0
    bar.advance(626)
    assert bar.rate_text(clock[0]) == " 626.0/s ETA 14s"
    bar.close()
    assert out.getvalue().count("\r") == 3 and out.getvalue().endswith("\n")


def test_a_shorter_line_blanks_what_the_longer_one_left():
    out = io.StringIO()
    bar = Progress(3, "x", stream=out, enabled=True)
    bar._last_len = 80
    bar._draw(0.0)
    assert out.getvalue() == "\r" + "x [" + "-" * 30 + "] 0/3" + " " * (80 - len("x [] 0/3") - 30)
