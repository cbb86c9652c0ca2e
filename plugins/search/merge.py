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
import io
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
    return write_encoded(folder, names, suffix, cbor2.dumps(value), prefix)


def write_encoded(folder: Path, names: Names, suffix: str, body: bytes, prefix: str = "") -> str:
    """Write the CBOR ``body`` as a Pagefind file into ``folder``; returns its name."""
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


class Postings:
    """One shard's pages of a word (or of a diacritic variant), kept as the shard encoded them.

    Merging moves a page list whole: the pages of a word in a shard keep their positions and
    their distances from one another, and only the first page's number changes (it counts from
    the previous shard's last page of the word, or from 0). So the pages after the first page's
    number are copied as bytes, not decoded and encoded again: at 10,000 cases that encoding
    took 8 of the merge's 22 seconds."""

    __slots__ = ("count", "first", "last", "tail", "size")

    def __init__(self, body: bytes, start: int, end: int, pages: list, offset: int):
        count, position = _head(body, start, ARRAY)
        if count and body[position] != THREE_ITEMS:
            raise ValueError(f"search: a page of a word is not [page, positions, meta positions] (byte {position})")
        self.count = count
        self.size = 0
        if count:
            first, position = _head(body, position + 1, UNSIGNED)
            self.first = first + offset
            self.last = sum(map(itemgetter(0), pages)) + offset
            self.tail = body[position:end]  # the first page after its number, then the other pages
            # What the pages count towards a chunk's CHUNK_SIZE: positions, meta positions, pages.
            self.size = (count + sum(map(len, map(itemgetter(1), pages)))
                         + sum(map(len, map(itemgetter(2), pages))))


# CBOR (RFC 8949) major types read and written here, and the head of a three-item array (a
# page: [number, positions, meta positions]; a word: [word, pages, variants]).
UNSIGNED, ARRAY = 0, 4
THREE_ITEMS = 0x83


def _head(body: bytes, position: int, major: int) -> tuple[int, int]:
    """The argument of the CBOR head at ``position`` (of type ``major``), and where it ends."""
    initial = body[position]
    if initial >> 5 != major:
        raise ValueError(f"search: unexpected CBOR item at byte {position} of an index chunk")
    info = initial & 31
    if info < 24:
        return info, position + 1
    if 24 <= info <= 27:
        length = 1 << (info - 24)
        return int.from_bytes(body[position + 1:position + 1 + length], "big"), position + 1 + length
    raise ValueError(f"search: unexpected CBOR item at byte {position} of an index chunk")


def _encoded_head(major: int, value: int) -> bytes:
    """The shortest CBOR head of type ``major`` for ``value``, as cbor2 and Pagefind write it."""
    if value < 24:
        return bytes([major << 5 | value])
    for info, length in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * length):
            return bytes([major << 5 | info]) + value.to_bytes(length, "big")
    raise ValueError(f"search: {value} does not fit in a CBOR head")


def _shard_words(shard: Path, meta: list, offset: int, fields: list[int]) -> Iterator[tuple]:
    """A shard's words in its order (Pagefind's, by code point), one chunk read at a time, as
    (word, Postings, [(form, Postings)]) with absolute page numbers in the merged bundle and
    meta field numbers in its meta_fields."""
    renumber = fields != list(range(len(fields)))

    def postings(body: bytes, start: int, end: int, pages: list) -> Postings:
        if renumber:  # meta positions: -(field + 1) starts a field's positions
            for page in pages:
                page[2] = [-fields[-value - 1] - 1 if value < 0 else value for value in page[2]]
            body = cbor2.dumps(pages)
            start, end = 0, len(body)
        return Postings(body, start, end, pages, offset)

    for *_, chunk in meta[CHUNKS]:
        path = shard / "index" / f"{chunk}.pf_index"
        data = gzip.decompress(path.read_bytes())
        if not data.startswith(SIGNATURE):
            raise ValueError(f"{path} is not a Pagefind file")
        body = data[len(SIGNATURE):]
        stream = io.BytesIO(body)
        decoder = cbor2.CBORDecoder(stream)
        _, position = _head(body, 0, ARRAY)  # [words]
        count, position = _head(body, position, ARRAY)
        for _ in range(count):  # [word, pages, [[form, pages], ...]]
            _, position = _head(body, position, ARRAY)
            stream.seek(position)
            word = decoder.decode()
            start = stream.tell()
            pages = decoder.decode()
            word_postings = postings(body, start, stream.tell(), pages)
            variants = []
            forms, position = _head(body, stream.tell(), ARRAY)
            for _ in range(forms):
                _, position = _head(body, position, ARRAY)
                stream.seek(position)
                form = decoder.decode()
                start = stream.tell()
                pages = decoder.decode()
                variants.append((form, postings(body, start, stream.tell(), pages)))
                position = stream.tell()
            yield word, word_postings, variants


def _merged_words(words: Iterable[tuple]) -> Iterator[tuple]:
    """One (word, [Postings], [(form, [Postings])]) per word, its shards' pages in order; a
    diacritic variant's pages join those of the same form, the forms in the order they first
    appear."""
    for word, group in groupby(words, key=itemgetter(0)):
        pages, variants = [], {}
        for _, word_pages, word_variants in group:
            pages.append(word_pages)
            for form, variant_pages in word_variants:
                variants.setdefault(form, []).append(variant_pages)
        yield word, pages, list(variants.items())


def _size(word: tuple) -> int:
    """What a word counts towards its chunk's CHUNK_SIZE (Pagefind 1.5.2 leaves its diacritic
    variants out)."""
    return sum(postings.size for postings in word[1])


def _encoded(parts: list[Postings]) -> bytes:
    """The CBOR of a word's pages from its shards' Postings: each page's number counts from
    the previous page's, the first from 0."""
    encoded = [_encoded_head(ARRAY, sum(part.count for part in parts))]
    previous = 0
    for part in parts:
        if part.count:
            encoded += (bytes([THREE_ITEMS]), _encoded_head(UNSIGNED, part.first - previous), part.tail)
            previous = part.last
    return b"".join(encoded)


def _encoded_word(word: str, pages: list[Postings], variants: list[tuple[str, list[Postings]]]) -> bytes:
    """A word as an index chunk holds it: [word, pages, [[form, pages], ...]]."""
    encoded = [bytes([THREE_ITEMS]), cbor2.dumps(word), _encoded(pages), _encoded_head(ARRAY, len(variants))]
    for form, parts in variants:
        encoded += (_encoded_head(ARRAY, 2), cbor2.dumps(form), _encoded(parts))
    return b"".join(encoded)


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
        body = b"".join([_encoded_head(ARRAY, 1), _encoded_head(ARRAY, len(chunk)),
                         *(_encoded_word(*word) for word in chunk)])
        chunks.append([chunk[0][0], chunk[-1][0], write_encoded(folder, names, ".pf_index", body)])
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
