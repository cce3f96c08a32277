"""Who may change what: .github/CODEOWNERS from the records, and the same rules checked on a change.

Owners are GitHub teams (``@org/team``) or users (``@login``) listed in an organization record's
``submitters``. The maintainers are the submitters of the city bureau, the organization whose id is
BUREAU; they own everything.

Rules of ownership
------------------
1. A notice (bases, notices, evaluations, revocations, circulars, commendations, policies) is owned by
   the submitters of its ``issuer`` (发文机关), and by the maintainers. A joint document (联合发文)
   may be changed by the submitters of any of its issuers (``issuer`` and ``co_issuers``). An item of
   a 名单公告 (a base, evaluation or revocation with ``notice``) is owned as that notice is.
2. A plan (plans) is owned by the submitters of its ``department`` (报送部门), and by the maintainers.
   A plan whose ``issuer`` is another organization speaks for that organization too, so a change to
   it needs an owner of both (CODEOWNERS lists the entries common to both, plus the maintainers).
3. An organization record is owned by its own submitters, and by the maintainers. Only the
   maintainers may add an organization or change its ``type`` (机构类型): the type decides which
   notices an organization may issue.
4. An owner organization that does not exist, is invalid, or lists no submitters leaves the record
   to the maintainers alone. A record whose owner field is missing or unreadable likewise.
5. Everything else — schema/, generator/, .github/, docs/, tests/, mkdocs.yml, pyproject.toml,
   Makefile, files under records/ that are not records — belongs to the maintainers only.

A change (check_authz) is judged by the records of its BASE ref, never by its own: a pull request
cannot grant itself rights (a ``submitters`` change takes effect only once merged; an organization
added in the pull request owns nothing yet). A modified record needs an owner of its base version
and of its head version (the head's owner resolved against the base organizations), so nobody can
move a notice into another issuer's name; an added record is owned by the issuer/department its head
version names, which must already exist at the base; a deleted record needs an owner of its base
version. Logins and team names compare case-insensitively, as on GitHub.

CODEOWNERS can express rules 1–5 for files that exist; a newly added record matches only the default
``*`` line (the maintainers), so GitHub asks the maintainers to review additions, while check_authz
lets an institution propose a record for itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from generator.files import write_file
from generator.records import Record, RecordSet, RepositoryError
from generator.validate import check_repository

BUREAU = "org-czrsj"
CODEOWNERS_PATH = ".github/CODEOWNERS"
# Paths only the maintainers may change, as CODEOWNERS patterns (anchored at the repository root).
MAINTAINER_PATHS = (
    "/schema/",
    "/generator/",
    "/.github/",
    "/docs/",
    "/tests/",
    "/mkdocs.yml",
    "/pyproject.toml",
    "/Makefile",
)
MAX_CODEOWNERS_BYTES = 3 * 1024 * 1024  # GitHub ignores a larger CODEOWNERS file

OWNER = re.compile(r"^@[A-Za-z0-9][A-Za-z0-9-]{0,38}(?:/[A-Za-z0-9._-]{1,100})?$")
# What CODEOWNERS patterns we write may contain: no `!`, `[ ]`, `\`, `#`, spaces (GitHub rejects or
# misreads them), and the file names the schema allows for records.
_PATTERN = re.compile(r"^/[A-Za-z0-9._/*-]+$")
_FIELD_TITLES = {"issuer": "发文机关", "department": "报送部门"}


# -- owners ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    submitters: tuple[str, ...]


@dataclass(frozen=True)
class Requirement:
    """One organization a change speaks for: any of `owners` may make it."""

    owners: tuple[str, ...]  # submitters of the organization, then the maintainers
    reason: str  # Chinese: why these owners, e.g. 该记录的发文机关为「…」
    rule: str = "authz-denied"
    field: str | None = None  # the field naming the organization, for the location


class Directory:
    """The organizations of one snapshot of the records, and the maintainers among their submitters."""

    def __init__(self, records: Iterable[Record]) -> None:
        self.orgs: dict[str, Organization] = {}
        self.invalid: set[str] = set()  # organization records that fail their schema
        for record in records:
            if record.kind != "organizations":
                continue
            if not record.valid:
                self.invalid.add(record.id)
                continue
            submitters = record.data.get("submitters") or []
            self.orgs.setdefault(record.id, Organization(
                record.id, str(record.data.get("name", record.id)),
                tuple(s for s in submitters if isinstance(s, str) and OWNER.match(s))))
        bureau = self.orgs.get(BUREAU)
        self.bureau: tuple[str, ...] = bureau.submitters if bureau else ()

    def with_bureau(self, entries: Iterable[str]) -> tuple[str, ...]:
        return _unique([*entries, *self.bureau])

    def requirements(self, kind: str, record_id: str, data: Any,
                     notice_of: Callable[[str], Any] | None = None) -> list[Requirement]:
        """What a change to the record `kind`/`record_id` with content `data` needs; None data: unreadable.
        `notice_of` gives the data of a 名单公告 by id, for its items (which speak for its issuers)."""
        if kind == "organizations":
            org = self.orgs.get(record_id)
            if record_id in self.invalid:
                return [Requirement(self.bureau, f"机构记录「{record_id}」在目标分支中未通过校验",
                                    "authz-unknown-owner")]
            if org is None:
                return [Requirement(self.bureau, "新增机构只能由维护者提交")]
            if not org.submitters:
                return [Requirement(self.bureau, f"机构「{org.name}」未登记可提交人")]
            return [Requirement(self.with_bureau(org.submitters), f"该记录是机构「{org.name}」本身的资料")]
        if isinstance(data, dict) and "notice" in data and kind != "notices":
            return [self._listed(data["notice"], notice_of)]
        fields = ["department"] if kind == "plans" else ["issuer"]
        if kind == "plans" and isinstance(data, dict) and data.get("issuer") != data.get("department"):
            fields.append("issuer")
        found = [self._owner(field, data.get(field) if isinstance(data, dict) else None) for field in fields]
        co_issuers = data.get("co_issuers") if isinstance(data, dict) else None
        if kind != "plans" and isinstance(co_issuers, list) and found[0].rule != "authz-unknown-owner":
            found[0] = self._joint(found[0], co_issuers)
        return found

    def _joint(self, lead: Requirement, co_issuers: list[Any]) -> Requirement:
        """A joint document (联合发文) may be submitted by any of its issuers."""
        orgs = [self.orgs[c] for c in co_issuers if isinstance(c, str) and c in self.orgs]
        names = "、".join(f"「{o.name}」" for o in orgs)
        return Requirement(self.with_bureau([*lead.owners, *(s for o in orgs for s in o.submitters)]),
                           f"{lead.reason}（联合发文：{names}）" if names else lead.reason, field=lead.field)

    def _listed(self, notice_id: Any, notice_of: Callable[[str], Any] | None) -> Requirement:
        """An item of a 名单公告 speaks for the notice's issuers."""
        notice = notice_of(notice_id) if notice_of is not None and isinstance(notice_id, str) else None
        if not isinstance(notice, dict):
            return Requirement(self.bureau, f"该记录的所属公告「{notice_id}」不存在或无法读取", "authz-unknown-owner",
                               "notice")
        [owner] = self.requirements("notices", str(notice_id), notice)
        return Requirement(owner.owners, f"{owner.reason}（所属公告 {notice_id}）", owner.rule, "notice")

    def _owner(self, field: str, org_id: Any) -> Requirement:
        title = _FIELD_TITLES[field]
        if not isinstance(org_id, str) or not org_id:
            return Requirement(self.bureau, f"无法读取该记录的{title}", "authz-unknown-owner", field)
        org = self.orgs.get(org_id)
        if org is None:
            return Requirement(self.bureau, f"该记录的{title}「{org_id}」在目标分支中不存在（须先合入该机构记录）",
                               "authz-unknown-owner", field)
        if not org.submitters:
            return Requirement(self.bureau, f"该记录的{title}「{org.name}」未登记可提交人", field=field)
        return Requirement(self.with_bureau(org.submitters), f"该记录的{title}为「{org.name}」", field=field)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.lower(), item)
    return tuple(seen.values())


# -- CODEOWNERS -----------------------------------------------------------------------------------


def codeowners(root: Path, *, as_of: date | None = None) -> str:
    """The text of .github/CODEOWNERS for the records under `root`.

    The output does not depend on `as_of` (check_repository's rules need a day) and is the same on
    every run.

    Raises:
        RepositoryError: records/ cannot be read, the bureau has no submitters, or a line would break
            GitHub's CODEOWNERS syntax.
    """
    return codeowners_of(check_repository(root, as_of=as_of or date.today()).records)


def codeowners_of(records: RecordSet) -> str:
    """The text of .github/CODEOWNERS for `records`: only records that pass their schema get a line."""
    directory = Directory(records.valid("organizations"))
    if not directory.bureau:
        raise RepositoryError(f"机构记录 {BUREAU} 不存在、未通过校验或未登记可提交人，无法确定维护者")
    lines = [
        "# 本文件由 `jxjy codeowners` 根据 records/ 生成，请勿手工编辑；修改机构的「可提交人」后请重新生成。",
        "# Generated by `jxjy codeowners` from records/ - do not edit by hand.",
        "# The last matching line wins: the default first, then each record, then the maintainers' paths.",
        "",
        f"* {' '.join(directory.bureau)}",
        "",
    ]
    for record in sorted(records.valid(), key=lambda r: r.path):
        owners = _common(directory.requirements(record.kind, record.id, record.data, _notice_data(records)))
        lines.append(_line("/" + record.path, owners))
    lines.append("")
    lines.extend(_line(pattern, directory.bureau) for pattern in MAINTAINER_PATHS)
    text = "\n".join(lines) + "\n"
    if len(text.encode("utf-8")) >= MAX_CODEOWNERS_BYTES:
        raise RepositoryError(f"生成的 CODEOWNERS 超过 3 MB，GitHub 将忽略它（{len(text.encode())} 字节）")
    return text


def _notice_data(records: RecordSet) -> Callable[[str], Any]:
    def notice_of(notice_id: str) -> Any:
        notice = records.get(notice_id)
        return notice.data if notice is not None and notice.valid and notice.kind == "notices" else None
    return notice_of


def _common(requirements: list[Requirement]) -> tuple[str, ...]:
    """Entries any of whose members satisfies every requirement (maintainers always do)."""
    common = requirements[0].owners
    for requirement in requirements[1:]:
        wanted = {o.lower() for o in requirement.owners}
        common = tuple(o for o in common if o.lower() in wanted)
    return common


def _line(pattern: str, owners: tuple[str, ...]) -> str:
    if not _PATTERN.match(pattern) or "**" in pattern:
        raise RepositoryError(f"路径「{pattern}」含有 CODEOWNERS 不支持的字符")
    bad = [o for o in owners if not OWNER.match(o)]
    if bad or not owners:
        raise RepositoryError(f"路径「{pattern}」的所有者无效：{'、'.join(bad) or '（空）'}")
    return f"{pattern} {' '.join(owners)}"


def write_codeowners(root: Path, *, as_of: date | None = None) -> Path:
    """Regenerate `root`/.github/CODEOWNERS; returns its path."""
    path = root / CODEOWNERS_PATH
    write_file(path, codeowners(root, as_of=as_of), inside=root)
    return path


def codeowners_pending(root: Path, *, as_of: date | None = None) -> list[str] | None:
    """Whether `root`/.github/CODEOWNERS is current: None when it is stale, else the record files it
    does not list yet.

    A pull request that adds a record cannot regenerate CODEOWNERS (.github/ is the maintainers'),
    and needs not: the new file matches the default `*` line, the maintainers. So a file that lacks
    only the lines of records it has never listed is current; any other difference is stale.
    """
    path = root / CODEOWNERS_PATH
    try:
        current = path.read_bytes().decode("utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    wanted = codeowners(root, as_of=as_of).split("\n")
    listed = {line.split(" ", 1)[0] for line in current}
    have = set(current)
    pending = [line for line in wanted if line not in have]
    if any(not line.startswith("/records/") or line.split(" ", 1)[0] in listed for line in pending):
        return None
    if [line for line in wanted if line in have] != current:
        return None
    return [line.split(" ", 1)[0].removeprefix("/") for line in pending]
