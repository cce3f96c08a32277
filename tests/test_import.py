"""`jxjy import`: a bureau's Excel list of bases as record files, every problem at its cell, all or nothing."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from openpyxl.worksheet.worksheet import Worksheet

from generator import importer, workbook
from generator.cli import cli

from helpers import AS_OF, Repo

HEADER = ["序号", "基地名称", "依托单位", "主管部门", "所在地区", "基地级别", "专业领域", "办学地址", "有效期至", "备注"]
HOSTS = ["常州澄川工程设计有限公司", "市会计培训中心", "金坛农技培训中心", "常州金坛新能源科技有限公司", "龙城卫校",
         "天目湖康复医院", "天目湖经管培训学校", "铁城轨道", "org-wj-dszx", "武进建设培训学校", "新北数智",
         "新北智能装备", "钟楼区教师发展中心"]
DEPARTMENTS = ["市工信局", "常州市财政局", "市教育局", "市卫生健康委", "市住建局", "常州市农业农村局"]
DISTRICTS = ["天宁区", "钟楼区", "新北区", "武进区", "金坛区", "溧阳市", 320412.0, "常州市武进区"]
BASES = 32
FIRST = 4  # the header is row 3, below the title row and a blank row
# The decision the whole list belongs to, a 名单公告 of its own (the list is its 附件).
NOTICE = """\
id: notice-2025-099
act: 认定
title: 常州市人力资源和社会保障局关于认定2025年度第一批市级专业技术人员继续教育基地的通知
doc_number: 常人社发〔2025〕12号
issuer: org-czrsj
written_on: 2025-03-10
published_on: 2025-03-12
category: 劳动、人事、监察／人事工作
index_number: 113204000141523630/2025-00031
validity: 现行有效
batch: 1
valid_until: 2029-12-31
"""
# A list of bases each its own decision carries the decision's 公文要素 in every record.
DECISION = {
    "title": "常州市人力资源和社会保障局关于认定2025年度第一批市级专业技术人员继续教育基地的决定",
    "doc_number": "常人社发〔2025〕13号",
    "issuer": "市人社局",
    "written_on": "2025-03-10",
    "published_on": "2025-03-12",
    "category": "劳动、人事、监察／人事工作",
    "index_number": "113204000141523630/2025-00036",
    "validity": "现行有效",
}
Edit = Callable[[Worksheet], None]


def _rows() -> list[list[object]]:
    rows: list[list[object]] = []
    for i in range(BASES):
        rows.append([i + 1, f"常州市第{i + 1}专业技术人员继续教育基地", HOSTS[i % len(HOSTS)],
                     DEPARTMENTS[i // 6 % len(DEPARTMENTS)], DISTRICTS[i % len(DISTRICTS)], " 市级 ",
                     "工程技术、数字技术；智能制造" if i % 2 else "卫生", f"常州市龙城大道{i + 1}号3幢201室",
                     datetime(2029, 12, 31) if i % 3 else "2029年12月31日", "新增" if i == 5 else None])
    return rows


def write_list(path: Path, edit: Edit | None = None) -> Path:
    """A list shaped like a real notice's 附件: a merged title row, a blank row, the header, a
    序号 and a 备注 column, each 主管部门 merged down the rows of its six bases."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Sheet1"
    ws.append(["附件：2025年度第一批常州市专业技术人员继续教育基地名单"])
    ws.merge_cells("A1:J1")
    ws.append([])
    ws.append(HEADER)
    for i, row in enumerate(_rows()):
        ws.append([value if i % 6 == 0 or n != 3 else None for n, value in enumerate(row)])
    for top in range(FIRST, FIRST + BASES, 6):
        ws.merge_cells(start_row=top, start_column=4, end_row=min(top + 5, FIRST + BASES - 1), end_column=4)
    if edit is not None:
        edit(ws)
    book.save(path)
    return path


def preset(**also: str) -> list[str]:
    """Every row in the list of the notice notice-2025-099."""
    return [arg for name, value in {"notice": "notice-2025-099", **also}.items() for arg in ("--set", f"{name}={value}")]


def standalone() -> list[str]:
    """Every row a decision of its own, with the decision's 公文要素."""
    return [arg for name, value in DECISION.items() for arg in ("--set", f"{name}={value}")]


def run(repo: Repo, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["import", *args, "--root", str(repo.root), "--as-of", AS_OF.isoformat()],
                                catch_exceptions=False)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "records").rglob("*"))
            if p.is_file()}


@pytest.fixture
def here(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """The sample copy with the notice the list belongs to, run from its root: messages name the
    list as the clerk typed it, 名单.xlsx."""
    repo.write("records/notices/notice-2025-099.yaml", NOTICE)
    monkeypatch.chdir(repo.root)
    return repo


def test_a_real_list_imports_and_the_records_pass_validate(here: Repo) -> None:
    write_list(here.root / "名单.xlsx")
    before = files(here.root)
    result = subprocess.run([sys.executable, "-m", "generator", "import", "名单.xlsx", "--as-of", AS_OF.isoformat(),
                             *preset()], cwd=here.root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == BASES and all(line.startswith("已写入 records/bases/base-2025-") for line in lines)
    assert lines[0].endswith("（第 4 行：常州市第1专业技术人员继续教育基地）")
    assert result.stderr == "已导入 32 条培训基地记录（工作表「Sheet1」第 4–35 行）；请运行 jxjy validate 后提交。\n"
    added = sorted(set(files(here.root)) - set(before))
    assert len(added) == BASES
    check = CliRunner().invoke(cli, ["validate", "--as-of", AS_OF.isoformat()], catch_exceptions=False)
    assert check.exit_code == 0 and "error" not in check.stdout, check.stdout
    first = next(rel for rel in added if "常州市第7专业" in here.text(rel))
    record_id = first.rsplit("/", 1)[1].removesuffix(".yaml")
    assert here.text(first) == f"""\
# yaml-language-server: $schema=../../schema/base.schema.json
# 由 jxjy import 从名单第 10 行导入；改动后请运行 jxjy validate
id: {record_id}
notice: notice-2025-099
name: 常州市第7专业技术人员继续教育基地
host: org-ly-tmhjj
supervisor: org-cz-czj
district: "320412"
level: 市级
specialties:
  - 卫生
address: 常州市龙城大道7号3幢201室
valid_until: 2029-12-31
"""


def test_cells_become_what_a_record_holds(here: Repo) -> None:
    """Names become ids, division names and 320412.0 become codes, lists split on 、；, a merged
    主管部门 belongs to each of its rows, 2029年12月31日 becomes ISO."""
    write_list(here.root / "名单.xlsx")
    code, _, _ = run(here, "名单.xlsx", *preset())
    assert code == 0
    texts = {here.text(rel).split("\nname: ", 1)[1].split("\n", 1)[0]: here.text(rel)
             for rel in files(here.root) if rel.endswith(".yaml") and "jxjy import" in here.text(rel)}
    second = texts["常州市第2专业技术人员继续教育基地"]
    assert "host: org-czkjpx\nsupervisor: org-cz-gxj\ndistrict: \"320404\"\n" in second
    assert "specialties:\n  - 工程技术\n  - 数字技术\n  - 智能制造\n" in second
    assert "valid_until: 2029-12-31\n" in texts["常州市第1专业技术人员继续教育基地"]  # written 2029年12月31日
    assert "district: \"320412\"" in texts["常州市第8专业技术人员继续教育基地"]  # 常州市武进区
    assert "supervisor: org-cz-czj" in texts["常州市第12专业技术人员继续教育基地"]  # merged down from row 10


def test_a_dry_run_checks_and_writes_nothing(here: Repo) -> None:
    write_list(here.root / "名单.xlsx")
    before = files(here.root)
    code, out, err = run(here, "名单.xlsx", "--dry-run", *preset())
    assert code == 0
    assert len(out.splitlines()) == BASES and out.startswith("将写入 ")
    assert err == "试运行：32 条培训基地记录均通过校验（工作表「Sheet1」第 4–35 行），未写入任何文件。\n"
    assert files(here.root) == before


def _cell(ref: str, value: object) -> Edit:
    def edit(ws: Worksheet) -> None:
        ws[ref] = value
    return edit


def _drop_column(letter: str) -> Edit:
    def edit(ws: Worksheet) -> None:
        index = openpyxl.utils.column_index_from_string(letter)
        ws.merged_cells.ranges = {r for r in ws.merged_cells.ranges if r.min_col != index}
        ws.delete_cols(index)
    return edit


def _error_value(ws: Worksheet) -> None:
    ws["H12"] = "#N/A"
    ws["H12"].data_type = "e"


DIVISIONS = ("常州市（320400）、天宁区（320402）、钟楼区（320404）、新北区（320411）、武进区（320412）、金坛区（320413）、"
             "溧阳市（320481）")
# Each broken list: the edit, extra arguments, and every line it must print.
FAILING = {
    "district-name": (_cell("E7", "天宁新区"), [],
                      [f"名单.xlsx:Sheet1!E7: error: 「所在地区」「天宁新区」不是行政区划名称或六位代码（常州的：{DIVISIONS}；"
                       "其他地区请写全称或六位代码） [sheet-name]"]),
    "district-expired": (_cell("E7", "戚墅堰区"), ["--standalone"],
                         ["名单.xlsx:Sheet1!E7: error: 「所在地区」320405（戚墅堰区）在成文日期 2025-03-10 无效"
                          "（有效期 1983-08-19 至 2015-04-27）（应为 320412（武进区）） [district-expired]"]),
    "district-unknown-code": (_cell("E7", 320499), [],
                              ["名单.xlsx:Sheet1!E7: error: 「所在地区」320499 不是县级以上行政区划代码（GB/T 2260）"
                               "（可在民政部「全国行政区划信息查询平台」查询；常州市各区：320400 常州市、320402 天宁区、320404 钟楼区、"
                               "320411 新北区、320412 武进区、320413 金坛区、320481 溧阳市） [district-unknown]"]),
    "org-unknown": (_cell("C8", "常州某某科技有限公司"), [],
                    ["名单.xlsx:Sheet1!C8: error: 「依托单位」「常州某某科技有限公司」不是已登记的机构的编号、全称或简称"
                     "（是否应为「常州龙腾科技有限公司」？） [sheet-name]"]),
    "org-wrong-type": (_cell("C8", "市财政局"), [],
                       ["名单.xlsx:Sheet1!C8: error: 「依托单位」应为企事业单位或施教机构或行业协会学会或高等院校，"
                        "「常州市财政局」是行业主管部门 [ref-kind]"]),
    "duplicate-name": (_cell("B9", "常州市第1专业技术人员继续教育基地"), [],
                       ["名单.xlsx:Sheet1!B9: error: 「常州市第1专业技术人员继续教育基地」与第 4 行重复（同一名称、同一认定文件） [sheet-duplicate-row]"]),
    "bad-date": (_cell("I10", "2029-02-30"), [],
                 ["名单.xlsx:Sheet1!I10: error: 「有效期至」不是有效日期（YYYY-MM-DD，且日期真实存在）：2029-02-30 [schema-format]"]),
    "date-order": (_cell("I10", datetime(2024, 12, 31)), ["--standalone"],
                   ["名单.xlsx:Sheet1!I10: error: 「有效期至」2024-12-31 须晚于「成文日期」2025-03-10 [date-order]"]),
    "level": (_cell("F11", "市属"), [],
              ["名单.xlsx:Sheet1!F11: error: 「基地级别」取值「市属」无效，可选：国家级、省级、市级、辖市区级 [schema-enum]"]),
    "level-of-the-issuer": (_cell("F11", "省级"), [],
                            ["名单.xlsx:Sheet1!F11: error: 「基地级别」为「省级」，但认定机关「常州市人力资源和社会保障局」是市级"
                             "（notice-2025-099）；基地级别应与认定机关的层级相同 [base-level]"]),
    "mobile": (_cell("H11", "常州市龙城大道8号，联系电话 13805191234"), [],
               ["名单.xlsx:Sheet1!H11: error: 「办学地址」含有疑似手机号码 138****1234；公开记录不得包含个人手机号，请改用单位办公电话 [privacy-mobile]"]),
    "formula": (_cell("B12", "=A12&\"号基地\""), [],
                ["名单.xlsx:Sheet1!B12: error: 「基地名称」单元格是公式，但文件中没有保存它的计算结果：=A12&\"号基地\""
                 "（在 Excel 中打开、重新计算并保存后再导入（别的程序生成的文件常不带计算结果），或改填数值） [sheet-cell]"]),
    "error-value": (_error_value, [],
                    ["名单.xlsx:Sheet1!H12: error: 「办学地址」单元格是错误值：#N/A（请改正公式，或改填数值） [sheet-cell]"]),
    "unknown-column": (_cell("K3", "负责人"), [],
                       ["名单.xlsx:Sheet1!K3: error: 列名「负责人」不是字段名，无法导入（不需要导入的列请删除，或改名为「备注」） [sheet-column]"]),
    "misspelt-column": (_cell("H3", "办学地点"), [],
                        ["名单.xlsx:Sheet1!3: error: 缺少必填列「办学地址」（address）（在表头加上这一列，或用 --set address=… "
                         "为每一行指定） [sheet-column-missing]",
                         "名单.xlsx:Sheet1!H3: error: 列名「办学地点」不是字段名，无法导入（是否应为「办学地址」？） [sheet-column]"]),
    "repeated-column": (_cell("J3", "name"), [],
                        ["名单.xlsx:Sheet1!J3: error: 「基地名称」列重复（已见于 B3） [sheet-column]"]),
    "headless-column": (_cell("L20", "多余的内容"), [],
                        ["名单.xlsx:Sheet1!L20: error: 这一列没有表头（列名），无法判断填的是哪个字段 [sheet-column]"]),
    "missing-column": (_drop_column("H"), [],
                       ["名单.xlsx:Sheet1!3: error: 缺少必填列「办学地址」（address）（在表头加上这一列，或用 --set address=… "
                        "为每一行指定） [sheet-column-missing]"]),
    "set-and-column": (None, ["--set", "level=市级"],
                       ["名单.xlsx:Sheet1!F3: error: 「基地级别」既是表中的列，又由 --set 指定；请只用一种 [sheet-column]"]),
    "id-taken": (lambda ws: (_cell("K3", "记录编号")(ws), _cell("K5", "base-2024-001")(ws)), [],
                 ["名单.xlsx:Sheet1!K5: error: 记录编号「base-2024-001」同时用于 records/bases/base-2024-001.yaml；编号在所有类别中唯一 [id-duplicate]"]),
}


@pytest.mark.parametrize("case", FAILING, ids=str)
def test_a_broken_list_is_reported_at_its_cells_and_nothing_is_written(here: Repo, case: str) -> None:
    edit, args, expected = FAILING[case]
    write_list(here.root / "名单.xlsx", edit)
    before = files(here.root)
    flavour = standalone() if "--standalone" in args else preset()
    code, out, err = run(here, "名单.xlsx", *(a for a in args if a != "--standalone"), *flavour)
    assert (code, out.splitlines()) == (1, expected)
    assert err.endswith("未写入任何文件。\n")
    assert files(here.root) == before


def test_a_field_from_set_is_reported_at_each_row(here: Repo) -> None:
    write_list(here.root / "名单.xlsx", _drop_column("F"))
    code, out, _ = run(here, "名单.xlsx", *preset(level="市属"))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == BASES
    assert lines[0] == "名单.xlsx:Sheet1!4: error: 「基地级别」取值「市属」无效，可选：国家级、省级、市级、辖市区级 [schema-enum]"


def test_a_name_two_organizations_share_is_ambiguous(here: Repo) -> None:
    here.write("records/organizations/org-czkjpx2.yaml", here.text("records/organizations/org-czkjpx.yaml")
               .replace("id: org-czkjpx", "id: org-czkjpx2").replace("name: 常州市会计人员继续教育培训中心",
                                                                   "name: 常州市会计人员继续教育培训中心（新址）"))
    write_list(here.root / "名单.xlsx")
    code, out, _ = run(here, "名单.xlsx", *preset())
    assert code == 1
    assert out.splitlines()[0] == ("名单.xlsx:Sheet1!C5: error: 「依托单位」「市会计培训中心」同时是 org-czkjpx、org-czkjpx2 "
                                   "的名称或简称，无法确定是哪一个（请改填记录编号） [sheet-name]")


def test_the_same_list_imported_twice_is_refused(here: Repo) -> None:
    write_list(here.root / "名单.xlsx")
    assert run(here, "名单.xlsx", *preset())[0] == 0
    before = files(here.root)
    code, out, _ = run(here, "名单.xlsx", *preset())
    assert code == 1 and len(out.splitlines()) == BASES
    assert out.startswith("名单.xlsx:Sheet1!B4: error: 「常州市第1专业技术人员继续教育基地」已见于 records/bases/base-2025-")
    assert out.splitlines()[0].endswith("（同一名称、同一认定文件），这份名单是否已导入过？ [sheet-duplicate-row]")
    assert files(here.root) == before


def test_a_failed_write_takes_back_the_files_written_before_it(here: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    write_list(here.root / "名单.xlsx")
    before = files(here.root)
    calls = []
    real = importer.write_record

    def failing(*args: object) -> Path:
        calls.append(args)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(importer, "write_record", failing)
    code, _, err = run(here, "名单.xlsx", *preset())
    assert code == 2
    assert err == "错误：写入第 6 行的记录失败：No space left on device；已写入的 2 个文件已删除，未导入任何记录\n"
    assert files(here.root) == before


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _empty(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"  # type: ignore[union-attr]
    book.save(path)
    return path


def _no_header(path: Path) -> Path:
    return write_list(path, lambda ws: ws.delete_rows(3))


def _header_only(path: Path) -> Path:
    return write_list(path, lambda ws: ws.delete_rows(FIRST, BASES))


# Files no clerk should be able to crash the command with: (make the file, arguments, exit code, message).
HOSTILE: dict[str, tuple[Callable[[Path], Path], list[str], int, str]] = {
    "missing": (lambda p: p, [], 2, "错误：找不到文件：名单.xlsx\n"),
    "text": (lambda p: _write(p, "序号,基地名称\n1,某基地\n".encode()), [], 2,
             "错误：名单.xlsx 不是 .xlsx 文件（Excel 工作簿）；CSV、WPS 等格式请先在 Excel 中另存为 .xlsx\n"),
    "truncated": (lambda p: _write(p, write_list(p).read_bytes()[:3000]), [], 2,
                  "错误：名单.xlsx 已损坏（不是完整的 .xlsx 文件）\n"),
    "zip-not-workbook": (lambda p: _zip(p, {"readme.txt": b"hello"}), [], 2,
                         "错误：名单.xlsx 已损坏，无法作为 Excel 工作簿读取\n"),
    "encrypted": (lambda p: _write(p, bytes.fromhex("d0cf11e0a1b11ae1") + bytes(500) + "EncryptionInfo".encode("utf-16-le")),
                  [], 2, "错误：名单.xlsx 设有打开密码（已加密）：请在 Excel 中取消密码后另存为 .xlsx 再导入\n"),
    "xls": (lambda p: _write(p, bytes.fromhex("d0cf11e0a1b11ae1") + bytes(500)), [], 2,
            "错误：名单.xlsx 是旧版 Excel（.xls）或其他 Office 文件：请在 Excel 中另存为 .xlsx 再导入\n"),
    "directory": (lambda p: (p.mkdir(), p)[1], [], 2, "错误：名单.xlsx 不是普通文件（命名管道、设备或目录）\n"),
    "symlink": (lambda p: (p.symlink_to(write_list(p.with_name("真的.xlsx"))), p)[1], [], 2,
                "错误：名单.xlsx 是符号链接，不跟随\n"),
    "empty-sheet": (_empty, [], 2, "错误：名单.xlsx 的工作表「Sheet1」是空的，没有可导入的内容\n"),
    "no-header": (_no_header, [], 2, "错误：工作表「Sheet1」的前 10 行中找不到表头：表头行应以培训基地的字段名作列名，"
                                     "如「基地名称」「依托单位」「主管部门」「所在地区」「基地级别」\n"),
    "header-only": (_header_only, [], 2, "错误：工作表「Sheet1」的表头下没有任何数据行，没有可导入的内容\n"),
    "unknown-sheet": (write_list, ["--sheet", "附件2"], 2, "错误：名单.xlsx 中没有名为「附件2」的工作表；工作表有：「Sheet1」\n"),
    "set-unknown-field": (write_list, ["--set", "负责人=张三"], 2, "错误：--set 负责人=…：「负责人」不是培训基地的字段"),
    "set-bad-name": (write_list, ["--set", "supervisor=某某局"], 2,
                     "错误：--set supervisor=某某局：「主管部门」「某某局」不是已登记的机构的编号、全称或简称"),
    "set-no-value": (write_list, ["--set", "level"], 2, "错误：--set 须写作 FIELD=VALUE，如 --set level=市级（收到「level」）\n"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=str)
def test_a_file_that_is_no_list_ends_with_a_chinese_message(here: Repo, case: str) -> None:
    make, args, code, message = HOSTILE[case]
    make(here.root / "名单.xlsx")
    before = files(here.root)
    result = run(here, "名单.xlsx", *args, *(preset() if "--set" not in args else []))
    assert (result[0], result[1]) == (code, "")
    assert result[2].startswith(message), result[2]
    assert files(here.root) == before


def test_limits_refuse_a_file_too_large_or_too_long(here: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_list(here.root / "名单.xlsx")
    monkeypatch.setattr(workbook, "MAX_ROWS", 20)
    assert run(here, "名单.xlsx", *preset())[2] == "错误：名单.xlsx 的工作表「Sheet1」超过 20 行，请分成几份导入\n"
    monkeypatch.setattr(workbook, "MAX_COLUMNS", 5)
    assert run(here, "名单.xlsx", *preset())[2] == "错误：名单.xlsx 的工作表「Sheet1」超过 5 列，不像一份名单\n"
    monkeypatch.setattr(workbook, "MAX_UNPACKED", 10_000)
    assert run(here, "名单.xlsx", *preset())[2] == "错误：名单.xlsx 解压后超过 0 MB，不像一份名单，拒绝读取\n"
    monkeypatch.setattr(workbook, "MAX_BYTES", path.stat().st_size - 1)
    assert run(here, "名单.xlsx", *preset())[2] == "错误：名单.xlsx 过大（超过 0 MB），不像一份名单\n"


def test_a_header_marked_required_and_columns_by_field_name(here: Repo) -> None:
    """Templates mark required columns (*基地名称, 基地名称（必填）); a column may be headed by the
    field's name instead of its title; a blank row and a row with only its 序号 are skipped."""
    def edit(ws: Worksheet) -> None:
        ws["B3"], ws["C3"], ws["D3"] = "*基地名称", "依托单位（必填）", "supervisor"
        ws.append([])
        ws.append([BASES + 1])
    write_list(here.root / "名单.xlsx", edit)
    code, out, _ = run(here, "名单.xlsx", "--dry-run", *preset())
    assert code == 0 and len(out.splitlines()) == BASES


def test_any_kind_imports_by_its_schema(here: Repo) -> None:
    """The columns come from the kind's schema: organizations, ids from a 记录编号 column, a list
    of submitters split on 、, a reference by short name."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "机构"
    ws.append(["记录编号", "机构名称", "简称", "机构类型", "所在地区", "上级主管部门", "办公电话", "可提交人"])
    ws.append(["org-test-a", "常州市某某培训学校", "某某学校", "施教机构", "天宁区", "市教育局", "0519-88881234",
               "@czrsj/jxjy、@zhangsan"])
    book.save(here.root / "机构.xlsx")
    code, out, _ = run(here, "机构.xlsx", "--kind", "organizations")
    assert (code, out) == (0, f"已写入 {here.root.as_posix()}/records/organizations/org-test-a.yaml（第 2 行：常州市某某培训学校）\n")
    assert here.text("records/organizations/org-test-a.yaml") == """\
# yaml-language-server: $schema=../../schema/organization.schema.json
# 由 jxjy import 从名单第 2 行导入；改动后请运行 jxjy validate
id: org-test-a
name: 常州市某某培训学校
short_name: 某某学校
type: 施教机构
district: "320402"
parent: org-cz-jyj
phone: 0519-88881234
submitters:
  - '@czrsj/jxjy'
  - '@zhangsan'
"""


def test_a_formula_is_read_as_the_result_excel_saved(here: Repo) -> None:
    book = xlsxwriter.Workbook(str(here.root / "名单.xlsx"))
    ws = book.add_worksheet("附件")
    ws.write_row(0, 0, HEADER[1:9])
    ws.write_row(1, 0, _rows()[0][1:9], None)
    ws.write_formula(1, 0, '="常州市"&"公式基地"', None, "常州市公式基地")
    ws.write_datetime(1, 7, datetime(2029, 12, 31), book.add_format({"num_format": "yyyy-mm-dd"}))
    book.close()
    code, out, _ = run(here, "名单.xlsx", "--dry-run", *preset())
    assert code == 0 and out.endswith("（第 2 行：常州市公式基地）\n"), out


def test_fields_inside_a_mapping_by_title_or_dotted_name(here: Repo) -> None:
    """A list of 公示 notices: the 公示期's fields are columns, by title (公示截止日期) or by
    dotted name (publicity.start)."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["记录编号", "公告事项", "标题", "发文机关", "成文日期", "发布日期", "索引号", "publicity.start", "公示截止日期"])
    ws.append(["notice-2026-098", "拟认定公示", "常州市人力资源和社会保障局关于2026年度第一批市级专业技术人员继续教育基地拟认定名单的公示",
               "市人社局", datetime(2026, 3, 2), datetime(2026, 3, 3), "113204000141523630/2026-00031",
               datetime(2026, 3, 3), datetime(2026, 3, 10)])
    book.save(here.root / "公示.xlsx")
    code, out, _ = run(here, "公示.xlsx", "--kind", "notices", "--set", "category=劳动、人事、监察／人事工作",
                       "--set", "validity=现行有效")
    # The 公示期 is whole; what is left is that no base is in the list yet (import the 附件 next).
    assert (code, out) == (1, "公示.xlsx:Sheet!B2: error: 没有培训基地记录指向本公告：名单中的每一项应是一条培训基地记录，"
                              "其「所属公告」填写 notice-2026-098（Excel 名单可用 jxjy import 导入） [notice-empty]\n")


# The failing case of each sheet rule (read by tests/test_docs.py).
RULE_TESTS = {
    "sheet-column": test_a_broken_list_is_reported_at_its_cells_and_nothing_is_written,
    "sheet-column-missing": test_a_broken_list_is_reported_at_its_cells_and_nothing_is_written,
    "sheet-cell": test_a_broken_list_is_reported_at_its_cells_and_nothing_is_written,
    "sheet-name": test_a_name_two_organizations_share_is_ambiguous,
    "sheet-duplicate-row": test_the_same_list_imported_twice_is_refused,
}


def test_the_samples_batch_is_what_import_makes_of_the_publicitys_attached_list(repo: Repo) -> None:
    """The 32 bases of the sample's 公示 notice-2025-011 come from its attachment, as a clerk would enter
    them: remove them (and the records that name them), import the attached list, and the same bases
    come back, under new ids."""
    listed = sorted((repo.root / "records/bases").glob("base-2025-1*.yaml"))
    committed = [repo.text(f"records/bases/{p.name}") for p in listed]
    for path in [*listed, *(repo.root / "records/evaluations").glob("eval-2026-01*.yaml"),
                 repo.root / "records/notices/notice-2025-012.yaml", repo.root / "records/notices/notice-2026-031.yaml"]:
        path.unlink()
    before = set((repo.root / "records/bases").iterdir())
    attached = repo.root / "records/notices/notice-2025-011/nirending-mingdan-2025-2.xlsx"
    code, out, err = run(repo, str(attached), "--set", "notice=notice-2025-011", "--set", "level=市级", "--set", "sample=true")
    assert code == 0, out + err
    written = sorted(set((repo.root / "records/bases").iterdir()) - before)
    assert len(written) == len(committed) == 32 and len(out.splitlines()) == 32
    assert not repo.validate().errors

    def content(text: str) -> set[str]:  # every line but the id's
        return {line for line in text.splitlines() if not line.startswith(("id:", "#"))}

    assert sorted(map(sorted, map(content, committed))) == sorted(sorted(content(p.read_text(encoding="utf-8")))
                                                                 for p in written)
