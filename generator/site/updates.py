"""The 最近更新 page (/updates/): every change to the public record by date, newest first.

A change is a notice published on this platform (its 发布日期; a correction or supersession says what
it replaces), or a base's change of status (公示, 认定, 整改, 复查, 逾期, 取消, 到期) on the day it took
effect, from the same lifecycle the base pages show. One pass over notices and bases; the newest
UPDATES_ROWS are kept with a heap, so the page stays the same size however many records there are.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator

from generator.kinds import KIND
from generator.records import Record
from generator.site.context import Output, SiteContext, href, published
from generator.site.pages import meta
from generator.site.render import page

UPDATES = "updates.md"
UPDATES_ROWS = 300  # the page lists the newest changes; older ones are on the record pages and in the feeds


def plan(site: SiteContext) -> Iterator[Output]:
    entries = heapq.nlargest(UPDATES_ROWS, _entries(site), key=lambda e: (e["on"], e["order"]))
    days: dict[str, list[dict[str, str]]] = {}
    for entry in entries:
        days.setdefault(entry["on"], []).append(entry)
    yield Output(UPDATES, page(
        "updates.html", meta=meta(site, "最近更新", "最近更新", keywords=("更新", "公告", "培训基地状态"),
                                  description="本平台公开内容的每一项变化：新发布的公告、更正和替代，以及培训基地状态的变化，按日期从新到旧。"),
        days=list(days.items()), limit=UPDATES_ROWS, as_of=site.as_of, feed=href(UPDATES, "atom.xml"),
        feeds=href(UPDATES, "data/index.md"),
    ))


def _entries(site: SiteContext) -> Iterator[dict[str, str]]:
    today = site.as_of.isoformat()
    for notice in site.notices():
        on = published(notice.data)
        if on > today:
            continue
        yield {"on": on, "order": f"1{notice.id}", "what": _published_as(site, notice),
               "title": notice.data["title"], "doc": notice.data.get("doc_number", ""),
               "href": href(UPDATES, site.page_of(notice)), "status": ""}
    for base in site.bases():
        life = site.life(base.id)
        name = life.base.data["name"]
        for i, step in enumerate(life.steps):  # in date order; the index keeps steps of one day in it
            if step.on > site.as_of:
                continue
            yield {"on": step.on.isoformat(), "order": f"0{base.id}{i:04d}", "what": "基地状态",
                   "title": f"{name}：{step.note}", "doc": site.records.envelope(step.record).get("doc_number", ""),
                   "href": href(UPDATES, site.page_of(base)), "status": step.status}


def _published_as(site: SiteContext, notice: Record) -> str:
    """发布取消资格公告, or 更正 / 替代 with what it replaces."""
    predecessor = site.records.predecessor(notice)
    if predecessor is None:
        return f"发布{KIND[notice.kind].noun}"
    verb = "更正" if notice.data.get("corrects") else "替代"
    return f"{verb}《{predecessor.data['title']}》"
