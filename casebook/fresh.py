"""Pure work in fresh Python processes: ``python -m casebook.fresh``.

A process that has built a site holds a large heap, and a C library that allocates for every
node it makes runs two to three times slower in it, and in any child forked from it, than in a
new interpreter: lxml parsed the same page in 1.0 ms at the start of a 2,000-case build and in
2.2 ms after Pelican's run (Python's own dict and regex calls ran at the same speed). At
10,000 cases the link check's 29,131 pages took 47 to 67 s in the build's process and a forked
child, and 21 s in two fresh processes, their start and the site's listing included.

``in_fresh_processes(work, items, name)`` cuts ``items`` into chunks, deals them in turn to
new interpreters, and puts the results back in order, as if ``work`` had done the chunks one
after the other. Each process gets ``(work, its chunks)`` pickled on its standard input and
answers its results (or its exception, with its traceback) pickled on its standard output; its
standard error is the build's. Unlike a fork, it is safe while other threads run (the preview
server). A process ignores SIGINT (a Ctrl-C in the terminal reaches the whole process group):
the parent kills and reaps it when it stops first, and the kernel kills it when the parent dies.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from casebook.forked import CHUNKS_PER_PROCESS, SIGNALS, _cut, _die_with, _picklable, signals_blocked

# The folder that holds the casebook package.
PROJECT = Path(__file__).resolve().parent.parent


class FreshError(RuntimeError):
    """A fresh process ended without handing back its result."""


def in_fresh_processes(work: Callable[[Sequence], Any], items: Sequence, name: str, processes: int = 2) -> list:
    """``work`` over ``items`` cut in consecutive chunks, the chunks dealt in turn to
    ``processes`` new interpreters (fewer with fewer items): the results per chunk, in the order
    of the items. ``work`` and the items must pickle (a module's function, or a
    ``functools.partial`` of one); ``name`` says what it does, in messages."""
    count = max(1, min(processes, len(items)))
    chunks = _cut(items, count * CHUNKS_PER_PROCESS)
    hands = [chunks[first::count] for first in range(count)]
    started: list[subprocess.Popen] = []
    # The new interpreter imports what this one can: this one's module path, the project first.
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PROJECT)] + [path for path in sys.path if path])}
    try:
        with signals_blocked():  # every process started is listed, for the finally below to reap
            for _ in hands:
                started.append(subprocess.Popen([sys.executable, "-m", "casebook.fresh", str(os.getpid())],
                                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=environment))
        for process, hand in zip(started, hands, strict=True):
            try:
                process.stdin.write(pickle.dumps((work, hand), protocol=pickle.HIGHEST_PROTOCOL))
                process.stdin.close()
            except BrokenPipeError:
                pass  # it ended already: its result says how
        played = [_result(process, name) for process in started]
    finally:
        with signals_blocked():
            for process in started:
                if process.poll() is None:
                    process.kill()
                process.wait()
                for pipe in (process.stdin, process.stdout):
                    try:
                        pipe.close()
                    except (OSError, ValueError):  # a broken pipe's buffered bytes
                        pass
    return [played[index % count][index // count] for index in range(len(chunks))]


def _result(process: subprocess.Popen, name: str) -> list:
    data = process.stdout.read()
    code = process.wait()
    try:
        message = pickle.loads(data)
    except Exception:  # noqa: BLE001 (nothing, or a truncated answer: how it ended says why)
        how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
        raise FreshError(f"the process {name} {how} before it finished") from None
    if message[0] == "error":
        error = message[1]
        error.add_note(f"(raised in a fresh process {name}:)\n{message[2]}")
        raise error
    return message[1]


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)  # started while the parent blocked them
    _die_with(int(sys.argv[1]))
    try:
        work, hand = pickle.load(sys.stdin.buffer)
        message = ("ok", [work(chunk) for chunk in hand])
    except BaseException as error:  # noqa: BLE001 (handed to the parent, which raises it)
        message = ("error", _picklable(error), traceback.format_exc())
    sys.stdout.buffer.write(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
