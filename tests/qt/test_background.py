"""BackgroundTask: progress, result, failure and cancel reach the GUI thread."""
from __future__ import annotations

import threading

import pytest
from qtpy.QtCore import QObject

from anylabel.qt.background import BackgroundTask, running_tasks, stop_tasks


def sip_delete(obj: QObject) -> None:
    from PyQt5 import sip

    sip.delete(obj)


def test_progress_and_result_arrive_on_the_gui_thread(qtbot) -> None:
    gui = threading.get_ident()
    seen: list[tuple[int, int, int]] = []

    def work(progress, cancel):
        for i in range(1, 4):
            progress(i, 3)
        return threading.get_ident()

    task = BackgroundTask(work, name="count")
    task.failed.connect(lambda m: None)
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
    assert failed.args[0] == "divide: ZeroDivisionError: division by zero"


def test_cancel_stops_a_job_that_polls(qtbot) -> None:
    started = threading.Event()

    def work(progress, cancel):
        started.set()
        steps = 0
        while not cancel.wait(0.01):
            steps += 1
        return "stopped"

    task = BackgroundTask(work)
    task.failed.connect(lambda m: None)
    with qtbot.waitSignal(task.done, timeout=5000) as done:
        task.start()
        assert started.wait(5)
        task.cancel()
    assert done.args[0] == "stopped" and task.cancelled
    assert task.join(5)


def test_progress_detail_report_and_the_cancel_answer(qtbot) -> None:
    details: list[object] = []
    updates: list[object] = []
    answers: list[bool] = []

    def work(progress, cancel):
        answers.append(progress(1, 2, "reading"))
        progress.report({"file": "a.json"})
        cancel.set()  # as cancel() would, between two steps
        answers.append(progress(2, 2, "writing"))
        return None

    task = BackgroundTask(work, name="steps")
    task.progress.connect(lambda d, t, detail: details.append((d, t, detail)))
    task.update.connect(updates.append)
    task.failed.connect(lambda m: None)
    with qtbot.waitSignal(task.done, timeout=5000):
        task.start()
    qtbot.waitUntil(lambda: len(details) == 2, timeout=5000)
    assert details == [(1, 2, "reading"), (2, 2, "writing")]
    assert updates == [{"file": "a.json"}]
    assert answers == [True, False]  # the job learns it was cancelled from progress's answer


def test_min_interval_drops_intermediate_progress_but_keeps_the_last(qtbot) -> None:
    seen: list[int] = []
    task = BackgroundTask(lambda progress, cancel: [progress(i, 1000) for i in range(1, 1001)], name="many",
                          min_interval=60.0)
    task.progress.connect(lambda d, t: seen.append(d))
    task.failed.connect(lambda m: None)
    with qtbot.waitSignal(task.done, timeout=5000):
        task.start()
    qtbot.waitUntil(lambda: seen[-1:] == [1000], timeout=5000)
    assert seen == [1, 1000]


def test_describe_words_the_failure_and_a_broken_describe_still_reports(qtbot) -> None:
    task = BackgroundTask(lambda p, c: open("/nonexistent/x.json"), name="read",
                          describe=lambda exc: f"Reading the labels failed: {exc.filename}")
    with qtbot.waitSignal(task.failed, timeout=5000) as failed:
        task.start()
    assert failed.args[0] == "Reading the labels failed: /nonexistent/x.json"

    def broken(exc):
        raise KeyError("oops")

    task = BackgroundTask(lambda p, c: 1 / 0, name="divide", describe=broken)
    with qtbot.waitSignal(task.failed, timeout=5000) as failed:
        task.start()
    assert failed.args[0] == "divide: ZeroDivisionError: division by zero"


def test_start_refuses_a_task_whose_failure_nobody_hears(qtbot) -> None:
    ran = threading.Event()
    task = BackgroundTask(lambda p, c: ran.set(), name="unheard")
    with pytest.raises(RuntimeError, match="unheard: connect 'failed'"):
        task.start()
    assert not ran.is_set() and not task.is_running()


def test_on_cancel_reaches_a_job_stopped_from_outside(qtbot) -> None:
    stop = threading.Event()  # stands for a child process that cancel() has to end
    task = BackgroundTask(lambda p, c: stop.wait(10), name="child", on_cancel=stop.set)
    task.failed.connect(lambda m: None)
    with qtbot.waitSignal(task.done, timeout=5000) as done:
        task.start()
        task.cancel()
    assert done.args[0] is True and task.cancelled and not task.is_running()


def test_stop_tasks_cancels_and_waits_for_the_tasks_of_one_owner_only(qtbot) -> None:
    closing, other = QObject(), QObject()
    inner = QObject(closing)  # a dock or dialog inside the closing window

    def polls(progress, cancel):
        while not cancel.wait(0.01):
            pass
        return "stopped"

    mine = BackgroundTask(polls, name="mine", parent=inner)
    theirs = BackgroundTask(polls, name="theirs", parent=other)
    for t in (mine, theirs):
        t.failed.connect(lambda m: None)
        t.start()
    assert set(running_tasks(closing)) == {mine}
    assert stop_tasks(closing, timeout=5) == []
    assert mine.cancelled and not mine.is_running()
    assert theirs.is_running() and not theirs.cancelled
    theirs.cancel()
    assert theirs.join(5)


def test_a_finished_task_lets_go_of_its_job(qtbot) -> None:
    owner = QObject()
    big = bytearray(10)
    task = BackgroundTask(lambda p, c: len(big), name="holds", parent=owner)
    task.failed.connect(lambda m: None)
    with qtbot.waitSignal(task.done, timeout=5000):
        task.start()
    qtbot.waitUntil(task.is_finished, timeout=5000)
    assert task.fn is None  # the closure (and what it holds) dropped
    qtbot.waitUntil(lambda: not owner.findChildren(BackgroundTask), timeout=5000)  # deleted with deleteLater
    assert not task.is_running() and task.join(1)


def test_a_task_that_outlives_its_window_drops_its_results_quietly(qtbot) -> None:
    window = QObject()
    go = threading.Event()
    task = BackgroundTask(lambda p, c: (go.wait(5), p(1, 1))[1], name="late", parent=window)
    task.failed.connect(lambda m: None)
    task.start()
    sip_delete(window)  # the window and its children are gone while the job still runs
    go.set()
    assert task.join(5)
    assert task.cancelled  # its progress answered "stop" instead of raising in the thread


def test_closing_the_main_window_cancels_and_waits_for_its_tasks(make_window, qtbot) -> None:
    window = make_window()
    dock = window.file_dock  # a task anywhere inside the window counts as the window's
    finished = threading.Event()

    def polls(progress, cancel):
        while not cancel.wait(0.01):
            pass
        finished.set()
        return None

    task = BackgroundTask(polls, name="in-dock", parent=dock)
    task.failed.connect(lambda m: None)
    task.start()
    window.close()
    assert finished.is_set() and task.cancelled and not task.is_running()
