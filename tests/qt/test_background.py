"""BackgroundTask: progress, result, failure and cancel reach the GUI thread."""
from __future__ import annotations

import threading

from anylabel.qt.background import BackgroundTask


def test_progress_and_result_arrive_on_the_gui_thread(qtbot) -> None:
    gui = threading.get_ident()
    seen: list[tuple[int, int, int]] = []

    def work(progress, cancel):
        for i in range(1, 4):
            progress(i, 3)
        return threading.get_ident()

    task = BackgroundTask(work, name="count")
    task.progress.connect(lambda i, n: seen.append((i, n, threading.get_ident())))
    with qtbot.waitSignal(task.done, timeout=5000) as done:
        task.start()
    assert done.args[0] != gui  # the work ran in a worker thread
    qtbot.waitUntil(lambda: len(seen) == 3, timeout=5000)
    assert [(i, n) for i, n, _ in seen] == [(1, 3), (2, 3), (3, 3)]
    assert {t for *_, t in seen} == {gui}  # ... its signals were handled on the GUI thread
    assert task.join(5)


def test_a_failure_is_a_message_naming_the_task(qtbot) -> None:
    task = BackgroundTask(lambda progress, cancel: 1 / 0, name="divide")
    with qtbot.waitSignal(task.failed, timeout=5000) as failed:
        task.start()
    assert failed.args[0].startswith("divide: ") and "division by zero" in failed.args[0]


def test_cancel_stops_a_job_that_polls(qtbot) -> None:
    started = threading.Event()

    def work(progress, cancel):
        started.set()
        steps = 0
        while not cancel.wait(0.01):
            steps += 1
        return "stopped"

    task = BackgroundTask(work)
    with qtbot.waitSignal(task.done, timeout=5000) as done:
        task.start()
        assert started.wait(5)
        task.cancel()
    assert done.args[0] == "stopped" and task.cancelled
    assert task.join(5)
