"""The disclosure header fields real government pages carry (组配分类, 公开方式, 发布机构, 废止日期):
in the notice page's 政府信息公开要素 table, in the open data, and on the field reference page."""

from __future__ import annotations

from bs4 import BeautifulSoup
from test_exports import read_csv, row_of

from generator.schemas import SchemaSet
from generator.site import exports, pages
from generator.site.build import settings
from generator.site.context import SiteContext
from generator.site.fields import FIELDS
from generator.site.render import Fragment
from generator.validate import check_repository

from helpers import AS_OF, REPO, Repo

POLICY = "records/policies/pol-2026-001.yaml"
HEADER = ("validity: 现行有效\n", "validity: 已失效\nrepealed_on: 2026-06-30\ngrouping: 规范性文件\n"
          "disclosure: 主动公开\npublisher: org-cz-wsjk\n")
INDEX = ("113204000141523630/2026-00041", "113204000141530838/2026-00041")  # the publisher's code


def _site(repo: Repo) -> SiteContext:
    result = check_repository(repo.root, as_of=AS_OF)
    assert not result.report.errors, [(d.location, d.rule, d.message) for d in result.report.errors]
    return SiteContext(result.records, AS_OF, SchemaSet(), settings(REPO), {})


def _disclosure(site: SiteContext, path: str) -> dict[str, str]:
    page = next(o.content for o in pages.plan(site) if o.path == path)
    assert isinstance(page, Fragment)
    table = BeautifulSoup(page.body, "html.parser").select_one("table.jxjy-disclosure")
    assert table is not None
    return {th.get_text(strip=True): th.find_next_sibling("td").get_text(strip=True) for th in table.find_all("th")}


def test_the_table_shows_the_header_fields_a_record_has(repo: Repo) -> None:
    repo.edit(POLICY, *HEADER)
    repo.edit(POLICY, *INDEX)
    shown = _disclosure(_site(repo), "policies/pol-2026-001.md")
    assert (shown["组配分类"], shown["公开方式"], shown["发布机构"]) == ("规范性文件", "主动公开", "常州市卫生健康委员会")
    assert (shown["有效性"], shown["废止日期"]) == ("已失效", "2026年6月30日")


def test_the_table_leaves_out_what_a_record_does_not_have(repo: Repo) -> None:
    repo.edit(POLICY, "validity: 现行有效\n", "validity: 现行有效\npublisher: org-czrsj\n")  # the issuer itself
    shown = _disclosure(_site(repo), "policies/pol-2026-001.md")
    assert not {"组配分类", "公开方式", "发布机构", "废止日期"} & set(shown)


def test_the_open_data_carries_the_header_fields(repo: Repo) -> None:
    repo.edit(POLICY, *HEADER)
    repo.edit(POLICY, *INDEX)
    out = {o.path: o.content for o in exports.plan(_site(repo))}
    row = row_of(read_csv(out["data/policies.csv"]), "pol-2026-001")
    assert (row["组配分类"], row["公开方式"], row["发布机构"], row["废止日期"]) == (
        "规范性文件", "主动公开", "常州市卫生健康委员会", "2026-06-30")
    assert b'"publisher": "org-cz-wsjk"' in out["data/policies.json"]
    fields = out[FIELDS]
    assert isinstance(fields, str)
    for title in ("组配分类", "公开方式", "发布机构", "废止日期"):
        assert f"<td>{title}</td>" in fields, title
    assert "主动公开、依申请公开" in fields
