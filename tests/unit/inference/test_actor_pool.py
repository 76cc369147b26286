"""The Ray engine's retry accounting, without Ray: who gets a batch and what a failure costs."""
from __future__ import annotations

from anylabel.inference.engines.actor_pool import DEAD, READY, RESTARTING, ActorPool, Batch


def pool(n: int = 2, restarts: int = 3, attempts: int = 3) -> ActorPool:
    return ActorPool([f"a{i}" for i in range(n)], max_restarts=restarts, max_attempts=attempts)


def test_two_batches_per_actor_least_loaded_first() -> None:
    p = pool()
    p.sent("a0")
    assert p.free() == ["a1", "a0"]
    p.sent("a1"), p.sent("a0"), p.sent("a1")
    assert p.free() == []
    p.returned("a1")
    assert p.free() == ["a1"]


def test_a_restarting_actor_gets_no_batch_until_it_answers() -> None:
    p = pool()
    p.sent("a0"), p.sent("a0")
    p.died("a0")
    p.returned("a0"), p.returned("a0")
    assert p.state("a0") == RESTARTING
    assert p.free() == ["a1"]
    assert p.restarting() == ["a0"]
    p.sent("a1"), p.sent("a1")
    assert p.pick(Batch(["x"])) is None  # a0 is restarting, a1 is full: the batch waits
    p.answered("a0")
    assert p.state("a0") == READY and p.pick(Batch(["x"])) == "a0"


def test_one_death_reported_by_both_of_its_batches_counts_once() -> None:
    p = pool(restarts=1)
    p.died("a0")
    p.died("a0")  # the queued batch's failure: the same death
    assert p.state("a0") == RESTARTING
    p.answered("a0")
    p.died("a0")  # a second death after the restart: one restart allowed, now gone for good
    assert p.state("a0") == DEAD
    assert p.alive()
    p.gone("a1")
    assert not p.alive()


def test_a_ping_that_fails_uses_a_restart() -> None:
    p = pool(restarts=2)
    p.died("a0")
    p.ping_failed("a0")
    assert p.state("a0") == RESTARTING
    p.ping_failed("a0")
    assert p.state("a0") == DEAD


def test_an_unavailable_actor_costs_the_batch_no_attempt() -> None:
    p = pool(attempts=2)
    b = Batch(["x", "y"])
    p.unavailable("a0")
    assert p.state("a0") == RESTARTING
    for _ in range(5):
        assert p.charge(b, "a0", unavailable=True)
    assert b.attempts == 0 and b.died_on == ()


def test_a_batch_fails_after_max_attempts_deaths_and_prefers_other_actors() -> None:
    p = pool(attempts=2)
    b = Batch(["x"])
    assert p.charge(b, "a0", unavailable=False)  # first death: retry
    assert b.died_on == ("a0",)
    assert p.pick(b) == "a1"  # retried on the actor it did not die on
    p.sent("a1"), p.sent("a1")
    assert p.pick(b) == "a0"  # ... unless that one is full
    assert not p.charge(b, "a1", unavailable=False)  # second death: give up
    assert b.attempts == 2 and b.died_on == ("a0", "a1")


def test_the_killed_worker_scenario_loses_no_image() -> None:
    """Two actors, one killed with two batches in flight; batches then go only to ready actors.

    Before the pool, the queued retry went to the restarting actor and failed again, so a batch
    died three times from one kill and its images were reported as failed.
    """
    p = pool(attempts=3)
    b1, b2 = Batch(["1"]), Batch(["2"])
    p.sent("a0"), p.sent("a0")
    p.died("a0")
    for b in (b1, b2):
        p.returned("a0")
        assert p.charge(b, "a0", unavailable=False)
    # while a0 restarts, both retries can only go to a1
    assert p.pick(b1) == "a1"
    p.sent("a1")
    assert p.pick(b2) == "a1"
    p.sent("a1")
    assert p.pick(Batch(["3"])) is None
    assert b1.attempts == b2.attempts == 1
