"""The preview's background full build (the reconcile pass): its messages never stall it."""

from __future__ import annotations

import logging
import sys
import time

from casebook.preview import Preview

# Far more than a pipe holds (64 KB on Linux): a build that wrote this much to a pipe nobody
# reads would block on it forever.
LINES = 20_000


class ChattyPreview(Preview):
    """A preview whose background build is a stand-in writing ``LINES`` warnings to stderr."""

    exit_code = 0

    def _reconcile_command(self) -> list[str]:
        script = (f"import sys\nfor n in range({LINES}): print(f'WARNING: warning {{n}} of the build', "
                  f"file=sys.stderr)\nsys.exit({self.exit_code})")
        return [sys.executable, "-c", script]


def chatty_preview(tmp_path, exit_code: int) -> Preview:
    (tmp_path / "content" / "cases").mkdir(parents=True)
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "index.html").write_text('<a href="cases/a/">a</a>', encoding="utf-8")
    preview = ChattyPreview(tmp_path / "content", tmp_path / "output")
    preview.caches = tmp_path / "caches"
    preview.exit_code = exit_code
    return preview


def finish(preview: Preview, deadline_seconds: float = 120) -> bool:
    """poll() as ``invoke serve`` does until the background build is over; its last answer."""
    deadline = time.monotonic() + deadline_seconds
    while preview.reconcile is not None:
        assert time.monotonic() < deadline, "the background build never finished (blocked on its stderr?)"
        swapped = preview.poll()
        time.sleep(0.05)
    return swapped


def test_a_background_build_writing_many_warnings_completes(tmp_path):
    preview = chatty_preview(tmp_path, exit_code=0)
    preview.start_reconcile()
    assert finish(preview) is True
    assert preview.healthy and preview.links == {"index.html": {"cases/a/index.html"}}
    lines = preview.reconcile_log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == LINES and lines[-1] == f"WARNING: warning {LINES - 1} of the build"


def test_a_failed_background_build_shows_its_last_messages(tmp_path, caplog):
    preview = chatty_preview(tmp_path, exit_code=1)
    with caplog.at_level(logging.WARNING, logger="casebook.preview"):
        preview.start_reconcile()
        assert finish(preview) is False
    assert not preview.healthy
    message = caplog.text
    assert "the background rebuild failed" in message and str(preview.reconcile_log) in message
    assert f"warning {LINES - 1} of the build" in message
    assert "warning 0 of the build" not in message  # the tail, not 20,000 lines on the console
