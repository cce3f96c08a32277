"""Search words of a record page: its Chinese text as overlapping pairs of characters, added to the
page's search copy, which docs/assets/site.js (`searchWords`) cuts the reader's query into alike.

Why Pagefind alone missed 整改, 整改中, 限期整改, 龙城 or 常州市龙城卫生进修学校 although the pages
carry them: its two ends cut Chinese into words with two different dictionaries, and a query
word only matches an indexed word that starts with it, every word of the query on one page.
- At index time the extended binary runs charabia on a zh/ja/th page (pagefind/src/fossick/mod.rs,
  `segment_str`): jieba's dictionary without its HMM, each word longer than two characters cut
  again into dictionary pairs or triples or else single characters (charabia/src/segmenter/
  chinese.rs, `cut_for_search`).
- At search time pagefind.js cuts the query with the browser's Intl.Segmenter, that is the
  browser's own ICU (or ICU4X) dictionary (pagefind_web_js/lib/coupled_search.ts, since 1.5).
With Pagefind 1.5.2 (the site review's build) the index held 整改 and 龙城 whole while Chromium
cut the query into 整 改 and 龙 城: no indexed word starts with 改 or 城 on those pages, so nothing
was found (reproduced: 108 of 1,689 queries cut from the sample's own text missed pages carrying them).
1.6.0's charabia happens to index 整 改 and 龙 城, and Debian's Chromium 156 happens to cut the same
way, so those words are found today; the next Pagefind or another browser moves the boundaries
again, so no list of special words can fix this.
Here both ends cut Chinese the same way, with no dictionary at all: a run of Han characters
becomes each pair of neighbours plus its last character (CJK bigrams, as Lucene's CJKAnalyzer
indexes), so any two characters that stand together on the page are an indexed word, and a
query word of one character is the prefix of one. Whatever the browser then does to the cut
query (it may cut a pair into its two characters, never join across a space), each piece is
still the prefix of an indexed word. The pairs are the text of the page's search copy, with the
pairs of the page's own facts (its title and the elements the templates weight: a base's status,
host and district, a notice's 发文字号) first and weighted: site.js ranks the base or the notice a
query names before pages that only mention it. The copies are marked with a language of no
dictionary (`LANG`), so the indexer splits them at whitespace only and keeps each pair whole.

What one search fetches grows with the pages indexed: Pagefind's metadata file holds about 7 bytes
a page and each filter file a list of pages. So record pages are indexed GROUP at a time: each
indexed page holds up to GROUP record pages that share every filter value (a filter stays true of
each of them), each a section whose anchor is the record page's own path and whose title carries
what a result shows (title, tags, readable text). site.js (docs/assets/search/pagefind.js) turns
each matching section into a result of its own, opening the record page, so a reader never sees
an indexed page.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

GROUP = 50  # record pages per indexed page
LANG = "zxx"  # "no linguistic content": Pagefind cuts no words of it (it segments zh, ja and th only)
KEY_WEIGHT = 10  # the weight of a section's own facts; site.js tells them by it
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
# Letters and digits; anything else (spaces, 〔〕[]、-/ and other punctuation) separates words, as
# Pagefind drops punctuation from both the text and the query. Within a run, Han and other letters
# or digits are separate words: 23号 is 23 and 号.
_RUN = re.compile(rf"[{_HAN}]+|[^\W_{_HAN}]+")
# elements that end a line of text: no pair of characters spans two of them
_BLOCK = {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "footer",
          "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "nav", "ol", "p", "section", "table", "td", "th",
          "tr", "ul"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def words(text: str) -> list[str]:
    """The search words of `text`, each once, in order of first appearance.

    Han characters give each pair of neighbours and the run's last character (a query of one
    character matches it; site.js leaves it out of a longer query); other runs of letters or
    digits are one word each, lower-cased (常人社发〔2025〕23号 -> 常人 人社 社发 发 2025 23 号).
    """
    found: dict[str, None] = {}
    for run in _RUN.findall(text.lower()):
        if re.match(f"[{_HAN}]", run):
            found.update(dict.fromkeys(run[i:i + 2] for i in range(len(run))))
        else:
            found[run] = None
    return list(found)


@dataclass(frozen=True)
class Section:
    """One record page in an indexed page: the filters it must share with the others there, and
    its markup."""

    filters: tuple[tuple[str, str], ...]
    html: str


def section(path: str, body: str) -> Section:
    """The section of the record page at `path` (kind/id, its anchor) with body `body`: the words
    of its own facts (weighted), then those of all the text Pagefind would index (all of `body` but
    elements marked data-pagefind-ignore); its title holds what site.js shows of it."""
    parser = _Text()
    parser.feed(body)
    parser.close()
    key = words("".join(parser.key))
    shown = {"title": _plain(parser.title), "tags": parser.meta, "text": _plain(parser.text), "key": len(key)}
    return Section(tuple(parser.filters), (
        f'<h2 id="{html.escape(path)}" data-pagefind-title="{html.escape(json.dumps(shown, ensure_ascii=False))}"></h2>'
        f'<p data-pagefind-weight="{KEY_WEIGHT}">{html.escape(" ".join(key))}</p>'
        f'<p>{html.escape(" ".join(words("".join(parser.text))))}</p>'))


def groups(sections: Iterator[Section]) -> Iterator[str]:
    """The indexed pages of `sections`: those with the same filters, GROUP at a time, in order."""
    pending: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for found in sections:
        same = pending.setdefault(found.filters, [])
        same.append(found.html)
        if len(same) == GROUP:
            yield _page(found.filters, pending.pop(found.filters))
    for filters, rest in pending.items():
        yield _page(filters, rest)


def _page(filters: tuple[tuple[str, str], ...], sections: list[str]) -> str:
    # filters as element text (a value may hold a comma or a colon), in an element not indexed
    shared = "".join(f'<span data-pagefind-filter="{html.escape(name)}">{html.escape(value)}</span>'
                     for name, value in filters)
    return (f'<!doctype html><html lang="{LANG}"><head><meta charset="utf-8"></head><body data-pagefind-body>'
            f'<div data-pagefind-ignore>{shared}</div>{"".join(sections)}</body></html>')


def _plain(parts: list[str]) -> str:
    return " ".join("".join(parts).split())


class _Text(HTMLParser):
    """The text of a page body outside ignored elements (all of it, its title and its key part),
    and its filters and metadata (data-pagefind-filter, data-pagefind-meta: name:value, or name
    with the element's text as the value)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.key: list[str] = []
        self.title: list[str] = []
        self.filters: list[tuple[str, str]] = []
        self.meta: list[tuple[str, str]] = []
        self.open: list[str] = []  # "ignore", "title", "key" or "" for each open element
        self.values: list[tuple[list[tuple[str, str]], str, list[str], int]] = []  # awaiting their text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.handle_data(" ")
        if tag in _VOID:
            return
        named = dict(attrs)
        for attr, into in (("data-pagefind-filter", self.filters), ("data-pagefind-meta", self.meta)):
            if (value := named.get(attr)) is not None:
                name, colon, given = value.partition(":")
                if colon:
                    into.append((name.strip(), given.strip()))
                else:
                    self.values.append((into, name.strip(), [], len(self.open)))
        if "ignore" in self.open or tag in ("script", "style") or "data-pagefind-ignore" in named:
            self.open.append("ignore")
        else:
            self.open.append("title" if tag == "h1" else "key" if "data-pagefind-weight" in named else "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self.handle_data(" ")
        if tag not in _VOID and self.open:
            self.open.pop()
            while self.values and self.values[-1][3] == len(self.open):
                into, name, text, _ = self.values.pop()
                into.append((name, _plain(text)))

    def handle_data(self, data: str) -> None:
        for _, _, text, _ in self.values:
            text.append(data)
        if "ignore" in self.open:
            return
        self.text.append(data)
        if "title" in self.open:
            self.title.append(data)
        if "title" in self.open or "key" in self.open:
            self.key.append(data)
