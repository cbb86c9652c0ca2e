"""One Pagefind bundle from the bundles of several shards of the records.

Pagefind 1.5 holds every page's words three to four times over while it builds an index (the
parsed pages, a copy of them, a word map per page, then the merged map): about 230 KB per case,
2.2 GB at 10,000 cases (2.5 GB through its Python service), where Pagefind 1.4 held 100 KB.
The search plugin therefore indexes its records in shards, one Pagefind run each, so that
Pagefind's peak is that of one shard, and ``merge_bundles`` writes the bundle one run over every
record would have written: the same words at the same positions, the same filters, sort order,
fragments and index chunks, with the pages numbered shard after shard.

Pagefind's files are its own format rather than a public interface (read here from Pagefind
1.5.2's source and output): gzip of ``pagefind_dcd`` followed by CBOR (JSON for fragments),
each named after the SHA-1 of that CBOR or JSON. A bundle of another minor version is refused.
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import json
import shutil
from collections.abc import Iterable, Iterator
from itertools import accumulate, groupby, pairwise
from operator import itemgetter
from pathlib import Path

import cbor2

FORMAT_VERSION = "1.5."
SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
# Fields of a pf_meta file, in order.
VERSION, PAGES, CHUNKS, FILTERS, SORTS, META_FIELDS = range(6)
# Pagefind's index chunk size (PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE unset): a chunk ends at the
# word that brings its positions, meta positions and pages to this many.
CHUNK_SIZE = 20000
# gzip level of the files written here: 7 gives the sizes of Pagefind's own files (0.3% more
# at 10,000 cases; 9 saves 0.9% in four times the time).
COMPRESSION = 7


def read_file(path: Path):
    """The CBOR of a Pagefind index, filter or meta file (JSON for a fragment)."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path} is not a Pagefind file")
    body = data[len(SIGNATURE):]
    return json.loads(body) if path.suffix == ".pf_fragment" else cbor2.loads(body)


class Names:
    """File names as Pagefind gives them: the language, then the SHA-1 of the file's body cut
    to ``length`` characters, lengthened one character at a time while the name is taken."""

    def __init__(self, language: str, length: int):
        self.language, self.length, self.used = language, length, set()

    def name(self, body: bytes) -> str:
        full = f"{self.language}_{hashlib.sha1(body).hexdigest()}"
        size = len(self.language) + 1 + self.length
        while full[:size] in self.used and size < len(full):
            size += 1
        self.used.add(full[:size])
        return full[:size]


def write_file(folder: Path, names: Names, suffix: str, value, prefix: str = "") -> str:
    """Write ``value`` as a Pagefind file into ``folder``; returns its name (no prefix or suffix)."""
    body = cbor2.dumps(value)
    name = names.name(body)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{prefix}{name}{suffix}").write_bytes(gzip.compress(SIGNATURE + body, COMPRESSION, mtime=0))
    return name


def merge_bundles(shards: list[Path], bundle: Path) -> None:
    """Write into ``bundle`` the merge of the Pagefind bundles ``shards``, whose fragments it
    moves there. The shards hold disjoint pages, each shard's pages sorting before (or with)
    the next shard's by every sort: a bundle keeps the order of its pages, not their values,
    so the merged order of a sort is its shards' orders one after the other."""
    entries = [json.loads((shard / ENTRY).read_text(encoding="utf-8")) for shard in shards]
    languages = {language for entry in entries for language in entry["languages"]}
    if len(languages) != 1:
        raise ValueError(f"search: shards to merge must share one language, not {sorted(languages)}")
    language = languages.pop()
    metas = [read_file(shard / f"pagefind.{entry['languages'][language]['hash']}.pf_meta")
             for shard, entry in zip(shards, entries, strict=True)]
    for shard, meta in zip(shards, metas, strict=True):
        if not str(meta[VERSION]).startswith(FORMAT_VERSION):
            raise ValueError(f"search: {shard} was written by Pagefind {meta[VERSION]}; "
                             f"merging knows the format of Pagefind {FORMAT_VERSION}x only")
    offsets = [0, *accumulate(len(meta[PAGES]) for meta in metas)][:-1]
    meta_fields = sorted({field for meta in metas for field in meta[META_FIELDS]})
    _copy_runtime(shards[0], bundle)
    pages = _move_fragments(shards, metas, bundle / "fragment", language)
    words = heapq.merge(*(_shard_words(shard, meta, offset, [meta_fields.index(f) for f in meta[META_FIELDS]])
                          for shard, meta, offset in zip(shards, metas, offsets, strict=True)),
                        key=itemgetter(0))
    merged = [
        metas[0][VERSION],
        pages,
        _write_chunks(_merged_words(words), bundle / "index", language),
        _write_filters(shards, metas, offsets, bundle / "filter", language),
        _merge_sorts(metas, offsets),
        meta_fields,
    ]
    meta_name = write_file(bundle, Names(language, len(language) + 8), ".pf_meta", merged, prefix="pagefind.")
    entry = entries[0]
    entry["languages"][language].update(hash=meta_name, page_count=len(pages))
    (bundle / ENTRY).write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _copy_runtime(shard: Path, bundle: Path) -> None:
    """Pagefind's scripts and WebAssembly, the same in every shard."""
    bundle.mkdir(parents=True)
    for path in shard.iterdir():
        if path.is_file() and path.name != ENTRY and path.suffix != ".pf_meta":
            shutil.copyfile(path, bundle / path.name)


def _move_fragments(shards: list[Path], metas: list, folder: Path, language: str) -> list:
    """Move every page's fragment into ``folder``, renamed if another shard's page took its
    name; returns the merged pages ([fragment, word count])."""
    folder.mkdir()
    names = Names(language, 7)
    pages = []
    for shard, meta in zip(shards, metas, strict=True):
        for fragment, word_count in meta[PAGES]:
            source = shard / "fragment" / f"{fragment}.pf_fragment"
            if fragment in names.used:
                fragment = names.name(gzip.decompress(source.read_bytes())[len(SIGNATURE):])
            names.used.add(fragment)
            source.replace(folder / f"{fragment}.pf_fragment")
            pages.append([fragment, word_count])
    return pages


def _shard_words(shard: Path, meta: list, offset: int, fields: list[int]) -> Iterator[tuple]:
    """A shard's words in its order (Pagefind's, by code point), one chunk read at a time, as
    (word, pages, variants) with absolute page numbers in the merged bundle and meta field
    numbers in its meta_fields."""
    for *_, chunk in meta[CHUNKS]:
        for word, pages, variants in read_file(shard / "index" / f"{chunk}.pf_index")[0]:
            yield (word, _shifted(pages, offset, fields),
                   [(form, _shifted(variant, offset, fields)) for form, variant in variants])


def _shifted(pages: list, offset: int, fields: list[int]) -> list:
    """Pages of a word ([page delta, positions, meta positions], changed in place) with
    absolute page numbers in the merged bundle and its meta field numbers."""
    number = 0
    renumber = fields != list(range(len(fields)))
    for page in pages:
        number += page[0]
        page[0] = number + offset
        if renumber:  # meta positions: -(field + 1) starts a field's positions
            page[2] = [-fields[-value - 1] - 1 if value < 0 else value for value in page[2]]
    return pages


def _merged_words(words: Iterable[tuple]) -> Iterator[tuple]:
    """One (word, pages, variants) per word, its shards' pages in order; a diacritic variant's
    pages join those of the same form, the forms in the order they first appear."""
    for word, group in groupby(words, key=itemgetter(0)):
        pages, variants = [], {}
        for _, word_pages, word_variants in group:
            pages.extend(word_pages)
            for form, variant_pages in word_variants:
                variants.setdefault(form, []).extend(variant_pages)
        yield word, pages, list(variants.items())


def _size(word: tuple) -> int:
    """What a word counts towards its chunk's CHUNK_SIZE (Pagefind 1.5.2 leaves its diacritic
    variants out)."""
    return sum(len(locations) + len(meta_locations) + 1 for _, locations, meta_locations in word[1])


def _encoded(pages: list) -> list:
    """Pages as a chunk stores them (changed in place): each page number as its distance from
    the previous one."""
    previous = 0
    for page in pages:
        page[0], previous = page[0] - previous, page[0]
    return pages


def _chunked(words: Iterable[tuple]) -> Iterator[list[tuple]]:
    """Words cut into chunks as Pagefind cuts them: a chunk ends with the word that brings its
    positions, meta positions and pages to CHUNK_SIZE."""
    chunk, size = [], 0
    for word in words:
        chunk.append(word)
        size += _size(word)
        if size >= CHUNK_SIZE:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _write_chunks(words: Iterable[tuple], folder: Path, language: str) -> list:
    """Write the words into index chunks; returns [from, to, name] per chunk."""
    names = Names(language, 7)
    chunks = []
    for chunk in _chunked(words):
        body = [[word, _encoded(pages), [[form, _encoded(variant)] for form, variant in variants]]
                for word, pages, variants in chunk]
        chunks.append([chunk[0][0], chunk[-1][0], write_file(folder, names, ".pf_index", [body])])
    for left, right in pairwise(chunks):
        # A chunk's range ends and the next begins at their words' shortest distinct prefixes.
        common = len(_common_prefix(left[1], right[0]))
        if left[1][:common + 1] >= left[0]:
            left[1] = left[1][:common + 1]
        right[0] = right[0][:common + 1]
    return chunks


def _common_prefix(first: str, second: str) -> str:
    length = 0
    while length < min(len(first), len(second)) and first[length] == second[length]:
        length += 1
    return first[:length]


def _write_filters(shards: list[Path], metas: list, offsets: list[int], folder: Path, language: str) -> list:
    """Each filter's values with the pages of every shard; returns [filter, name] per filter."""
    filters: dict[str, dict[str, list[int]]] = {}
    for shard, meta, offset in zip(shards, metas, offsets, strict=True):
        for _, name in meta[FILTERS]:
            filter_name, values = read_file(shard / "filter" / f"{name}.pf_filter")
            for value, pages in values:
                filters.setdefault(filter_name, {}).setdefault(value, []).extend(page + offset for page in pages)
    names = Names(language, 7)
    return [[name, write_file(folder, names, ".pf_filter", [name, sorted(map(list, values.items()))])]
            for name, values in sorted(filters.items())]


def _merge_sorts(metas: list, offsets: list[int]) -> list:
    """Each sort's pages: its shards' orders one after the other (see merge_bundles)."""
    sorts: dict[str, list[int]] = {}
    for meta, offset in zip(metas, offsets, strict=True):
        for sort, pages in meta[SORTS]:
            sorts.setdefault(sort, []).extend(page + offset for page in pages)
    return [list(item) for item in sorted(sorts.items())]
