"""jxjy migrate: a base record that carried its own 公示 becomes a 公示 notice and a base it lists."""

from __future__ import annotations

from click.testing import CliRunner

from generator.cli import cli
from generator.status import lifecycle
from generator.validate import check_repository

from helpers import AS_OF, Repo

OLD = "records/bases/base-2026-009.yaml"
# A base record in the old format (before 名单公告): the record is the 公示 itself.
OLD_TEXT = """\
# yaml-language-server: $schema=../../schema/base.schema.json
# Entered by the district office; the 公示 text is theirs.
id: base-2026-009
sample: true
title: 常州市人力资源和社会保障局关于常州市测试继续教育基地拟认定对象的公示
doc_number: 常人社函〔2026〕149号
issuer: org-czrsj
written_on: 2026-11-19
published_on: 2026-11-20
category: 劳动、人事、监察／人事工作
index_number: 113204000141523630/2026-00209
validity: 现行有效
publicity:
  start: 2026-11-20
  end: 2026-12-04
  contact: 市人社局专业技术人员管理处，电话 0519-85681136
name: 常州市测试继续教育基地
host: org-tcgz
supervisor: org-cz-wsjk
district: "320402"
level: 市级
specialties:
  - 卫生
address: 常州市天宁区测试路1号
body: |
  拟认定常州市测试培训中心为常州市测试继续教育基地，现予以公示。

  公示期满无异议的，由市人力资源和社会保障局正式发文认定。
"""


def _migrate(repo: Repo, *flags: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["migrate", "--root", str(repo.root), "--as-of", AS_OF.isoformat(), *flags],
                                catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_an_old_base_with_its_own_publicity_is_refused_with_the_way_out(repo: Repo) -> None:
    repo.write(OLD, OLD_TEXT)
    [diag] = repo.validate(OLD).errors
    assert (diag.rule, diag.location.line) == ("schema-forbidden", repo.line_of(OLD, "publicity:"))
    assert "拟认定公示是一份单独的公告" in diag.message and "jxjy migrate" in diag.message


def test_migrate_splits_it_into_a_publicity_notice_and_a_base_it_lists(repo: Repo) -> None:
    repo.write(OLD, OLD_TEXT)
    notices = sorted((repo.root / "records/notices").iterdir())
    code, out, err = _migrate(repo, "--dry-run")
    assert code == 0 and repo.text(OLD) == OLD_TEXT and sorted((repo.root / "records/notices").iterdir()) == notices
    assert out.startswith(f"{OLD}：公示移入新的名单公告 records/notices/notice-2026-") and "将转换 1 条记录" in err

    code, out, err = _migrate(repo)
    assert code == 0 and "已转换 1 条记录" in err
    notice_rel = out.split("名单公告 ")[1].split("，")[0]
    notice = repo.text(notice_rel)
    base = repo.text(OLD)
    # The envelope moved whole, in its order; the base keeps its comments and its own fields.
    assert notice.startswith("# yaml-language-server: $schema=../../schema/notice.schema.json\n")
    assert "act: 拟认定公示\ntitle: 常州市人力资源和社会保障局关于常州市测试继续教育基地拟认定对象的公示\n" in notice
    assert "publicity:\n  start: 2026-11-20\n  end: 2026-12-04\n" in notice and "正式发文认定" in notice
    assert base.startswith("# yaml-language-server: $schema=../../schema/base.schema.json\n"
                           "# Entered by the district office; the 公示 text is theirs.\n"
                           f"id: base-2026-009\nsample: true\nnotice: {notice_rel.rsplit('/', 1)[1][:-5]}\n")
    assert 'district: "320402"' in base and "publicity" not in base and "doc_number" not in base

    result = check_repository(repo.root, as_of=AS_OF)
    assert not result.report.errors
    life = lifecycle("base-2026-009", result.records, AS_OF)
    assert life.state(AS_OF)[0] == "公示中"
    assert life.state(AS_OF.replace(year=2027))[0] == "公示中"  # no decision: never 有效 by time alone

    assert _migrate(repo)[2].strip() == "没有需要转换的记录。"
