"""Feeds: Atom for all notices and per kind; iCalendar for deadlines and 公示 end dates; the 订阅 page.

Every date in a feed comes from the records (发布日期, 整改期限, 公示截止日期), never from the
wall clock, so two builds of the same records give the same bytes. Entry and event ids are made
from record ids, not from URLs, so they survive a change of domain or of the site's layout.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from feedgen.feed import FeedGenerator
from icalendar import Calendar, Event

from generator import dates
from generator.kinds import KIND
from generator.records import NOTICE_KINDS, Record
from generator.site.context import Output, SiteContext, href
from generator.site.context import published as day_published
from generator.site.pages import meta
from generator.site.render import page

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")  # no daylight saving since 1991
# Namespace of the entry and feed ids (urn:uuid, RFC 9562 version 5): fixed forever, so an id
# depends on the record id alone.
ID_NAMESPACE = uuid.UUID("6f0c7d1e-5a3b-5c6e-9d2f-0b8a4e1c7a55")
UID_DOMAIN = "jxjy-registry"

# A feed is polled again and again: it carries the newest notices, the open data carries them all.
FEED_ENTRIES = 100
# The calendar keeps two years of past dates (for the record) and everything to come.
CALENDAR_PAST = timedelta(days=730)


@dataclass(frozen=True)
class Feed:
    """One Atom feed: where it is, the stable name in its id, and what it holds."""

    path: str  # docs-tree path, which is also its rel="self"
    name: str  # feed/<name> makes its id: fixed forever
    title: str
    listing: str  # the page it stands for (rel="alternate")
    kind: str | None  # the notice kind it carries; None: every kind


# The all-notices feed sits at the site root because every page links it with rel="alternate", and
# Material's script fetches sitemap.xml beside each such link (a feed in feeds/ made every page
# request a missing feeds/sitemap.xml).
FEEDS = (Feed("atom.xml", "all", "全部公告", "index.md", None),
         *(Feed(f"feeds/{kind}.xml", kind, KIND[kind].feed_title, f"{kind}/index.md", kind) for kind in NOTICE_KINDS))
CALENDAR = "feeds/deadlines.ics"
PAGE = "feeds/index.md"  # 订阅: every feed and what it holds


def plan(site: SiteContext) -> Iterator[Output]:
    """Every Atom feed of FEEDS, the calendar and the page that lists them."""
    for feed in FEEDS:
        yield Output(feed.path, _atom(site, feed, site.notices(feed.kind)))
    yield Output(CALENDAR, _calendar(site))
    feeds = [{"title": f.title, "href": href(PAGE, f.path), "url": site.absolute(f.path),
              "holds": f"各类公告中最新的 {FEED_ENTRIES} 份" if f.kind is None
              else f"最新的 {FEED_ENTRIES} 份{KIND[f.kind].noun}"} for f in FEEDS]
    yield Output(PAGE, page("feeds.html", meta=meta(
        site, "订阅", "订阅", keywords=("Atom", "RSS", "iCalendar"),
        description="用阅读器订阅本平台的新公告（Atom），用日历订阅整改期限和公示截止日期（iCalendar）。"),
        feeds=feeds, entries=FEED_ENTRIES, calendar={"href": href(PAGE, CALENDAR), "url": site.absolute(CALENDAR)},
        data=href(PAGE, "data/index.md")))


# -- text for feed entries ------------------------------------------------------------------

def first_paragraph(body: str | None) -> str:
    """The first paragraph of a body that says something: the 主送机关 line (……：) is skipped."""
    blocks = [" ".join(b.split()) for b in (body or "").replace("\r\n", "\n").split("\n\n") if b.strip()]
    for block in blocks:
        if not (block.endswith("：") and len(block) <= 200):
            return block
    return blocks[0] if blocks else ""


# -- Atom ------------------------------------------------------------------------------------

def _midnight(day: str | date) -> datetime:
    parsed = dates.parse(day) if isinstance(day, str) else day
    assert parsed is not None  # valid records carry valid dates
    return datetime.combine(parsed, time(), tzinfo=CHINA)


def _urn(name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, name)}"


@dataclass(frozen=True)
class _Entry:
    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    author: str
    kind: str
    summary: str


def _atom(site: SiteContext, feed: Feed, notices: list[Record]) -> bytes:
    entries = [_entry(site, record) for record in notices[:FEED_ENTRIES]]
    fg = FeedGenerator()
    fg.id(_urn(f"feed/{feed.name}"))
    site_name = site.settings["site_name"]
    fg.title(f"{site_name} · {feed.title}")
    fg.subtitle(f"{site_name}发布的{feed.title}，最新的 {FEED_ENTRIES} 条在前；全部公告见开放数据。")
    fg.language("zh-CN")
    fg.author({"name": str(site.settings.get("host_unit") or site_name)})
    fg.link(href=site.absolute(feed.listing), rel="alternate", type="text/html")
    fg.link(href=site.absolute(feed.path), rel="self", type="application/atom+xml")
    fg.generator("jxjy-registry")  # not the library's name and version: bytes must not change with it
    newest = max((e.updated for e in entries), default=_midnight(site.as_of))
    fg.updated(newest)
    for e in entries:
        fe = fg.add_entry(order="append")
        fe.id(e.id)
        fe.title(e.title)
        fe.link(href=e.link, rel="alternate", type="text/html")
        fe.published(e.published)
        fe.updated(e.updated)
        fe.author({"name": e.author})
        fe.category(term=e.kind, label=site.kind_title(e.kind))
        fe.summary(e.summary)
    return fg.atom_str(pretty=True)


def _entry(site: SiteContext, record: Record) -> _Entry:
    data = record.data
    published = _midnight(day_published(data))
    successors = site.records.successors(record.id)
    updated = max([published, *(_midnight(day_published(s.data)) for s in successors)])
    head = " · ".join(x for x in (data.get("doc_number"), site.name(data["issuer"])) if x)
    summary = "\n\n".join(x for x in (head, first_paragraph(data.get("body"))) if x)
    if successors:
        later = successors[0]
        verb = "更正" if later.data.get("corrects") == record.id else "替代"
        summary = f"【本公告已被{verb}：{later.data.get('doc_number', later.id)}】\n\n{summary}"
    return _Entry(id=_urn(f"notice/{record.id}"), title=str(data["title"]), link=site.absolute(site.page_of(record)),
                  published=published, updated=updated, author=site.name(data["issuer"]), kind=record.kind,
                  summary=summary)


# -- iCalendar -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Day:
    """One all-day event: a deadline or the last day of a 公示."""

    uid: str
    stamp: datetime
    day: date
    summary: str
    description: str
    url: str


def _calendar(site: SiteContext) -> bytes:
    cal = Calendar()
    cal.add("prodid", f"-//jxjy-registry//{site.settings['site_name']}//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{site.settings['site_name']} · 整改期限与公示截止")
    cal.add("x-wr-caldesc", "培训基地限期整改的截止日期和各类公示的截止日期（近两年及以后），每次更新网站时重新生成。")
    cal.add("x-published-ttl", "P1D")
    since = site.as_of - CALENDAR_PAST
    for e in sorted([*_deadlines(site), *_publicity_ends(site)], key=lambda e: (e.day, e.uid)):
        if e.day < since:
            continue
        event = Event()
        event.add("uid", e.uid)
        event.add("dtstamp", e.stamp)
        event.add("dtstart", e.day)
        event.add("dtend", e.day + timedelta(days=1))
        event.add("summary", e.summary)
        event.add("description", e.description)
        event.add("url", e.url)
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        cal.add_component(event)
    return cal.to_ical()


def _stamp(site: SiteContext, record: Record) -> datetime:
    """DTSTAMP: the record's 发布日期 (its notice's, for an item of one; midnight in China, written in
    UTC), never the build time."""
    return _midnight(day_published(site.records.envelope(record))).astimezone(UTC)


def _deadlines(site: SiteContext) -> Iterator[_Day]:
    for evaluation in sorted(site.records.current("evaluations"), key=lambda r: r.id):
        data = evaluation.data
        deadline = dates.parse(data.get("deadline"))
        if data.get("result") != "限期整改" or deadline is None:
            continue
        url = site.absolute(site.page_of(evaluation))
        envelope = site.records.envelope(evaluation)
        lines = [envelope["title"], f"发文字号：{envelope.get('doc_number', '—')}", f"整改期限：{deadline.isoformat()}",
                 url]
        yield _Day(uid=f"rectification-deadline-{evaluation.id}@{UID_DOMAIN}", stamp=_stamp(site, evaluation),
                   day=deadline, summary=f"整改期限：{site.base_name(data['base'])}",
                   description="\n".join(lines), url=url)


def _publicity_ends(site: SiteContext) -> Iterator[_Day]:
    for kind in NOTICE_KINDS:
        for record in sorted(site.records.current(kind), key=lambda r: r.id):
            publicity = record.data.get("publicity")
            end = dates.parse(publicity.get("end")) if isinstance(publicity, dict) else None
            if publicity is None or end is None:
                continue
            url = site.absolute(site.page_of(record))
            lines = [record.data["title"], f"发文字号：{record.data.get('doc_number', '—')}",
                     f"公示期：{publicity['start']} 至 {publicity['end']}"]
            if publicity.get("contact"):
                lines.append(f"意见反馈：{publicity['contact']}")
            lines.append(url)
            yield _Day(uid=f"publicity-end-{record.id}@{UID_DOMAIN}", stamp=_stamp(site, record), day=end,
                       summary=f"公示截止：{record.data['title']}", description="\n".join(lines), url=url)
