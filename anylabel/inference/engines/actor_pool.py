"""Which Ray actors may take a batch, and what a failed batch costs.

Kept apart from Ray so the rules are unit-tested without a cluster. The rules:

- An actor holds at most ``per_actor`` batches (one running, one queued behind it).
- When an actor dies it is *restarting*: Ray brings the process back (``max_restarts``), but
  the model loads again first. Until the actor answers a ping it gets no batch, so a batch is
  never sent to a process that is not there yet; that used to burn a retry on the way
  (a killed worker cost the same batch two or three attempts and its images were lost).
- An actor that died more than ``max_restarts`` times is dead for good.
- A batch costs an attempt only when its actor died while holding it. "The actor is not
  available right now" (Ray's ``ActorUnavailableError``: the task never started) costs none.
- A batch that died on an actor is retried on another actor first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Hashable, TypeVar

T = TypeVar("T")

READY = "ready"
RESTARTING = "restarting"
DEAD = "dead"


@dataclass
class Batch(Generic[T]):
    tasks: list[T]
    attempts: int = 0
    died_on: tuple[Hashable, ...] = ()  # actors that died running it: retried elsewhere first


@dataclass
class _Actor:
    state: str = READY
    load: int = 0
    deaths: int = 0


@dataclass
class ActorPool:
    actors: list[Hashable]
    max_restarts: int
    max_attempts: int
    per_actor: int = 2
    _state: dict[Hashable, _Actor] = field(init=False)

    def __post_init__(self) -> None:
        self._state = {a: _Actor() for a in self.actors}

    # ------------------------------------------------------------------ who can work
    def state(self, actor: Hashable) -> str:
        return self._state[actor].state

    def load(self, actor: Hashable) -> int:
        return self._state[actor].load

    def free(self) -> list[Hashable]:
        """Ready actors with room for another batch, least loaded first."""
        ready = [a for a in self.actors if self._state[a].state == READY and self._state[a].load < self.per_actor]
        return sorted(ready, key=lambda a: self._state[a].load)

    def pick(self, batch: Batch) -> Hashable | None:
        """The actor for ``batch``: one it did not die on if any is free, the least loaded."""
        free = self.free()
        if not free:
            return None
        return min(free, key=lambda a: (a in batch.died_on, self._state[a].load))

    def alive(self) -> bool:
        """Whether any actor can still run work now or after its restart."""
        return any(s.state != DEAD for s in self._state.values())

    def restarting(self) -> list[Hashable]:
        return [a for a in self.actors if self._state[a].state == RESTARTING]

    # ------------------------------------------------------------------ events
    def sent(self, actor: Hashable) -> None:
        self._state[actor].load += 1

    def returned(self, actor: Hashable) -> None:
        s = self._state[actor]
        s.load = max(0, s.load - 1)

    def died(self, actor: Hashable) -> None:
        """The actor's process died (its in-flight batches come back failed, one by one)."""
        s = self._state[actor]
        if s.state == RESTARTING:
            return  # the same death, reported again by another of its batches
        s.deaths += 1
        s.state = DEAD if s.deaths > self.max_restarts else RESTARTING

    def unavailable(self, actor: Hashable) -> None:
        """Ray could not reach the actor for a moment (it is restarting): no batch until it answers."""
        s = self._state[actor]
        if s.state == READY:
            s.state = RESTARTING

    def answered(self, actor: Hashable) -> None:
        """The restarted actor answered a ping: its model is loaded again."""
        s = self._state[actor]
        if s.state == RESTARTING:
            s.state = READY

    def ping_failed(self, actor: Hashable) -> None:
        """The restarting actor died again before it answered: one more restart used."""
        s = self._state[actor]
        s.deaths += 1
        if s.deaths > self.max_restarts:
            s.state = DEAD

    def gone(self, actor: Hashable) -> None:
        """Ray says the actor will not come back (its restarts are used up)."""
        self._state[actor].state = DEAD

    def charge(self, batch: Batch, actor: Hashable, *, unavailable: bool) -> bool:
        """Account for ``batch`` failing on ``actor``; returns whether to retry it.

        ``unavailable``: the task never started (the actor was restarting), so no attempt is spent.
        """
        if unavailable:
            return True
        batch.attempts += 1
        if actor not in batch.died_on:
            batch.died_on = (*batch.died_on, actor)
        return batch.attempts < self.max_attempts
