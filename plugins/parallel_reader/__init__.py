"""Cases read on two cores: a forked child process reads a share of them while Pelican reads
the others, and Pelican is handed the child's results as if its reader had read them.

Glue only: split.py holds the logic, settings.py the setting (CASEBOOK_READ_PROCESSES).
"""

from pelican import signals

from .settings import read_processes
from .split import finish, start


def check_settings(pelican) -> None:
    """Fails fast, before any content is read, on a bad CASEBOOK_READ_PROCESSES."""
    read_processes(pelican.settings)


def register() -> None:
    signals.initialized.connect(check_settings)
    signals.article_generator_init.connect(start)
    signals.article_generator_pretaxonomy.connect(finish)
