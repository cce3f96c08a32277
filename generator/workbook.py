"""One sheet of an .xlsx workbook someone sent: its cells as values, read as Excel shows them.

The file is hostile until read: it is read once, as a regular file and up to a limit (files.read_plain),
told apart from what is not an .xlsx (an encrypted workbook, an old .xls, anything else) by its first
bytes, and opened only when its parts unpack to a bounded size (a zip bomb is small and unpacks to
gigabytes). openpyxl reads it twice: once as formulas, to find the formulas Excel never computed
(their cached value is missing, and the values pass reads them as blank), once as values, with the
merged ranges, whose value is the top-left cell's in every cell they cover.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
from openpyxl.worksheet.cell_range import CellRange

from generator.errors import JxjyError
from generator.files import ReadRefused, read_plain

MAX_BYTES = 20 * 1024 * 1024  # a list of thousands of bases is well under 1 MB
MAX_UNPACKED = 200 * 1024 * 1024  # what the workbook's parts may unpack to, all together
MAX_ROWS = 20_000
MAX_COLUMNS = 100
MAX_MERGED = 10_000  # merged ranges of the sheet

_CFB = bytes.fromhex("d0cf11e0a1b11ae1")  # the OLE2 container: an old .xls, or an encrypted .xlsx
_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")  # the stream an encrypted OOXML file keeps in it

Value = str | int | float | bool | datetime | date | time | timedelta
_UNCOMPUTED = ("是公式，但文件中没有保存它的计算结果",
               "在 Excel 中打开、重新计算并保存后再导入（别的程序生成的文件常不带计算结果），或改填数值")
_ERROR = ("是错误值", "请改正公式，或改填数值")


class WorkbookError(JxjyError):
    """The workbook cannot be read (exit 2); the message names the file and says why."""


@dataclass(frozen=True)
class Cell:
    value: Value
    problem: str | None = None  # why the value cannot be taken as read: a formula never computed, #N/A
    hint: str | None = None  # how to fix that


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)  # (row, column), both 1-based; no blanks
    rows: int = 0  # the last row with content
    columns: int = 0  # the last column with content

    def get(self, row: int, column: int) -> Cell | None:
        return self.cells.get((row, column))


def read_sheet(path: Path, sheet: str | None = None) -> Sheet:
    """The sheet named `sheet` (default: the first visible worksheet) of the .xlsx file `path`.

    Raises:
        WorkbookError: the file is missing, too large, not an .xlsx, encrypted, damaged, has no such
            sheet, or has more than MAX_ROWS rows or MAX_COLUMNS columns.
    """
    raw = _read(path)
    formulas = _formulas(path, raw, sheet)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns of parts it drops (data validation, ...): not ours
        try:
            book = openpyxl.load_workbook(io.BytesIO(raw), data_only=True)
        except Exception:  # a parser on hostile bytes: whatever fails, the file is unreadable
            raise WorkbookError(f"{path} 已损坏，无法作为 Excel 工作簿读取") from None
    found = Sheet(formulas.name)
    ws = book[formulas.name]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None and (cell.row, cell.column) in formulas.cells:
                found.cells[cell.row, cell.column] = formulas.cells[cell.row, cell.column]
            elif cell.value is not None and cell.value != "":
                error = _ERROR if cell.data_type == "e" else (None, None)
                found.cells[cell.row, cell.column] = Cell(cell.value, *error)
    _merge(found, list(ws.merged_cells.ranges), path)
    found.rows = max((r for r, _ in found.cells), default=0)
    found.columns = max((c for _, c in found.cells), default=0)
    return found


def _read(path: Path) -> bytes:
    try:
        raw = read_plain(path, MAX_BYTES)
    except FileNotFoundError:
        raise WorkbookError(f"找不到文件：{path}") from None
    except ReadRefused as exc:
        raise WorkbookError(f"{path} {exc}") from None
    if len(raw) > MAX_BYTES:
        raise WorkbookError(f"{path} 过大（超过 {MAX_BYTES // 1024 // 1024} MB），不像一份名单")
    if raw.startswith(_CFB):
        if _ENCRYPTED in raw:
            raise WorkbookError(f"{path} 设有打开密码（已加密）：请在 Excel 中取消密码后另存为 .xlsx 再导入")
        raise WorkbookError(f"{path} 是旧版 Excel（.xls）或其他 Office 文件：请在 Excel 中另存为 .xlsx 再导入")
    if not raw.startswith(b"PK\x03\x04"):
        raise WorkbookError(f"{path} 不是 .xlsx 文件（Excel 工作簿）；CSV、WPS 等格式请先在 Excel 中另存为 .xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WorkbookError(f"{path} 已损坏（不是完整的 .xlsx 文件）") from None
    if unpacked > MAX_UNPACKED:
        raise WorkbookError(f"{path} 解压后超过 {MAX_UNPACKED // 1024 // 1024} MB，不像一份名单，拒绝读取")
    return raw


def _formulas(path: Path, raw: bytes, wanted: str | None) -> Sheet:
    """The chosen sheet's formulas, as problem cells (the values pass keeps those whose result
    the file holds); checks the sheet's size while streaming it, before the values pass holds it
    all in memory."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
        except Exception:  # as in read_sheet
            raise WorkbookError(f"{path} 已损坏，无法作为 Excel 工作簿读取") from None
        names = [ws.title for ws in book.worksheets]
        visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
        if wanted is not None and wanted not in names:
            listed = "、".join(f"「{name}」" for name in names) or "（无）"
            raise WorkbookError(f"{path} 中没有名为「{wanted}」的工作表；工作表有：{listed}")
        if wanted is None and not visible:
            raise WorkbookError(f"{path} 中没有可见的工作表")
        found = Sheet(wanted if wanted is not None else visible[0])
        ws = book[found.name]
        ws.reset_dimensions()  # read every row, not only those the file's own dimension claims
        try:
            for row in ws.iter_rows():
                for cell in row:
                    if not hasattr(cell, "row") or cell.value is None:
                        continue
                    if cell.row > MAX_ROWS:
                        raise WorkbookError(f"{path} 的工作表「{found.name}」超过 {MAX_ROWS} 行，请分成几份导入")
                    if cell.column > MAX_COLUMNS:
                        raise WorkbookError(f"{path} 的工作表「{found.name}」超过 {MAX_COLUMNS} 列，不像一份名单")
                    if cell.data_type == "f":
                        found.cells[cell.row, cell.column] = Cell(str(cell.value), *_UNCOMPUTED)
        except WorkbookError:
            raise
        except Exception:  # as in read_sheet
            raise WorkbookError(f"{path} 的工作表「{found.name}」已损坏，无法读取") from None
    return found


def _merge(sheet: Sheet, ranges: list[CellRange], path: Path) -> None:
    """Give every cell of a merged range the value of its top-left cell, as Excel shows it
    (a 主管部门 merged down the rows of its bases belongs to each)."""
    if len(ranges) > MAX_MERGED:
        raise WorkbookError(f"{path} 的工作表「{sheet.name}」有 {len(ranges)} 处合并单元格"
                            f"（上限 {MAX_MERGED} 处），拒绝读取")
    last_row = max((r for r, _ in sheet.cells), default=0)
    last_column = max((c for _, c in sheet.cells), default=0)
    for merged in ranges:
        top = sheet.get(merged.min_row, merged.min_col)
        if top is None:
            continue
        for row in range(merged.min_row, min(merged.max_row, last_row) + 1):
            for column in range(merged.min_col, min(merged.max_col, last_column) + 1):
                sheet.cells.setdefault((row, column), top)
