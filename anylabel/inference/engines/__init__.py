"""Where a batch job's model runs: ``local`` (this machine, overlapping pipeline) or ``ray``
(a Ray cluster; optional extra). Both hand results to ``BatchJob.finish``, which writes."""
from __future__ import annotations

from typing import Any

from ...core.i18n import tr

ENGINES = ("local", "ray")


def make_engine(name: str, **options: Any):  # type: ignore[no-untyped-def]
    """The engine called ``name``; ``options`` go to its constructor (e.g. ``address``, ``workers``)."""
    if name == "local":
        from .local import LocalEngine

        return LocalEngine(**options)
    if name == "ray":
        from .ray_engine import RayEngine

        return RayEngine(**options)
    raise ValueError(tr("unknown engine {0!r} (choose from {1})").format(name, ", ".join(ENGINES)))
