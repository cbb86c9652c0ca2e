"""Where a Pelican build spends its time: per plugin, per signal, per generator stage.

Installed only in the benchmark's build process (``install()``), never in a normal build.
It wraps, at the class level:

- ``blinker.Signal.receivers_for``, so that every receiver a signal calls is timed and the
  time charged to the receiver's plugin (its top-level module) and to ``plugin:signal``;
- the generator classes Pelican runs (its own and those plugins add through
  ``get_generators``), so that ``generate_context`` and ``generate_output`` are timed and
  charged to Pelican or to the plugin that defines the generator;
- ``casebook.pending.run``, so that the work a plugin leaves for the build to finish after
  Pelican's run (the search index) is charged to that plugin.

Time spent in templates that a plugin's partial renders inside Pelican's own writers stays
charged to Pelican's writing stage: it is reported there, not lost.
"""

from __future__ import annotations

import functools
import time
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class Timings:
    by_plugin: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    by_hook: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    by_stage: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def as_dict(self) -> dict:
        def rounded(values: dict) -> dict:
            return {k: round(v, 4) for k, v in sorted(values.items())}

        return {"plugins": rounded(self.by_plugin), "hooks": rounded(self.by_hook), "stages": rounded(self.by_stage)}


TIMINGS = Timings()
_ACTIVE: list[str] = []  # the plugin whose code is running (receivers can nest)


def owner(module: str | None) -> str:
    """The plugin a module belongs to: ``taxonomies.core`` -> ``taxonomies``; Pelican's own -> ``pelican``."""
    module = module or "?"
    parts = module.split(".")
    if parts[0] == "pelican" and len(parts) > 2 and parts[1] == "plugins":
        return parts[2]
    if parts[0] == "plugins" and len(parts) > 1:
        return parts[1]
    return parts[0]


# Pelican's own code, and the build's (``casebook.site`` connects a receiver of its own):
# timed by hook, never listed as a plugin.
NOT_PLUGINS = frozenset({"pelican", "casebook"})


def _charge(plugin: str, hook: str, seconds: float) -> None:
    # A plugin's receiver that runs inside another plugin's timed code is charged to itself only.
    TIMINGS.by_hook[hook] += seconds
    if plugin not in NOT_PLUGINS:
        TIMINGS.by_plugin[plugin] += seconds


def _timed(function, plugin: str, hook: str):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        _ACTIVE.append(plugin)
        try:
            return function(*args, **kwargs)
        finally:
            _ACTIVE.pop()
            elapsed = time.perf_counter() - started
            _charge(plugin, hook, elapsed)
            if _ACTIVE and _ACTIVE[-1] != plugin and _ACTIVE[-1] not in NOT_PLUGINS:
                TIMINGS.by_plugin[_ACTIVE[-1]] -= elapsed  # the outer plugin did not spend it

    return wrapper


# Functions inside a plugin's hooks that the report names on their own: (module, function).
# Their time is recorded under ``<plugin>:<function>`` in ``hooks`` only, since it is already
# part of the hook that calls them (and of the plugin's total).
INNER_FUNCTIONS = (("crosslinks", "relate_articles"),)  # the related-cases scorer


def _time_inner_functions() -> None:
    import sys

    for module_name, name in INNER_FUNCTIONS:
        module = sys.modules.get(module_name)
        function = getattr(module, name, None)
        if function is None or getattr(function, "_casebook_timed", False):
            continue
        hook = f"{owner(module_name)}:{name}"

        @functools.wraps(function)
        def timed(*args, _function=function, _hook=hook, **kwargs):
            started = time.perf_counter()
            try:
                return _function(*args, **kwargs)
            finally:
                TIMINGS.by_hook[_hook] += time.perf_counter() - started

        timed._casebook_timed = True
        setattr(module, name, timed)


def _timed_generator(cls):
    plugin = owner(cls.__module__)
    attributes = {}
    for method in ("generate_context", "generate_output"):
        if hasattr(cls, method):
            attributes[method] = _timed(getattr(cls, method), plugin, f"{plugin}:{cls.__name__}.{method}")
    return type(cls.__name__, (cls,), {"__module__": cls.__module__, **attributes})


def install() -> Timings:
    """Start charging time to plugins; returns the live ``Timings``. Idempotent."""
    import blinker
    from pelican import Pelican

    if getattr(blinker.Signal.receivers_for, "_casebook_timed", False):
        return TIMINGS
    original_receivers_for = blinker.Signal.receivers_for

    def receivers_for(self, sender):
        name = getattr(self, "name", "signal")
        for receiver in original_receivers_for(self, sender):
            plugin = owner(getattr(receiver, "__module__", None))
            yield _timed(receiver, plugin, f"{plugin}:{name}")

    receivers_for._casebook_timed = True
    blinker.Signal.receivers_for = receivers_for

    original_classes = Pelican._get_generator_classes

    def generator_classes(self):
        return [_timed_generator(cls) for cls in original_classes(self)]

    Pelican._get_generator_classes = generator_classes

    original_run = Pelican.run

    def run(self):
        _time_inner_functions()  # the plugins are loaded by now
        started = time.perf_counter()
        try:
            return original_run(self)
        finally:
            TIMINGS.by_stage["pelican_run"] += time.perf_counter() - started

    Pelican.run = run

    # Readers that plugins install or wrap (e.g. a mixin that annotates the HTML as it is read)
    # run inside Pelican's generate_context: charge their ``read`` to their plugin.
    from pelican.readers import Readers

    original_init = Readers.__init__

    def readers_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        for reader_class in set(self.reader_classes.values()):
            for klass in reader_class.__mro__:
                read = klass.__dict__.get("read")
                plugin = owner(klass.__module__)
                if read is not None and plugin != "pelican" and not getattr(read, "_casebook_timed", False):
                    timed = _timed(read, plugin, f"{plugin}:{klass.__name__}.read")
                    timed._casebook_timed = True
                    klass.read = timed

    Readers.__init__ = readers_init

    # Work a plugin leaves running past Pelican's run, finished by the build after its link
    # check (the search index): the wait is charged to the plugin whose work it is.
    from casebook import pending

    original_finish = pending.run

    def run_pending(finish):
        plugin = owner(getattr(getattr(finish, "func", finish), "__module__", None))
        return _timed(original_finish, plugin, f"{plugin}:after Pelican's run")(finish)

    pending.run = run_pending
    return TIMINGS
