"""The registry of benchmarks and the figures they report."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.context import Context


class BenchError(RuntimeError):
    """A benchmark cannot be run or measured; the message says why and what to do."""


@dataclass(frozen=True)
class Figure:
    """One measured number.

    `key` is unique in the run ("http.healthz.rps"). `floor` names the key of the floor figure
    this one is compared with; the report prints value / floor value. Floor figures leave it
    empty. `better` says which direction is good, so a reader knows how to read the ratio.
    """

    key: str
    label: str
    value: float
    unit: str
    floor: str | None = None
    better: str = "higher"


@dataclass(frozen=True)
class Benchmark:
    name: str
    func: Callable[[Context], list[Figure]]
    description: str
    is_floor: bool


_REGISTRY: dict[str, Benchmark] = {}


def benchmark(name: str, *, floor: bool = False) -> Callable:
    """Register `func(ctx) -> list[Figure]` under `name`; its docstring is the description."""

    def register(func: Callable[[Context], list[Figure]]) -> Callable[[Context], list[Figure]]:
        if name in _REGISTRY:
            raise BenchError(f"benchmark {name!r} is registered twice")
        doc = (func.__doc__ or "").strip().splitlines()
        _REGISTRY[name] = Benchmark(name, func, doc[0] if doc else "", floor)
        return func

    return register


def discover() -> list[Benchmark]:
    """Import every module of bench.suites; floors come first, since the rest is compared
    with them, and then the others in registration order."""
    import bench.suites

    for module in sorted(pkgutil.iter_modules(bench.suites.__path__), key=lambda m: m.name):
        importlib.import_module(f"bench.suites.{module.name}")
    benchmarks = list(_REGISTRY.values())
    return [b for b in benchmarks if b.is_floor] + [b for b in benchmarks if not b.is_floor]
