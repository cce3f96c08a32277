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
still the prefix of an indexed word. The pairs go into a metadata field, which Pagefind splits at
whitespace only (`parse_meta_words`) and searches like the text; excerpts still come from the
page text. A second field holds the pairs of the page's own facts (its title and the elements the
templates weight: a base's status, host and district, a notice's 发文字号), weighted in site.js, so
that the base or the notice a query names ranks before pages that only mention it.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# The metadata fields of the pairs (site.js weights KEY and drops both from the results it shows).
TEXT, KEY = "检索", "要素"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
# Letters and digits; anything else (spaces, 〔〕[]、-/ and other punctuation) separates words, as
# Pagefind drops punctuation from both the text and the query. Within a run, Han and other letters
# or digits are separate words: 23号 is 23 and 号.
_RUN = re.compile(rf"[{_HAN}]+|[^\W_{_HAN}]+")
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


def search_fields(body: str) -> str:
    """The hidden elements to put in a page's search copy: the words of the text Pagefind indexes
    (all of `body` but elements marked data-pagefind-ignore) as TEXT, those of its title and
    weighted elements as KEY."""
    parser = _Text()
    parser.feed(body)
    parser.close()
    return "".join(f'<span hidden data-pagefind-meta="{field}:{html.escape(" ".join(words(" ".join(parts))))}"></span>'
                   for field, parts in ((TEXT, parser.text), (KEY, parser.key)))


class _Text(HTMLParser):
    """The text of a page body, all of it and its key part, outside ignored elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.key: list[str] = []
        self.open: list[str] = []  # "ignore", "key" or "" for each open element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        names = {name for name, _ in attrs}
        if "ignore" in self.open or tag in ("script", "style") or "data-pagefind-ignore" in names:
            self.open.append("ignore")
        else:
            self.open.append("key" if tag == "h1" or "data-pagefind-weight" in names else "")

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if "ignore" in self.open:
            return
        self.text.append(data)
        if "key" in self.open:
            self.key.append(data)
