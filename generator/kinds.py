"""The kinds of record: one row each, with everything the tool says about a kind.

A kind is a folder under records/ (its records' URLs too), validated by one schema. Notices are
every kind but organizations; most of them have a list page by year, a feed, and a noun for the
change report. Nothing else in the tool lists the kinds.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Listing:
    """A notice kind's list page by year (<kind>/index.md)."""

    title: str  # the page's title: 取消资格公告
    column_type: str  # the government-site <meta> ColumnType
    intro: str  # the paragraph under the title, with the articles of the rule it follows


@dataclass(frozen=True)
class Kind:
    folder: str  # records/<folder>/, and the site's /<folder>/
    schema: str  # schema/<schema>.schema.json
    title: str  # what one record is called: 培训基地
    id_prefix: str  # ids read <prefix>-<year>-<nnn>
    noun: str | None = None  # one new notice in the change report: 新增取消资格公告 1 份; None: not a notice
    feed: str | None = None  # the Atom feed's title (feeds/<folder>.xml), when not `title`
    listing: Listing | None = None  # the list page by year, when the kind has one of its own
    searchable: bool = True  # whether its pages are in the search index

    @property
    def is_notice(self) -> bool:
        return self.noun is not None

    @property
    def feed_title(self) -> str:
        return self.feed or self.title


_KINDS = (
    Kind("organizations", "organization", "机构", "org"),
    Kind("bases", "base", "培训基地", "base", noun="基地认定公告", feed="培训基地认定"),
    # One notice naming many bases (a batch accreditation, a 公示 list, results, revocations): the
    # bases, evaluations and revocations it lists point at it with `notice`.
    Kind("notices", "notice", "名单公告", "notice", noun="名单公告", feed="公示公告",
         listing=Listing("公示公告", "信息公开目录",
                         "拟认定培训基地名单的公示、按批认定的决定、评估验收结果和取消资格公告；每份公告列出它涉及的全部基地及其现状。")),
    # An evaluation is found through its base, whose page lists it (date, result, 发文字号): each
    # indexed page costs the index memory to build and every reader a few bytes per search, and
    # evaluations are half of all pages.
    Kind("evaluations", "evaluation", "评估验收", "eval", noun="评估验收结果", feed="评估验收结果",
         listing=Listing("评估验收结果", "信息公开目录", "培训基地评估验收和整改复查的结果通知。"),
         searchable=False),
    Kind("revocations", "revocation", "取消资格", "rev", noun="取消资格公告", feed="取消资格公告",
         listing=Listing("取消资格公告", "信息公开目录",
                         "依第二十五条，逾期不整改或经整改仍不符合要求的培训基地，取消其资格并在媒体上公告。")),
    Kind("circulars", "circular", "考核通报", "circ", noun="考核通报",
         listing=Listing("考核通报", "信息公开目录",
                         "对行业主管部门的考核检查（第十七至十九条）和对企事业单位的抽查考核（第二十二、二十三条）结果通报。")),
    Kind("commendations", "commendation", "表彰奖励", "comm", noun="表彰决定",
         listing=Listing("表彰奖励", "信息公开目录",
                         "对继续教育工作成绩显著的部门、单位和个人的表彰奖励（第二十、二十四条）。")),
    Kind("plans", "plan", "培训计划备案", "plan", noun="培训计划备案", feed="年度培训计划备案"),
    Kind("policies", "policy", "政策文件", "pol", noun="政策文件",
         listing=Listing("政策文件", "政策文件", "本平台依据的政策文件及其有效性。")),
)
KIND: dict[str, Kind] = {kind.folder: kind for kind in _KINDS}
