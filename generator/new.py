"""`jxjy new`: a correctly shaped record whose blanks are marked, generated from the schema."""

from __future__ import annotations

import io
import random
import re
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator import git
from generator.errors import JxjyError
from generator.fields import envelope, field, requirements, standalone
from generator.files import WriteRefused, write_file
from generator.kinds import KIND
from generator.records import KINDS
from generator.schemas import SchemaSet
from generator.yamlio import clip

# Optional fields worth offering in a fresh record (the rest are in the schema and the docs).
OFFERED = {"doc_number", "body", "findings", "evaluation", "url", "page", "approved_on", "uscc",
           "submitters", "doc_prefixes", "address", "phone"}
# Sensible values a clerk rarely changes.
DEFAULTS = {"validity": "现行有效", "category": "劳动、人事、监察／人事工作"}


def id_series(record_id: str) -> str | None:
    """The part of a numbered id before its number: base-2026- of base-2026-002; None for org-czrsj."""
    match = re.fullmatch(r"(.+-)\d+", record_id)
    return match[1] if match else None


def _numbers(series: str, used: set[str]) -> set[int]:
    return {int(m[1]) for stem in used if (m := re.fullmatch(re.escape(series) + r"(\d+)", stem))}


def next_id(series: str, used: set[str]) -> str:
    """The id after the highest of `series` in `used`: base-2026-004 after base-2026-003."""
    return f"{series}{max(_numbers(series, used), default=0) + 1:03d}"


class NewRecordError(JxjyError):
    """The new record cannot be written."""


def ids_elsewhere(repo: Path) -> set[str]:
    """The record ids `jxjy new` must not take besides those in the work tree: the records of every
    remote-tracking branch (origin/main and any fetched branch of another clerk) and every id
    deleted in their history or HEAD's. Empty outside a git repository."""
    try:
        remotes, head = git.remote_commits(repo), git.head_commit(repo)
        found: set[str] = set()
        for commit in remotes:
            found |= git.record_ids(repo, commit)
        if remotes or head:
            found |= git.deleted_ids(repo, *remotes, *([head] if head else [])).keys()
    except git.GitError:
        return set()
    return found


def fresh_id(kind: str, root: Path, today: date, *, taken: set[str] | None = None,
             rng: random.Random | None = None) -> str:
    """An unused <prefix>-<year>-<nnn> id of `kind`, the number drawn at random from the free ones
    of 001 to 999 (when all are used, the next after the highest): two clerks who each create a
    record on their own branch rarely take the same id, as they would with the next number.

    Args:
        taken: ids used elsewhere than in `root`'s records/ (other branches, deleted files).
        rng: where the number is drawn from; default the system's randomness.
    """
    series = f"{KIND[kind].id_prefix}-{today.year}-"
    used = {p.stem for p in (root / "records").glob("*/*.yaml")} | (taken or set())
    free = sorted(set(range(1, 1000)) - _numbers(series, used))
    if not free:
        return next_id(series, used)
    return f"{series}{(rng or random.SystemRandom()).choice(free):03d}"


def new_record(kind: str, root: Path, today: date, *, record_id: str | None = None,
               taken: set[str] | None = None) -> Path:
    """Write records/<kind>/<id>.yaml with today's dates and marked blanks; return its path.

    Args:
        record_id: the id; default fresh_id's, avoiding `taken` too.

    Raises:
        NewRecordError: there is no records/, or the file is already there.
        WriteRefused: `record_id` does not match the schema's id (../x, an absolute path, capitals),
            or records/ leads out of `root`; nothing is written.
    """
    if not (root / "records").is_dir():
        raise NewRecordError(f"找不到记录目录：{root / 'records'}")
    schemas = SchemaSet()
    if record_id is not None:
        _check_id(schemas, kind, record_id)
    record_id = record_id or fresh_id(kind, root, today, taken=taken)
    data = _fill(schemas, kind, (), today, {**DEFAULTS, "id": record_id})
    # The envelope's header block (公文要素, up to 效力状态) first, so a fresh notice reads like one.
    header = envelope(schemas)
    for name in reversed(header[: header.index("validity") + 1]):
        if name in data:
            data.move_to_end(name, last=False)
    path = root / "records" / kind / f"{record_id}.yaml"
    out = io.StringIO()
    out.write(f"# yaml-language-server: $schema=../../schema/{KINDS[kind]}.schema.json\n")
    out.write("# 填写标有「待填写」的字段；「选填」字段不用时删除整行。然后运行 jxjy validate\n")
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    yaml.dump(data, out)
    try:
        write_file(path, out.getvalue(), inside=root, replace=False)
    except FileExistsError:
        raise NewRecordError(f"文件已存在：{path}") from None
    return path


def _check_id(schemas: SchemaSet, kind: str, record_id: str) -> None:
    """Refuse an id the schema of `kind` would refuse: the id is the file name, so ../x or /x would
    write outside records/<kind>/."""
    about = field(schemas, kind, ("id",))
    patterns = [str(n["pattern"]) for n in about.nodes if "pattern" in n]
    longest = about.first("maxLength")
    if any(re.search(p, record_id) is None for p in patterns) or (longest is not None and len(record_id) > longest):
        shown = clip(record_id.encode("unicode_escape").decode("ascii") if not record_id.isprintable() else record_id)
        raise WriteRefused(f"编号「{shown}」无效：{about.title}只能由小写字母、数字和连字符组成"
                           f"（{'、'.join(patterns)}，最多 {longest} 个字符），如 {KIND[kind].id_prefix}-2026-001；"
                           "未写入任何文件")


def _fill(schemas: SchemaSet, kind: str, path: tuple[str | int, ...], today: date,
          preset: dict[str, Any]) -> Any:
    about = field(schemas, kind, path)
    if about.is_object:
        required, _ = requirements(schemas, kind, path)
        if not path and KIND[kind].is_notice:
            required |= standalone(schemas, kind)  # listed in a 名单公告 later, if at all (`notice`)
        mapping = CommentedMap()
        for name in schemas.fields(kind, path):
            if name in required or name in OFFERED:
                value = _fill(schemas, kind, (*path, name), today, preset)
                mapping[name] = value
                note = _comment(schemas, kind, (*path, name), required=name in required,
                                blank=value in ("", None) or value == [""])
                mapping.yaml_add_eol_comment(note, name)
        return mapping
    if about.is_array:
        return CommentedSeq([_fill(schemas, kind, (*path, 0), today, preset)])
    if path and path[-1] in preset:
        return preset[str(path[-1])]
    if about.format == "date":
        # A new object each time: ruamel would anchor and alias a shared one.
        return date(today.year, today.month, today.day)
    if path and path[-1] == "year":
        return today.year
    if about.types & {"number", "integer"}:
        return None
    return ""


def _comment(schemas: SchemaSet, kind: str, path: tuple[str | int, ...], *, required: bool,
             blank: bool) -> str:
    about = field(schemas, kind, path)
    text = f"{('待填写' if required else '选填') if blank else '请核对'}：{about.title}"
    if about.enum is not None:
        text += "（可选：" + "、".join(map(str, about.enum)) + "）"
    return text
