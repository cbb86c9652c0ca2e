"""Validate the content tree: every case and entity against the schema and the registry.

``check_content`` collects every problem before returning, so that a curator sees them all
at once; ``invoke check`` prints them and ``invoke build`` refuses to publish when any exist.
"""

from __future__ import annotations

import difflib
import functools
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.etree
from selectolax.lexbor import LexborHTMLParser

from casebook import forked, fresh
from casebook.frontmatter import Document, FrontMatterError, display_path, parse
from casebook.registry import ENTITIES_DIR, Registry, load_registry, name_key
from casebook.schema import ENTITY_KINDS, Problem, field_name, slugify, validate_case

CASES_DIR = "cases"


@dataclass
class LoadedCase:
    path: Path
    document: Document

    @property
    def slug(self) -> str:
        slug = self.document.data.get("slug")
        return slug if isinstance(slug, str) and slug else self.path.stem


def case_files(content_dir: str | Path) -> list[Path]:
    return sorted((Path(content_dir) / CASES_DIR).glob("*.md"))


def load_case(path: Path) -> tuple[LoadedCase | None, list[Problem]]:
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return None, [Problem(shown, 1, "file", f"is not UTF-8 text (byte {error.start})",
                              "re-save the file as UTF-8")]
    except OSError as error:  # a dangling link, a folder named *.md, no permission
        return None, [Problem(shown, 1, "file", f"cannot be read ({error.strerror or error})",
                              "replace it with a Markdown file or remove it")]
    try:
        document = parse(text, shown)
    except FrontMatterError as error:
        return None, [error.problem]
    return LoadedCase(path, document), validate_case(document.data, shown, document.line_of)


def _entity_refs(case: LoadedCase, registry: Registry) -> list[Problem]:
    """Ids that the case uses and the registry does not have."""
    data, doc = case.document.data, case.document
    problems = []

    def need(kind: str, entity_id, keys: tuple) -> None:
        if isinstance(entity_id, str) and entity_id and registry.get(kind, entity_id) is None:
            problems.append(Problem(
                doc.path, doc.line_of(keys), field_name(keys),
                f"unknown {kind[:-1] if kind != 'people' else 'person'} id {entity_id!r}",
                f"create {ENTITIES_DIR}/{kind}/{entity_id}.md or use an existing id",
            ))

    for kind in ("organizations", "people"):
        items = data.get(kind)
        if isinstance(items, list):
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    need(kind, item.get("id"), (kind, index, "id"))
                    if kind == "people":
                        need("organizations", item.get("organization"), (kind, index, "organization"))
    campaign = data.get("campaign")
    if isinstance(campaign, dict):
        need("campaigns", campaign.get("id"), ("campaign", "id"))
    return problems


def _name_variants(case: LoadedCase, registry: Registry, aliases: dict[str, dict]) -> list[Problem]:
    """Names that the registry does not know for the id given, and known names given without id."""
    data, doc = case.document.data, case.document
    problems = []

    def compare(kind: str, item, keys: tuple) -> None:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            return
        name, entity_id = item["name"], item.get("id")
        if isinstance(entity_id, str) and entity_id:
            entity = registry.get(kind, entity_id)
            if entity is not None and name_key(name) not in {name_key(n) for n in entity.names}:
                problems.append(Problem(
                    doc.path, doc.line_of(keys + ("name",)), field_name(keys + ("name",)),
                    f"{name!r} is neither the name nor an alias of {entity_id!r} ({entity.name})",
                    f"add it to aliases in {ENTITIES_DIR}/{kind}/{entity_id}.md, or fix the id"))
        elif entity_id is None:
            # The taxonomy pages merge such a name into the entity (by alias, or by id == slug).
            entity = aliases[kind].get(name_key(name)) or registry.get(kind, slugify(name))
            if entity is not None:
                problems.append(Problem(
                    doc.path, doc.line_of(keys + ("name",)), field_name(keys + ("name",)),
                    f"{name!r} names the registry entity {entity.id!r} ({entity.name}) but has no id",
                    f"set id: {entity.id}"))

    for kind in ("organizations", "people"):
        items = data.get(kind)
        if isinstance(items, list):
            for index, item in enumerate(items):
                compare(kind, item, (kind, index))
    compare("campaigns", data.get("campaign"), ("campaign",))
    return problems


def _entity_cross_refs(registry: Registry) -> list[Problem]:
    problems = []
    for person in registry.all("people"):
        org = person.extra.get("organization")
        if isinstance(org, str) and registry.get("organizations", org) is None:
            problems.append(Problem(person.path, 1, "organization", f"unknown organization id {org!r}",
                                    f"create {ENTITIES_DIR}/organizations/{org}.md or fix the id"))
    return problems


def _load_cases(paths: list[Path], load, registry: Registry, aliases: dict[str, dict],
                changed: set[Path] | None) -> tuple[list[Problem], list[LoadedCase]]:
    """The cases that ``load`` reads in ``paths``, in order, and their problems, with their
    references to the registry checked (only those of ``changed`` when given)."""
    problems: list[Problem] = []
    cases: list[LoadedCase] = []
    for path in paths:
        case, case_problems = load(path)
        problems.extend(case_problems)
        if case is not None:
            cases.append(case)
            if changed is None or path in changed:
                problems.extend(_entity_refs(case, registry))
                problems.extend(_name_variants(case, registry, aliases))
    return problems, cases


def check_content(content_dir: str | Path, load=load_case, changed: set[Path] | None = None) -> list[Problem]:
    """Every problem in the content tree, sorted by file and line.

    For the preview's fast rebuild (casebook/preview.py): ``load`` reads and validates one case
    file, as ``load_case`` does (the preview's version remembers the files it has seen); with ``changed``,
    the checks of each case against the registry and the other cases run only for those files,
    which is right only when every other case passed them and no registry entity, slug or
    translation link changed since."""
    content_dir = Path(content_dir)
    problems: list[Problem] = []
    if not (content_dir / CASES_DIR).is_dir():
        problems.append(Problem(display_path(content_dir / CASES_DIR), 1, "folder", "is missing",
                                "run 'invoke convert' or create the folder"))
    entities_dir = content_dir / ENTITIES_DIR
    if not entities_dir.is_dir():
        problems.append(Problem(display_path(entities_dir), 1, "folder", "the entity registry is missing",
                                f"create {ENTITIES_DIR}/ with one folder per kind: {', '.join(ENTITY_KINDS)}"))
    registry = load_registry(content_dir)
    problems.extend(registry.problems)
    problems.extend(_entity_cross_refs(registry))

    cases: list[LoadedCase] = []
    aliases = {kind: registry.alias_index(kind) for kind in ENTITY_KINDS}
    # Read in chunks shared between processes (casebook/forked.py), the registry shared; not
    # with the preview's loader, which remembers in this process what it read.
    for chunk_problems, chunk_cases in forked.in_shares(
            lambda paths: _load_cases(paths, load, registry, aliases, changed), case_files(content_dir),
            "reading the cases", fork=load is load_case):
        problems.extend(chunk_problems)
        cases.extend(chunk_cases)

    by_slug: dict[str, LoadedCase] = {}
    for case in cases:
        first = by_slug.setdefault(case.slug, case)
        if first is not case:
            doc = case.document
            problems.append(Problem(doc.path, doc.line_of(("slug",)), "slug",
                                    f"{case.slug!r} is also the slug of {first.document.path}",
                                    "give each case its own slug"))
    slugs = set(by_slug)
    for case in cases:
        if changed is None or case.path in changed:
            problems.extend(_body_links(case, slugs, registry))
    for case in cases:
        doc = case.document
        refs = [("translation_of", doc.data.get("translation_of"))]
        refs += [(("translations", i), s) for i, s in enumerate(doc.data.get("translations") or [])
                 if isinstance(doc.data.get("translations"), list)]
        for keys, slug in refs:
            keys = keys if isinstance(keys, tuple) else (keys,)
            if isinstance(slug, str) and slug and slug not in slugs:
                problems.append(Problem(doc.path, doc.line_of(keys), field_name(keys),
                                        f"no case has the slug {slug!r}",
                                        "use the slug of an existing case"))
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.field, p.message))



# Links in a case body: Markdown inline links "[text](url)" and reference definitions "[id]: url".
_MARKDOWN_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)


def _body_links(case: LoadedCase, slugs: set[str], registry: Registry) -> list[Problem]:
    """Links in the body to a case or an entity page (README "URL contract") that does not exist.

    Other internal links are checked in the built site (``check_links``).
    """
    doc = case.document
    problems = []
    for found in _MARKDOWN_LINK.finditer(doc.body):
        url = found.group(1) or found.group(2)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        page = f"/{CASES_DIR}/{case.slug}/"  # the URL contract: relative links start from the case's page
        segments = [s for s in posixpath.normpath(posixpath.join(page, unquote(parts.path))).split("/") if s]
        if len(segments) != 2:
            continue
        section, name = segments
        line = doc.body_line + doc.body.count("\n", 0, found.start())
        if section == CASES_DIR and name not in slugs:
            problems.append(Problem(doc.path, line, "body", f"link {url!r}: no case has the slug {name!r}",
                                    "link to an existing case"))
        elif section in ENTITY_KINDS and registry.get(section, name) is None:
            problems.append(Problem(doc.path, line, "body", f"link {url!r}: no entity {section}/{name}",
                                    f"create {ENTITIES_DIR}/{section}/{name}.md or fix the link"))
    return problems


@dataclass
class _Page:
    """The ids and the outgoing URLs of one built HTML page (its bytes kept only to find the
    line of a broken link)."""

    ids: set[str]
    urls: list[str]
    data: bytes = b""
    _lines: list[int] | None = None

    def line(self, index: int) -> int:
        """The line of ``urls[index]`` (the page's lines are found once, when a link is broken)."""
        if self._lines is None:
            self._lines = self.lines()
        return self._lines[index]

    def lines(self) -> list[int]:
        """The line of each of ``urls``, from lxml (``sourceline``), which knows them. Where lxml
        reads the page otherwise than lexbor (a link inside <template>, which lexbor leaves out),
        the two lists of URLs are aligned (difflib); 1 for a URL lxml does not have."""
        try:
            root = lxml.etree.fromstring(self.data, _HTML_PARSER)
        except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
            root = None
        found = [] if root is None else [(value.getparent().sourceline or 1, str(value))
                                         for value in _URL_ATTRIBUTES(root)]
        theirs = [url for _, url in found]
        if theirs == self.urls:
            return [line for line, _ in found]
        lines = [1] * len(self.urls)
        for mine, their, size in difflib.SequenceMatcher(None, self.urls, theirs, autojunk=False).get_matching_blocks():
            for step in range(size):
                lines[mine + step] = found[their + step][0]
        return lines


def _parse_page(path: str) -> _Page:
    # Lexbor (selectolax): a built site at 10,000 cases has about 30,000 pages, and lexbor reads
    # them in half the time lxml takes (1.2 against 2.3 s for 3,000 pages of such a site, with
    # the look-ups below). It does not tell lines, which only a broken link needs: _Page.lines.
    with open(path, "rb") as handle:
        data = handle.read()
    tree = LexborHTMLParser(data)
    ids, urls = set(), []
    for node in tree.css(_LINKING):
        tag = node.tag
        for name, value in node.attributes.items():
            if value is None:
                continue
            if name in _URL_NAMES or (name == "action" and tag == "form") or (name == "data" and tag == "object"):
                urls.append(value)
            elif name == "id" or (name == "name" and tag == "a"):
                ids.add(value)
    return _Page(ids, urls, data)


# The elements with an id or a URL that a browser follows or loads, and those attributes.
_LINKING = "[id], a[name], [href], [src], form[action], object[data], [poster]"
_URL_NAMES = frozenset({"href", "src", "poster"})
_HTML_PARSER = lxml.etree.HTMLParser()
# The same URL attributes as lxml finds them, in the same (document) order.
_URL_ATTRIBUTES = lxml.etree.XPath("//@href | //@src | //form/@action | //object/@data | //@poster")


_PLAIN_START = re.compile(r"[^/?#:][^/?#:]*(?:[/?#]|$)")


def _climbed(folder: str, depth: int, url: str) -> tuple[str, str]:
    """(folder, url) with the url's leading "../" applied to the folder, when the rest is a plain
    relative path (no scheme, not empty, not only a query or fragment): the key under which
    the link is resolved. Else (folder, url) unchanged."""
    climbs = 1
    while url.startswith("../", 3 * climbs):
        climbs += 1
    rest = url[3 * climbs:]
    if not _PLAIN_START.match(rest):
        return folder, url
    if climbs >= depth:
        return "", rest
    return "/".join(folder.split("/")[:depth - climbs]) + "/", rest


@dataclass
class SiteFiles:
    """Every file and folder of a built site, relative to it: "cases/x/index.html", and folders
    with a final slash ("cases/x/"; "" is the site itself). Plain strings and sets, not Path
    objects: tens of thousands of pages, hundreds of thousands of links to look up."""

    files: set[str]
    folders: set[str]

    @functools.cached_property
    def pages(self) -> list[str]:
        """The HTML files, sorted."""
        return sorted(name for name in self.files if name.endswith(".html"))


def site_files(site: str | Path) -> SiteFiles:
    listing = SiteFiles(set(), {""})
    for folder, subfolders, names in os.walk(site):
        relative = os.path.relpath(folder, site).replace(os.sep, "/")
        relative = "" if relative == "." else relative + "/"
        listing.folders.update(relative + name + "/" for name in subfolders)
        listing.files.update(relative + name for name in names)
    return listing


def check_links(site: str | Path, shown_as: str | None = None, siteurl: str = "",
                listing: SiteFiles | None = None) -> list[Problem]:
    """Every broken internal link in a built site: a link to a page or file that does not exist,
    or to a fragment (``#id``) that its page does not have. Each problem names the page that
    holds the link and its line; ``shown_as`` is how the site folder is named in messages.
    Links to ``siteurl`` (an absolute site address) count as internal. ``listing`` is the
    site's ``site_files`` when the caller has it already.

    A site of FRESH_MIN_PAGES pages or more is checked in fresh processes (casebook/fresh.py:
    lxml parses two to three times slower in a process that has just built a site, or in a
    child forked from it), its sorted pages dealt to them in chunks; the problems come in the
    same order as from one process."""
    shown = shown_as if shown_as is not None else display_path(site)
    site = str(site)
    listing = listing if listing is not None else site_files(site)
    check = functools.partial(_check_pages, site, listing, shown=shown, siteurl=siteurl.rstrip("/"))
    if len(listing.pages) < FRESH_MIN_PAGES:
        return check(listing.pages)
    found = fresh.in_fresh_processes(check, listing.pages, "checking links",
                                     processes=min(LINK_PROCESSES, os.cpu_count() or 1))
    return [problem for problems in found for problem in problems]


# Below this many pages the link check runs in the calling process (a fresh one takes about
# 0.3 s to start, lxml imported and the site's listing received).
FRESH_MIN_PAGES = 2000
LINK_PROCESSES = 2  # the cores of the machine Casebook is tuned on


def _check_pages(site: str, listing: SiteFiles, pages: list[str], shown: str, siteurl: str) -> list[Problem]:
    """The broken links of ``pages``, in their order; a fragment is checked against its page
    wherever that page is in the site (parsed here if it is not one of ``pages``)."""
    files, folders = listing.files, listing.folders
    # Memory stays flat as the site grows: a page's links are dropped once checked, and only its
    # ids are kept (for links to it with a fragment); a page of this chunk parsed early as such
    # a target is kept whole until its own turn comes.
    mine = set(pages)
    page_ids: dict[str, set[str]] = {}
    ahead: dict[str, _Page] = {}
    split = functools.lru_cache(maxsize=65536)(urlsplit)  # the same URLs recur on many pages
    resolved: dict[tuple[str, str], tuple[str | None, str] | None] = {}
    to_root: dict[tuple[int, str], tuple[str, str]] = {}  # (folder depth, link) -> key in resolved

    def ids_of(page: str) -> set[str]:
        if page not in page_ids:
            parsed = _parse_page(os.path.join(site, page))
            if page in mine:
                ahead[page] = parsed
            page_ids[page] = parsed.ids
        return page_ids[page]

    def target_of(folder: str, page: str, url: str) -> tuple[str | None, str] | None:
        """(the file a link leads to, or None when there is none; its fragment), or None for
        a link that leaves the site."""
        if siteurl and (url == siteurl or url.startswith(siteurl + "/")):
            url = "/" + url[len(siteurl):].lstrip("/")
        parts = split(url)  # lxml already decoded entities
        if parts.scheme or parts.netloc:
            return None
        if not parts.path:
            return page, parts.fragment
        path = parts.path if parts.path.startswith("/") else posixpath.join("/" + folder, parts.path)
        relative = posixpath.normpath(unquote(path)).lstrip("/")
        relative = "" if relative == "." else relative
        if parts.path.endswith("/") or relative + "/" in folders or relative == "":
            relative = (relative + "/" if relative else "") + "index.html"
        return (relative if relative in files else None), parts.fragment

    problems = []
    for page in pages:
        folder = posixpath.dirname(page) + "/" if "/" in page else ""
        holder = f"{shown}/{page}"
        depth = folder.count("/")
        parsed_page = ahead.pop(page, None) or _parse_page(os.path.join(site, page))
        page_ids.setdefault(page, parsed_page.ids)
        for index, url in enumerate(parsed_page.urls):
            url = url.strip()
            if url.startswith(("#", "?")):  # without a path: the page that holds it, whatever its folder
                key = (page, url)
                found = resolved.get(key, resolved)
                if found is resolved:
                    found = resolved[key] = target_of(folder, page, url)
            else:
                # "../../organizations/x/" leads to the same file from every page two folders deep:
                # resolved once from the folder it climbs to (the same normpath result).
                key = to_root.get((depth, url))
                if key is None:
                    key = _climbed(folder, depth, url) if url.startswith("../") and not (
                        siteurl and url.startswith(siteurl)) else (folder, url)
                    if not key[0]:  # the same key from every folder this deep
                        to_root[(depth, url)] = key
                found = resolved.get(key, resolved)
                if found is resolved:
                    found = resolved[key] = target_of(key[0], page, key[1])
            if found is None:
                continue
            target, fragment = found
            if target is None:
                problems.append(Problem(holder, parsed_page.line(index), "link",
                                        f"{url!r} points to a page that does not exist",
                                        "fix the link, or the content or template that writes it"))
            elif fragment and target.endswith(".html") and fragment not in ids_of(target):
                problems.append(Problem(holder, parsed_page.line(index), "link",
                                        f"{url!r}: the page has no id {fragment!r}", "fix the fragment after '#'"))
    return problems
