"""Feeds as readers get them: Atom that feedparser accepts, an .ics that calendars import."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import feedparser
import pytest
from icalendar import Calendar

from generator.records import NOTICE_KINDS
from generator.schemas import SchemaSet
from generator.site import feeds
from generator.site.build import settings
from generator.site.context import SiteContext
from generator.validate import check_repository

from helpers import AS_OF, REPO

CHINA = timezone(timedelta(hours=8))


@pytest.fixture(scope="module")
def site() -> SiteContext:
    result = check_repository(REPO, as_of=AS_OF)
    assert not result.report.errors
    return SiteContext(result.records, AS_OF, SchemaSet(), settings(REPO), {})


@pytest.fixture(scope="module")
def out(site: SiteContext) -> dict[str, str | bytes]:
    return {o.path: o.content for o in feeds.plan(site)}


def parse(data: str | bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def calendar(out: dict[str, str | bytes]) -> Calendar:
    return Calendar.from_ical(out["feeds/deadlines.ics"])


# -- Atom ------------------------------------------------------------------------------------

def test_all_feed_has_every_valid_notice_newest_first(out, site) -> None:
    feed = parse(out["atom.xml"])
    notices = site.notices()
    assert len(feed.entries) == len(notices)
    assert [e.title for e in feed.entries] == [n.data["title"] for n in notices]
    assert feed.feed.title == "常州市专业技术人员继续教育公示平台 · 全部公告"
    assert feed.feed.language == "zh-CN"
    assert len({e.id for e in feed.entries}) == len(notices)


def test_entries_link_to_the_notice_pages_and_say_what_they_are(out) -> None:
    feed = parse(out["feeds/revocations.xml"])
    entry = next(e for e in feed.entries if "数字技术" in e.title)
    assert entry.title == "常州市人力资源和社会保障局关于取消常州市数字技术专业技术人员继续教育基地资格的决定"
    assert entry.link == "https://jxjy.example.gov.cn/revocations/rev-2025-001/"
    assert entry.id.startswith("urn:uuid:")
    assert entry.published == "2025-03-21T00:00:00+08:00"
    assert entry.summary.startswith("常人社发〔2025〕23号 · 常州市人力资源和社会保障局")
    assert "2024年6月，市人力资源和社会保障局会同" in entry.summary  # the first paragraph, not the addressees
    assert "<" not in entry.summary


@pytest.mark.parametrize("kind", NOTICE_KINDS)
def test_each_notice_kind_has_its_feed(out, site, kind: str) -> None:
    feed = parse(out[f"feeds/{kind}.xml"])
    assert len(feed.entries) == len(site.notices(kind))
    assert feed.feed.title.startswith("常州市专业技术人员继续教育公示平台 · ")
    self_link = next(link.href for link in feed.feed.links if link.rel == "self")
    assert self_link == f"https://jxjy.example.gov.cn/feeds/{kind}.xml"


def test_ids_depend_on_the_record_id_only(site) -> None:
    moved = SiteContext(site.records, site.as_of, site.schemas, {**site.settings, "site_url": "https://new.example/x/"})
    before = parse(next(o.content for o in feeds.plan(site) if o.path == "atom.xml"))
    after = parse(next(o.content for o in feeds.plan(moved) if o.path == "atom.xml"))
    assert [e.id for e in before.entries] == [e.id for e in after.entries]
    assert before.feed.id == after.feed.id
    assert after.entries[0].link.startswith("https://new.example/x/")


def test_the_site_name_is_mkdocs_ymls(site) -> None:
    """Renaming the site in mkdocs.yml renames the feeds, the calendar and the workbooks too."""
    from openpyxl import load_workbook

    from generator.site import exports

    renamed = SiteContext(site.records, site.as_of, site.schemas, {**site.settings, "site_name": "某某市继续教育公示"})
    outputs = {o.path: o.content for o in [*feeds.plan(renamed), *exports.plan(renamed)]}
    assert parse(outputs["feeds/bases.xml"]).feed.title == "某某市继续教育公示 · 培训基地认定"
    calendar = Calendar.from_ical(outputs["feeds/deadlines.ics"])
    assert str(calendar["x-wr-calname"]) == "某某市继续教育公示 · 整改期限与公示截止"
    book = load_workbook(io.BytesIO(outputs["data/bases.xlsx"]))
    assert book.properties.title == "某某市继续教育公示 · 培训基地"
    assert "常州市专业技术人员继续教育公示平台" not in str(outputs["atom.xml"])


def test_corrected_notice_says_so(out) -> None:
    feed = parse(out["feeds/evaluations.xml"])
    original = next(e for e in feed.entries if e.link.endswith("/eval-2026-001/"))
    assert original.summary.startswith("【本公告已被更正：常人社函〔2026〕61号】")
    assert original.updated == "2026-06-02T00:00:00+08:00"  # the correction's 发布日期


def test_feed_dates_come_from_the_records_not_the_clock(out, site) -> None:
    published = {f"{n.data.get('published_on', n.data['written_on'])}T00:00:00+08:00" for n in site.notices()}
    for path, content in out.items():
        if path.endswith(".xml"):
            stamps = re.findall(rb"<(?:updated|published)>([^<]+)<", content)
            assert stamps and {s.decode() for s in stamps} <= published, path
    feed = parse(out["atom.xml"])
    assert feed.feed.updated == max(published)


# -- iCalendar -------------------------------------------------------------------------------

def test_calendar_has_the_corrected_rectification_deadline(out) -> None:
    cal = calendar(out)
    assert str(cal["prodid"]) == "-//jxjy-registry//常州市专业技术人员继续教育公示平台//ZH"
    assert "整改期限" in str(cal["x-wr-calname"])
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    event = events["rectification-deadline-eval-2026-002@jxjy-registry"]
    assert event.decoded("dtstart") == date(2026, 9, 30)
    assert event.decoded("dtend") == date(2026, 10, 1)
    assert str(event["summary"]) == "整改期限：常州市中小学教师继续教育基地"
    assert "常人社函〔2026〕61号" in str(event["description"])
    assert str(event["url"]) == "https://jxjy.example.gov.cn/evaluations/eval-2026-002/"
    assert "rectification-deadline-eval-2026-001@jxjy-registry" not in events  # corrected: 2026-08-30 is void
    assert date(2026, 8, 30) not in {e.decoded("dtstart") for e in events.values()}


def test_calendar_has_the_publicity_end(out) -> None:
    events = {str(e["uid"]): e for e in calendar(out).walk("VEVENT")}
    event = events["publicity-end-notice-2026-503@jxjy-registry"]
    assert event.decoded("dtstart") == date(2026, 12, 4)
    assert str(event["summary"]).startswith("公示截止：常州市人力资源和社会保障局关于常州市经济专业技术人员")


def test_calendar_lists_every_current_rectification_order(out, site) -> None:
    ordered = {r.id for r in site.records.current("evaluations") if r.data["result"] == "限期整改"}
    events = calendar(out).walk("VEVENT")
    found = {str(e["uid"]).removeprefix("rectification-deadline-").removesuffix("@jxjy-registry")
             for e in events if str(e["uid"]).startswith("rectification-deadline-")}
    assert found == ordered
    assert len({str(e["uid"]) for e in events}) == len(events)


def test_calendar_stamps_come_from_the_records(out, site) -> None:
    published = {datetime.combine(date.fromisoformat(r.data["published_on"]), datetime.min.time(), CHINA)
                 .astimezone(UTC) for r in site.records.all if "published_on" in r.data}
    for event in calendar(out).walk("VEVENT"):
        assert event.decoded("dtstamp") in published


# -- what a feed reader keeps ------------------------------------------------------------------

def test_every_feeds_self_link_is_the_feed_itself(site_dir: Path) -> None:
    """A reader that stores rel="self" must find the feed there (atom.xml's said feeds/all.xml, which never existed)."""
    site_url = settings(REPO)["site_url"]
    built = sorted([site_dir / "atom.xml", *(site_dir / "feeds").glob("*.xml")])
    assert len(built) == len(NOTICE_KINDS) + 1
    for path in built:
        self_link = next(link.href for link in parse(path.read_bytes()).feed.links if link.rel == "self")
        assert self_link == site_url + path.relative_to(site_dir).as_posix()


def test_the_feeds_page_lists_every_feed_and_what_it_holds(site_dir: Path) -> None:
    from site_fixtures import resolve, soup, text

    page = soup(site_dir, "feeds/")
    assert text(page.find("h1")) == "订阅"
    rows = page.select("ul.jxjy-feed-list li")
    assert [text(r.a) for r in rows] == [f.title for f in feeds.FEEDS]
    site_url = settings(REPO)["site_url"]
    for row, feed in zip(rows, feeds.FEEDS, strict=True):
        found = resolve(site_dir, site_dir / "feeds" / "index.html", row.a["href"])
        assert found is not None and found[0] == site_dir / feed.path
        assert text(row.select_one(".jxjy-feed-url")) == site_url + feed.path
        assert f"最新的 {feeds.FEED_ENTRIES} 份" in text(row)
    ics = page.find("a", string="整改期限与公示截止")
    assert resolve(site_dir, site_dir / "feeds" / "index.html", ics["href"])[0] == site_dir / "feeds" / "deadlines.ics"


# -- reproducibility -------------------------------------------------------------------------

def test_two_runs_give_identical_bytes(site) -> None:
    first = [(o.path, o.content) for o in feeds.plan(site)]
    second = [(o.path, o.content) for o in feeds.plan(site)]
    assert first == second
    assert [p for p, _ in first] == ["atom.xml", *(f"feeds/{k}.xml" for k in NOTICE_KINDS), "feeds/deadlines.ics",
                                     "feeds/index.md"]


def test_a_feed_carries_the_newest_notices_only(site, monkeypatch) -> None:
    monkeypatch.setattr(feeds, "FEED_ENTRIES", 5)
    feed = parse(next(o.content for o in feeds.plan(site) if o.path == "atom.xml"))
    assert [e.link for e in feed.entries] == [site.absolute(site.page_of(n)) for n in site.notices()[:5]]
    assert "最新的 5 条" in feed.feed.subtitle


def test_the_calendar_keeps_two_years_of_past_dates(site, monkeypatch) -> None:
    every = {e.decoded("dtstart") for e in calendar({o.path: o.content for o in feeds.plan(site)}).walk("VEVENT")}
    assert min(every) < AS_OF - timedelta(days=365)  # the sample has older deadlines
    monkeypatch.setattr(feeds, "CALENDAR_PAST", timedelta(days=365))
    kept = {e.decoded("dtstart") for e in calendar({o.path: o.content for o in feeds.plan(site)}).walk("VEVENT")}
    assert kept == {day for day in every if day >= AS_OF - timedelta(days=365)}
