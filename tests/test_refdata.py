"""The division table: China's codes with their days, named as readers see them, regenerated from the source."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from generator import refdata
from generator.site.exports import _district

from helpers import REPO

REGENERATE = REPO / "tools" / "divisions" / "regenerate.py"


def test_changzhou_2015_changes_are_day_precise() -> None:
    # 国函〔2015〕75号 of 2015-04-28: 戚墅堰区 merged into 武进区, 金坛市 became 金坛区
    assert refdata.division("320405", date(2015, 4, 27)) is not None
    assert refdata.division("320405", date(2015, 4, 28)) is None
    assert refdata.division("320482", date(2015, 4, 27)) is not None
    assert refdata.division("320482", date(2015, 4, 28)) is None
    assert refdata.division("320413", date(2015, 4, 27)) is None
    assert refdata.division("320413", date(2015, 4, 28)) is not None
    assert refdata.periods("320405")[-1].successors == ("320412",)
    assert refdata.periods("320482")[-1].successors == ("320413",)


def test_a_code_reused_under_another_name_has_two_periods() -> None:
    old, new = refdata.periods("320411")
    assert (old.name, new.name) == ("郊区", "新北区")
    assert refdata.division("320411", date(1990, 1, 1)) == old
    assert refdata.division("320411") == new


def test_places_outside_changzhou_are_named_in_full_and_changzhou_s_own_short() -> None:
    assert refdata.label("320106") == "江苏省南京市鼓楼区"
    assert refdata.label("110101") == "北京市东城区"  # 人社部, 和平里中街12号
    assert refdata.label("320000") == "江苏省"
    assert refdata.label("320100") == "江苏省南京市"
    assert refdata.label("429004") == "湖北省仙桃市"  # a county-level city directly under the province
    assert refdata.label("320412") == "武进区"
    assert refdata.label("320400") == "常州市"
    assert refdata.label("999999") == "999999"
    assert _district("320106") == "江苏省南京市鼓楼区（320106）"
    assert _district("320404") == "钟楼区（320404）"


def test_districts_are_listed_by_code_with_abolished_ones_marked_in_place() -> None:
    codes = ["320481", "320412", "320405", "320402", "320413", "320411", "320404", "320412", "320106", "999999"]
    assert refdata.in_code_order(codes) == [
        ("320106", "江苏省南京市鼓楼区"), ("320402", "天宁区"), ("320404", "钟楼区"), ("320405", "戚墅堰区（已撤销）"),
        ("320411", "新北区"), ("320412", "武进区"), ("320413", "金坛区"), ("320481", "溧阳市"), ("999999", "999999")]
    assert refdata.in_code_order([]) == []


def test_there_is_no_code_for_the_whole_country() -> None:
    assert refdata.periods("100000") == () and refdata.periods("000000") == ()


def test_the_table_is_read_on_the_first_lookup_not_at_start_up() -> None:
    code = ("import generator.cli, generator.refdata as r; before = r._table.cache_info().currsize; "
            "r.periods('320412'); print(before, r._table.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "1"]


def test_regeneration_takes_approval_days_and_otherwise_years(tmp_path: Path) -> None:
    source = tmp_path / "areacodes"
    (source / "diff").mkdir(parents=True)
    (source / "result.csv").write_text(
        "\ufeff代码,一级行政区,二级行政区,名称,级别,状态,启用时间,变更/弃用时间,新代码\n"
        "320400,江苏省,常州市,常州市,地级,在用,1981,,\n"
        "320405,江苏省,常州市,戚墅堰区,县级,弃用,1983,2015,320412\n"
        "320412,江苏省,常州市,武进区,县级,在用,2002,,320402[2015];320404[2015]\n"
        "320482,江苏省,常州市,金坛市,县级,弃用,1993,2015,320413\n"
        "320413,江苏省,常州市,金坛区,县级,在用,2015,,\n", encoding="utf-8")
    (source / "diff" / "2014-2015.diff").write_text(
        "## 国务院关于同意江苏省调整常州市部分行政区划的批复\n# 文号：国函〔2015〕75号\n# 日期：2015年4月28日\n#\n"
        "-320405 戚墅堰区>武进区\n+320413 金坛区<金坛市\n-320482 金坛市>金坛区\n", encoding="utf-8")
    (source / "diff" / "1992-1993.diff").write_text(
        "## 民政部关于江苏省撤销金坛县设立金坛市的批复\n# 日期：一九九三年十一月十日\n+320482 金坛市<金坛县\n",
        encoding="utf-8")
    out = tmp_path / "divisions.csv"
    subprocess.run([sys.executable, str(REGENERATE), str(source), str(out)], check=True)
    rows = [line for line in out.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert rows == [
        "320400,常州市,,,",
        "320405,戚墅堰区,1983,2015-04-27,320412",
        "320412,武进区,2002,,",
        "320413,金坛区,2015-04-28,,",
        "320482,金坛市,1993-11-10,2015-04-27,320413",
    ]


def test_the_shipped_table_names_its_source() -> None:
    head = (REPO / "generator" / "data" / "divisions.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "yescallop/areacodes (CC0 1.0), source commit " in head
