"""Casebook's pages written by two processes: Pelican writes on one core, the machine has two.

Glue only (the writer is in ``writer.py``, the setting in ``config.py``):

- ``initialized``: CASEBOOK_WRITE_PROCESSES is checked before any content is read;
- ``get_writer``: Pelican's writer becomes a ``HoldingWriter``, which holds every page back,
  unless another plugin offers its own writer (the preview's fast pass offers one that renders
  only the pages an edit changes): Pelican would use only the first writer offered, and warn;
- ``get_generators``: ``HeldPagesGenerator``, whose output is every held page, written by two
  processes. It runs after the generators of the plugins listed before this one in PLUGINS
  (their pages are held) and before those listed after it (their pages are written at once):
  pelicanconf.py lists it before the search plugin, whose output waits for the search index,
  so that the pages are written while Pagefind indexes. Every page is written before
  ``finalized`` (the theme's sitemap reads the written folder).
"""

from __future__ import annotations

import inspect

from pelican import signals
from pelican.generators import Generator

from .config import write_processes
from .writer import HoldingWriter


def check_settings(pelican) -> None:
    write_processes(pelican.settings)


def holding_writer(pelican):
    """HoldingWriter, or None when one process is asked for or another plugin offers a writer."""
    if write_processes(pelican.settings) < 2:
        return None
    for receiver in signals.get_writer.receivers_for(pelican):  # the bench's timing wraps them
        if inspect.unwrap(receiver) is not holding_writer and isinstance(receiver(pelican), type):
            return None
    return HoldingWriter


class HeldPagesGenerator(Generator):
    """Writes the pages the HoldingWriter held back (no context of its own)."""

    def generate_context(self) -> None:
        pass

    def generate_output(self, writer) -> None:
        if isinstance(writer, HoldingWriter):
            writer.write_held()


def get_generators(pelican):
    return HeldPagesGenerator


def register() -> None:
    signals.initialized.connect(check_settings)
    signals.get_writer.connect(holding_writer)
    signals.get_generators.connect(get_generators)
