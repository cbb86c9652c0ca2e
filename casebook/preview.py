"""Fast rebuilds for ``invoke serve``: the edited case first, the whole site right after.

A curator who saves a case wants to see that case. Rebuilding and rewriting thousands of
pages for it takes a while at archive scale, so a preview rebuild has two passes:

1. **The fast pass** (in the serving process, blocking): validate the content as ``invoke
   build`` does, then run Pelican with its content cache warm, rendering and writing only the
   pages the edit can change: the edited case's page, every page that linked to it in the
   last build (lists, related cases, neighbours, entity pages), every page its old and new
   versions link to (its term pages, old and new), and any page not yet in the output. Then
   the browser reloads.
2. **The reconcile pass** (a background process): a full build into a fresh folder, swapped
   in when it is done, so that everything the fast pass could not foresee (a case that now
   counts this one among its related cases, a facet's counts) is exact a little later. A new
   edit cancels a reconcile in progress; the next one starts RECONCILE_DELAY_SECONDS after
   the fast pass (``poll`` starts it).

Anything other than an edit of existing case files (a new or deleted case, a registry
entity, the theme, a plugin, a failed previous build) takes the full path at once, with the
content caches cleared when code or the registry changed (cached HTML depends on them).

The published build (``invoke build``, ``casebook.site.build``) does not use any of this.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import posixpath
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from jinja2 import BytecodeCache
from pelican.writers import Writer

from casebook.check import CASES_DIR, LoadedCase, check_content, load_case
from casebook.schema import ENTITY_KINDS, Problem
from casebook.site import DEVELOP_SETTINGS, BuildError, build, run_pelican

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
CACHES = ROOT / ".cache" / "preview"
LINK = re.compile(r"""(?:href|src)=["']([^"'#?]+)""")
SELECTION_SETTING = "CASEBOOK_PREVIEW_SELECTION"
# Front-matter fields whose change reorders or moves cases (chronology, pagination, URLs,
# language links): such an edit takes the full path.
STRUCTURAL_FIELDS = ("slug", "date", "status", "lang", "translation_of", "translations")
# Pelican's content caches in the preview are read and written on every rebuild: uncompressed,
# that is a fraction of a second less each time at 1,000 cases.
DEFAULT_OVERRIDES = {"CASEBOOK_LIVERELOAD": True, "GZIP_CACHE": False}
# The fast pass keeps the last full build's search index (re-indexing every case takes
# seconds); the reconcile pass rebuilds it.
FAST_OVERRIDES = {"CASEBOOK_SEARCH_INDEX": False, "DELETE_OUTPUT_DIRECTORY": False,
                  "CASEBOOK_SITEMAP": ""}  # the sitemap walks the whole output: the reconcile pass writes it
# The background build starts a moment after a fast pass: the browser reloads the edited page
# meanwhile without a build competing for the CPU, and a save that follows at once (a burst
# of saves) has no build to cancel. A full build takes tens of seconds: this delays it little.
RECONCILE_DELAY_SECONDS = 1.0
# Generators whose whole output the fast pass leaves to the reconcile pass, with the page that
# generator writes: their generate_output is skipped while that page exists and the edit does
# not select it. The search page's filter labels and index depend on every case (building its
# records takes seconds at 1,000 cases), not on the edited case's own page.
FAST_SKIPPED_GENERATORS = {"SearchGenerator": "search/index.html"}
# How many of the reconcile pass's last lines a failure shows on the serve console.
RECONCILE_LOG_LINES = 40
# The reconcile pass runs at this lower priority (os.nice): on a busy machine, the fast pass
# of the next save and the browser get the CPU first.
RECONCILE_NICENESS = 10


def cache_folder(output: Path) -> Path:
    """Where the preview of ``output`` keeps its content caches (``invoke clean`` removes them)."""
    digest = hashlib.sha1(str(output.resolve()).encode("utf-8")).hexdigest()[:10]
    return CACHES / f"{output.name}-{digest}"


# ---------------------------------------------------------------------------
# Links between output pages
# ---------------------------------------------------------------------------


def page_links(html: str, page: str) -> set[str]:
    """The output files that the page at ``page`` (relative path, e.g. ``cases/x/index.html``)
    links to, as relative paths; external links left out."""
    base = "/" + posixpath.dirname(page) + "/"
    targets = set()
    for href in LINK.findall(html):
        if "://" in href or href.startswith(("//", "mailto:", "javascript:", "data:")):
            continue
        target = posixpath.normpath(posixpath.join(base, href)).lstrip("/")
        if href.endswith("/") or target in ("", "."):
            target = posixpath.join(target, "index.html") if target not in ("", ".") else "index.html"
        targets.add(target)
    return targets


def link_index(output: Path) -> dict[str, set[str]]:
    """Every HTML page of ``output`` and the pages it links to."""
    index = {}
    for path in output.rglob("*.html"):
        relative = path.relative_to(output).as_posix()
        index[relative] = page_links(path.read_text(encoding="utf-8", errors="replace"), relative)
    return index


def linking_to(index: dict[str, set[str]], targets: set[str]) -> set[str]:
    return {page for page, links in index.items() if links & targets}


# ---------------------------------------------------------------------------
# A writer that renders only the selected pages
# ---------------------------------------------------------------------------


class Selection:
    """Output paths to render: the seeds, pages the seeds link to once rendered, missing pages."""

    def __init__(self, output: Path, pages: set[str], expand_from: set[str], expand_to=None):
        self.output = output
        self.pages = set(pages)
        self.expand_from = set(expand_from)
        self.expand_to = expand_to  # which linked pages to add (None: all)
        self.rendered: list[str] = []
        self.skipped = 0

    def wants(self, relative: str) -> bool:
        return relative in self.pages or not (self.output / relative).exists()

    def rendered_page(self, relative: str, html: str) -> None:
        self.rendered.append(relative)
        if relative in self.expand_from:
            linked = page_links(html, relative)
            self.pages |= linked if self.expand_to is None else {page for page in linked if self.expand_to(page)}


class _SelectiveTemplate:
    def __init__(self, template, selection: Selection, skipped: set[str]):
        self.template = template
        self.selection = selection
        self.skipped = skipped

    def render(self, context) -> str:
        relative = posixpath.normpath(str(context["output_file"]).replace(os.sep, "/"))
        if not self.selection.wants(relative):
            self.skipped.add(relative)
            self.selection.skipped += 1
            return ""
        html = self.template.render(context)
        self.selection.rendered_page(relative, html)
        return html

    def __getattr__(self, name):
        return getattr(self.template, name)


class SelectiveWriter(Writer):
    """Pelican's writer, rendering and writing only what the settings' Selection wants."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings)
        self.selection: Selection = (settings or {})[SELECTION_SETTING]
        self._skipped: set[str] = set()

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        if paginated is None:
            paginated = {key: value for key, value in kwargs.items() if key in {"articles", "dates"}}
        one_page = not (paginated and template_name in self.settings["PAGINATED_TEMPLATES"])
        if name and one_page and not self.selection.wants(posixpath.normpath(name)):
            self.selection.skipped += 1
            return None  # not rendered at all
        return super().write_file(name, _SelectiveTemplate(template, self.selection, self._skipped), context,
                                  relative_urls, paginated, template_name, override_output, url, **kwargs)

    def _open_w(self, filename, encoding, override=False):
        relative = posixpath.relpath(os.path.normpath(filename), os.path.normpath(self.output_path))
        if relative in self._skipped:
            self._skipped.discard(relative)
            return open(os.devnull, "w", encoding=encoding)  # noqa: SIM115 (Pelican closes it)
        return super()._open_w(filename, encoding, override)


def _selective_writer(pelican):
    return SelectiveWriter if SELECTION_SETTING in pelican.settings else None


def _no_output(writer) -> None:
    return None


def _skip_unselected_generators(generators) -> None:
    """In the fast pass, generators of FAST_SKIPPED_GENERATORS write nothing unless their page
    is selected or missing (their output comes with the reconcile pass)."""
    for generator in generators:
        selection = getattr(generator, "settings", {}).get(SELECTION_SETTING)
        page = FAST_SKIPPED_GENERATORS.get(type(generator).__name__)
        if selection is not None and page is not None and not selection.wants(page):
            generator.generate_output = _no_output


class MemoryBytecodeCache(BytecodeCache):
    """Jinja's compiled templates kept in the serving process from one rebuild to the next
    (Pelican makes a new Jinja environment on each run). Jinja checks each entry against the
    template's source, so an edited template is compiled again."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()


class CaseFiles:
    """``load_case`` for each case file, remembered: validating 1,000 unchanged cases again on
    every save takes seconds. A file is read again when its status (inode, size, modification
    and change times) differs, and when the watcher named it (``changed``): two saves within
    one tick of the file system's clock can leave the same status behind."""

    def __init__(self) -> None:
        self._known: dict[Path, tuple[tuple, tuple[LoadedCase | None, list[Problem]]]] = {}

    @staticmethod
    def _status(path: Path) -> tuple | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        return stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns

    def changed(self, paths) -> None:
        for path in paths:
            self._known.pop(Path(path), None)

    def load(self, path: Path) -> tuple[LoadedCase | None, list[Problem]]:
        status = self._status(path)
        known = self._known.get(path)
        if status is not None and known is not None and known[0] == status:
            return known[1]
        loaded = load_case(path)
        if status is not None and self._status(path) == status:  # unchanged while it was read
            self._known[path] = (status, loaded)
        else:
            self._known.pop(path, None)
        return loaded

    def forget(self, keep: set[Path]) -> None:
        for path in set(self._known) - keep:
            del self._known[path]


# ---------------------------------------------------------------------------
# The preview
# ---------------------------------------------------------------------------


@dataclass
class Result:
    kind: str  # "fast" or "full"
    seconds: float
    pages: int


def _entity_page(page: str) -> bool:
    """A registry entity's own page (README "URL contract": /<kind>/<id>/), its first page."""
    parts = page.split("/")
    return len(parts) == 3 and parts[0] in ENTITY_KINDS and parts[2] == "index.html"


def _case_pages(data: dict | None, path: Path, settings: dict) -> set[str]:
    """Where a case is written, published or draft."""
    if not data:
        return set()
    slug = data.get("slug") or path.stem
    pages = set()
    for key in ("ARTICLE_SAVE_AS", "DRAFT_SAVE_AS"):
        pattern = settings.get(key)
        if pattern:
            try:
                pages.add(posixpath.normpath(pattern.format(slug=slug, lang=data.get("lang", ""))))
            except (KeyError, IndexError):
                continue
    return pages


class Preview:
    """The preview build of ``content`` into ``output``, kept fast across edits."""

    def __init__(self, content: Path, output: Path, settings_file: Path = DEVELOP_SETTINGS,
                 overrides: dict | None = None):
        self.content, self.output = Path(content).resolve(), Path(output).resolve()
        self.settings_file = Path(settings_file)
        self.caches = cache_folder(self.output)
        self.overrides = {**DEFAULT_OVERRIDES, **(overrides or {})}
        self.links: dict[str, set[str]] = {}
        self.snapshot: dict[Path, dict | None] = {}
        self.healthy = False  # the output is the result of a full build of the current content
        self.reconcile: subprocess.Popen | None = None
        self.reconcile_due: float | None = None  # when poll() starts the next reconcile pass
        self._settings: dict | None = None
        self.case_files = CaseFiles()
        self.unchecked: set[Path] = set()  # cases edited since the last check that passed
        self.templates = MemoryBytecodeCache()

    # -- helpers --------------------------------------------------------------

    def _cases(self) -> dict[Path, dict | None]:
        """Every case's front matter (None when unreadable), re-read only for changed files."""
        cases = {}
        for path in sorted((self.content / CASES_DIR).glob("*.md")):
            loaded, _ = self.case_files.load(path)
            cases[path] = loaded.document.data if loaded is not None else None
        self.case_files.forget(set(cases))
        return cases

    def _pelican_settings(self) -> dict:
        if self._settings is None:
            from pelican.settings import read_settings

            self._settings = read_settings(str(self.settings_file), override={"PATH": str(self.content)})
        return self._settings

    def _overrides(self, cache: str) -> dict:
        return {**self.overrides, "CACHE_PATH": str(self.caches / cache)}

    def _in_process_overrides(self) -> dict:
        """Settings for a build in this process: Jinja keeps its compiled templates, the cross-links
        plugin its last relations (keyed by every case's terms)."""
        jinja = {**self._pelican_settings()["JINJA_ENVIRONMENT"], "bytecode_cache": self.templates}
        # the cross-links plugin reuses its last relations when no case's terms changed
        return {**self._overrides("fast"), "JINJA_ENVIRONMENT": jinja, "CASEBOOK_RELATED_REUSE": True}

    # -- the two paths ----------------------------------------------------------

    def full(self, clear_caches: bool = False) -> Result:
        """Validate and build everything into a fresh folder, swapped in (as ``invoke build``)."""
        self.cancel_reconcile()
        if clear_caches:
            shutil.rmtree(self.caches, ignore_errors=True)
            self.templates.clear()
        self.healthy = False
        started = time.perf_counter()
        result = build(self.content, self.output, self.settings_file, self._in_process_overrides())
        self.unchecked.clear()
        self.links = link_index(self.output)
        self.snapshot = self._cases()
        self.healthy = True
        return Result("full", time.perf_counter() - started, result.pages)

    def fast(self, edited: list[Path]) -> Result | None:
        """The fast pass for edits of existing cases; None when the edit needs the full path."""
        started = time.perf_counter()
        self.case_files.changed(edited)
        cases = self._cases()
        if set(cases) != set(self.snapshot):
            return None
        settings = self._pelican_settings()
        seeds: set[str] = set()
        case_pages: set[str] = set()
        body_only = True
        for path in edited:
            before, after = self.snapshot.get(path), cases.get(path)
            if before is None or after is None:
                return None
            if any(before.get(name) != after.get(name) for name in STRUCTURAL_FIELDS):
                return None
            body_only = body_only and before == after
            case_pages |= _case_pages(before, path, settings) | _case_pages(after, path, settings)
        if not case_pages:
            return None
        seeds |= case_pages | linking_to(self.links, case_pages)
        if not body_only:
            for page in case_pages:
                seeds |= self.links.get(page, set())  # what the old version linked to
        # An edit of the text alone leaves the case's terms, lists and counts as they were: of
        # the pages the new version links to, only an entity page can change (a new mention).
        expand_to = _entity_page if body_only else None

        # Every other case passed the last check and nothing they are checked against changed
        # (no registry entity, slug or translation link: those take the full path), so only the
        # cases edited since the last check that passed are checked against the others again.
        self.unchecked |= {self.content / CASES_DIR / path.name for path in edited}
        problems = check_content(self.content, self.case_files.load, changed=self.unchecked)
        if problems:
            raise BuildError(f"{len(problems)} problem(s) in {self.content}; the preview is unchanged", problems)
        self.unchecked.clear()
        self.cancel_reconcile()
        if not self.output.is_dir():  # a cancelled reconcile pass was between two renames
            return None
        selection = Selection(self.output, seeds, case_pages, expand_to)
        self.healthy = False  # until a full build has reconciled the output
        self._connect_signals()
        run_pelican(self.content, self.output, self.settings_file,
                    {**self._in_process_overrides(), **FAST_OVERRIDES, SELECTION_SETTING: selection})
        for page in selection.rendered:
            path = self.output / page
            if path.exists():
                self.links[page] = page_links(path.read_text(encoding="utf-8", errors="replace"), page)
        self.snapshot = cases
        return Result("fast", time.perf_counter() - started, len(selection.rendered))

    @staticmethod
    def _connect_signals() -> None:
        from pelican import signals

        signals.get_writer.connect(_selective_writer)
        signals.all_generators_finalized.connect(_skip_unselected_generators)

    def rebuild(self, changed: list[Path] | None = None) -> Result:
        """Rebuild after ``changed`` files changed (None: unknown, build everything)."""
        changed = [Path(p).resolve() for p in changed or []]
        cases_dir = (self.content / CASES_DIR).resolve()
        if self.healthy or self.reconcile is not None or self.reconcile_due is not None:
            edited = [p for p in changed if p.parent == cases_dir and p.suffix == ".md"]
            if changed and len(edited) == len(changed):
                result = self.fast(edited)
                if result is not None:
                    self.reconcile_due = time.monotonic() + RECONCILE_DELAY_SECONDS
                    return result
        code_changed = any(self.content not in p.parents for p in changed)
        entities_changed = any((self.content / "entities") in p.parents for p in changed)
        return self.full(clear_caches=code_changed or entities_changed)

    # -- the reconcile pass -------------------------------------------------------

    @property
    def reconcile_log(self) -> Path:
        """Where the reconcile pass writes its warnings and errors (a file, not a pipe: a pipe
        that nobody reads while the build runs fills up, and the build then blocks on it)."""
        return self.caches / "reconcile.log"

    def _reconcile_command(self) -> list[str]:
        return [sys.executable, "-m", "casebook.preview", "--content", str(self.content), "--output",
                str(self.output), "--settings", str(self.settings_file), "--overrides",
                json.dumps(self._overrides("reconcile")), "--niceness", str(RECONCILE_NICENESS)]

    def start_reconcile(self) -> None:
        self.cancel_reconcile()
        self.reconcile_log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.reconcile_log, "wb") as log_file:  # the child keeps its own descriptor
            # Its own process group, so that a cancel stops its children (Pagefind) with it.
            self.reconcile = subprocess.Popen(self._reconcile_command(), cwd=ROOT, stdout=subprocess.DEVNULL,
                                              stderr=log_file, start_new_session=True)

    def _reconcile_messages(self, lines: int = RECONCILE_LOG_LINES) -> str:
        """The last ``lines`` lines the reconcile pass wrote."""
        try:
            text = self.reconcile_log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.rstrip("\n").splitlines()[-lines:])

    def cancel_reconcile(self) -> None:
        """Stop a reconcile pass in progress at once (SIGKILL to its process group): a save never
        waits for it to clean up (a SIGTERM had it remove its staging folder and wait for
        Pagefind first: seconds at 1,000 cases, on a CPU shared with the fast pass). What it
        leaves is safe: the output folder is swapped in one system call (``swap_in``), so it is
        the old site or the new one, never half of either (``fast`` takes the full path if it is
        missing); the next build removes the staging folder (``remove_stale_folders``); a
        content cache cut short is dropped by ``run_pelican``."""
        self.reconcile_due = None
        process, self.reconcile = self.reconcile, None
        if process is None:
            return
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            log.info("stopped the background rebuild in progress")
        process.wait()

    def poll(self) -> bool:
        """True when a reconcile pass just finished and swapped a new site in; starts the
        reconcile pass that a fast pass left due."""
        if self.reconcile_due is not None and time.monotonic() >= self.reconcile_due:
            self.start_reconcile()
            return False
        process = self.reconcile
        if process is None or process.poll() is None:
            return False
        self.reconcile = None
        if process.returncode != 0:
            log.warning("the background rebuild failed; the preview shows the fast rebuild (all its messages "
                        "in %s):\n%s", self.reconcile_log, self._reconcile_messages())
            return False
        if self.reconcile_log.exists() and self.reconcile_log.stat().st_size:
            log.info("the background rebuild left warnings in %s", self.reconcile_log)
        self.links = link_index(self.output)
        self.healthy = True
        return True

    def close(self) -> None:
        self.cancel_reconcile()


def _main(argv: list[str] | None = None) -> int:
    """The reconcile pass, in its own process: ``python -m casebook.preview``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m casebook.preview")
    parser.add_argument("--content", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--settings", type=Path, default=DEVELOP_SETTINGS)
    parser.add_argument("--overrides", default="{}")
    parser.add_argument("--niceness", type=int, default=0, help="lower the process's priority by this much")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    os.nice(args.niceness)  # Pagefind, its child, inherits it
    try:
        build(args.content, args.output, args.settings, json.loads(args.overrides))
    except BuildError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(_main())
