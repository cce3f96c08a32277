"""`jxjy migrate`: rewrite records of an older schema into today's, keeping their comments and text.

One migration so far: a base record that carried its own 公示 (`publicity`) was a 公示 and a
decision at once, so its status turned 有效 when the 公示 ended, with no decision made. Such a
record is split in two: a 名单公告 (records/notices, 公告事项「拟认定公示」) that takes the record's
envelope (公文要素: 标题, 发文字号, 日期, 索引号, 公示期, 正文 …) unchanged, and the base record,
which keeps its own fields and points at that notice with `notice`. The decision that follows
the 公示 is then a notice of its own, as in practice.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from generator import dates
from generator.errors import JxjyError
from generator.fields import envelope
from generator.files import write_file
from generator.new import fresh_id
from generator.records import RepositoryError
from generator.schemas import SchemaSet

SCHEMA_LINE = "# yaml-language-server: $schema=../../schema/{schema}.schema.json\n"


class MigrationError(JxjyError):
    """A record cannot be migrated (exit 2); nothing of it is written."""


@dataclass(frozen=True)
class Split:
    base: Path  # the base record, rewritten as an item of the notice
    notice: Path  # the new 名单公告 that holds its 公示


def migrate(root: Path, *, today: date, dry_run: bool = False) -> list[Split]:
    """Split every base record that carries a 公示 into a 公示 notice and a base listed by it.

    Returns:
        What was (with dry_run: would be) written, in path order.
    """
    folder = root / "records" / "bases"
    if not (root / "records").is_dir():
        raise RepositoryError(f"找不到记录目录：{root / 'records'}")
    moved = [n for n in envelope(SchemaSet()) if n not in ("id", "sample")]
    yaml = _yaml()
    splits: list[Split] = []
    taken: set[str] = set()
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text)
        if not isinstance(data, CommentedMap) or "publicity" not in data or "notice" in data:
            continue
        written = dates.parse(data.get("written_on")) or today
        notice_id = fresh_id("notices", root, written, taken=taken)
        taken.add(notice_id)
        notice = CommentedMap()
        notice["id"] = notice_id
        if "sample" in data:
            notice["sample"] = data["sample"]
        notice["act"] = "拟认定公示"
        for name in moved:
            if name in data:
                notice[name] = data.pop(name)
        data.insert(_after(data, ("sample", "id")), "notice", notice_id)
        target = root / "records" / "notices" / f"{notice_id}.yaml"
        splits.append(Split(path, target))
        if dry_run:
            continue
        try:
            write_file(target, SCHEMA_LINE.format(schema="notice") + _dump(yaml, notice), inside=root, replace=False)
        except FileExistsError:
            raise MigrationError(f"{target} 已存在，未改动 {path}") from None
        write_file(path, _dump(yaml, data), inside=root)
    return splits


def _yaml() -> YAML:
    yaml = YAML()  # round trip: comments, quotes and block text stay as they were
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


def _after(data: CommentedMap, names: tuple[str, ...]) -> int:
    """The position just after the first of `names` that the mapping has (else the top)."""
    keys = list(data)
    for name in names:
        if name in keys:
            return keys.index(name) + 1
    return 0


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()
