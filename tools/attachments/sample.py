"""Write the sample notice's attachment: records/circulars/circ-2025-002/choucha-jieguo-2025.xlsx.

A small workbook shaped like a real 抽查考核结果汇总表, with the sample's fictional units, marked
示例数据 on the sheet and in the file's properties. The same bytes come out on every run (fixed
creation time; XlsxWriter stamps no other time), so tests/test_attachments.py checks that the
committed file is exactly what this script writes.

Usage: python tools/attachments/sample.py [OUTPUT]
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import xlsxwriter

OUTPUT = Path(__file__).resolve().parents[2] / "records" / "circulars" / "circ-2025-002" / "choucha-jieguo-2025.xlsx"
TITLE = "2025年度企事业单位专业技术人员继续教育工作抽查考核结果汇总表"
HEADER = ("序号", "单位名称", "考核结果", "主要问题", "优秀比例核减（百分点）")
ROWS = (
    (1, "常州澄川工程设计有限公司", "不合格", "负责人不重视；单位培训计划未制定或未实施；登记考核不规范", 1.5),
    (2, "常州铁城轨道装备有限公司", "合格", "", None),
    (3, "常州新北智能装备股份有限公司", "优秀", "", None),
    (4, "溧阳市天目湖康复医院", "合格", "", None),
)


def workbook() -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties({"title": f"{TITLE}（示例数据）", "comments": "示例数据：虚构，不代表任何真实单位或决定",
                         "created": datetime(2025, 12, 16, tzinfo=UTC)})
    sheet = book.add_worksheet("抽查考核结果")
    bold = book.add_format({"bold": True})
    sheet.write_string(0, 0, f"{TITLE}（示例数据）", bold)
    sheet.write_string(1, 0, "示例数据：本表为虚构的示例，不代表任何真实单位或决定。")
    for col, text in enumerate(HEADER):
        sheet.write_string(3, col, text, bold)
    for row, (number, unit, result, findings, cut) in enumerate(ROWS, start=4):
        sheet.write_number(row, 0, number)
        sheet.write_string(row, 1, unit)
        sheet.write_string(row, 2, result)
        if findings:
            sheet.write_string(row, 3, findings)
        if cut is not None:
            sheet.write_number(row, 4, cut)
    sheet.set_column(1, 1, 32)
    sheet.set_column(3, 3, 48)
    sheet.set_column(4, 4, 22)
    book.close()
    return out.getvalue()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(workbook())
