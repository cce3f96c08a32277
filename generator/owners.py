"""Who may change what: .github/CODEOWNERS from the records, and the same rules checked on a change.

Owners are GitHub teams (``@org/team``) or users (``@login``) listed in an organization record's
``submitters``. The maintainers are the submitters of the city bureau, the organization whose id is
BUREAU; they own everything.

Rules of ownership
------------------
1. A notice (bases, evaluations, revocations, circulars, commendations, policies) is owned by the
   submitters of its ``issuer`` (发文机关), and by the maintainers.
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

import json
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, Location
from generator.records import KINDS, Record, RepositoryError, load_repository
from generator.schemas import SchemaSet
from generator.writing import write_file
from generator.yamlio import LoadError, load_document

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

_OWNER = re.compile(r"^@[A-Za-z0-9][A-Za-z0-9-]{0,38}(?:/[A-Za-z0-9._-]{1,100})?$")
# What CODEOWNERS patterns we write may contain: no `!`, `[ ]`, `\`, `#`, spaces (GitHub rejects or
# misreads them), and the file names the schema allows for records.
_PATTERN = re.compile(r"^/[A-Za-z0-9._/*-]+$")
_FIELD_TITLES = {"issuer": "发文机关", "department": "报送部门"}
_VERBS = {"A": "新增", "D": "删除"}


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
                tuple(s for s in submitters if isinstance(s, str) and _OWNER.match(s))))
        bureau = self.orgs.get(BUREAU)
        self.bureau: tuple[str, ...] = bureau.submitters if bureau else ()

    def with_bureau(self, entries: Iterable[str]) -> tuple[str, ...]:
        return _unique([*entries, *self.bureau])

    def requirements(self, kind: str, record_id: str, data: Any) -> list[Requirement]:
        """What a change to the record `kind`/`record_id` with content `data` needs; None data: unreadable."""
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
        fields = ["department"] if kind == "plans" else ["issuer"]
        if kind == "plans" and isinstance(data, dict) and data.get("issuer") != data.get("department"):
            fields.append("issuer")
        return [self._owner(field, data.get(field) if isinstance(data, dict) else None) for field in fields]

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

    Only records that pass their schema get a line; the output does not depend on `as_of` (it is
    passed to check_repository, whose rules need a day) and is the same on every run.

    Raises:
        RepositoryError: records/ cannot be read, the bureau has no submitters, or a line would break
            GitHub's CODEOWNERS syntax.
    """
    from generator.validate import check_repository  # validate imports the rules; keep this module light

    records = check_repository(root, as_of=as_of or date.today()).records
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
        owners = _common(directory.requirements(record.kind, record.id, record.data))
        lines.append(_line("/" + record.path, owners))
    lines.append("")
    lines.extend(_line(pattern, directory.bureau) for pattern in MAINTAINER_PATHS)
    text = "\n".join(lines) + "\n"
    if len(text.encode("utf-8")) >= MAX_CODEOWNERS_BYTES:
        raise RepositoryError(f"生成的 CODEOWNERS 超过 3 MB，GitHub 将忽略它（{len(text.encode())} 字节）")
    return text


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
    bad = [o for o in owners if not _OWNER.match(o)]
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


# -- team membership ------------------------------------------------------------------------------


def load_teams(path: Path) -> dict[str, set[str]]:
    """Team membership from a YAML or JSON file: {"@org/team": ["login", ...], ...}.

    Raises:
        ValueError: the file is unreadable or not of that shape (message in Chinese).
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"无法读取团队成员文件 {path}：{exc.strerror}") from None
    try:
        data = json.loads(raw) if path.suffix.lower() == ".json" else load_document(raw).data
    except (ValueError, LoadError) as exc:
        raise ValueError(f"团队成员文件 {path} 格式错误：{getattr(exc, 'message', exc)}") from None
    if not isinstance(data, dict):
        raise ValueError(f"团队成员文件 {path} 应为「@组织/团队: [登录名, …]」的映射")
    teams: dict[str, set[str]] = {}
    for team, members in data.items():
        if not (isinstance(team, str) and _OWNER.match(team) and "/" in team):
            raise ValueError(f"团队成员文件 {path}：「{team}」不是 @组织/团队 形式的团队名")
        if not isinstance(members, list) or not all(isinstance(m, str) and m for m in members):
            raise ValueError(f"团队成员文件 {path}：团队 {team} 的成员应为登录名列表")
        teams[team] = {m.removeprefix("@") for m in members}
    return teams


def is_member(author: str, owners: Iterable[str], teams: Mapping[str, set[str]]) -> bool:
    """Whether the login `author` is one of `owners` (a user entry) or in one of its teams."""
    login = author.removeprefix("@").lower()
    members = {team.lower(): {m.removeprefix("@").lower() for m in logins} for team, logins in teams.items()}
    for owner in owners:
        owner = owner.lower()
        if "/" in owner:
            if login in members.get(owner, set()):
                return True
        elif owner == "@" + login:
            return True
    return False


# -- checking a change ----------------------------------------------------------------------------


def check_authz(
    repo: Path,
    *,
    author: str,
    base: str,
    head: str | None = None,
    teams: Mapping[str, set[str]],
) -> list[Diagnostic]:
    """Files of the change BASE...HEAD (HEAD None: the working tree) that `author` may not change.

    Args:
        repo: the git work tree.
        author: the GitHub login of the pull request's author (with or without @).
        base: the ref the change goes into; its records decide every owner.
        head: the ref of the change; None for the working tree, untracked records included.
        teams: team membership, "@org/team" -> logins.

    Returns:
        One authz-denied or authz-unknown-owner error per file the author may not change, sorted.

    Raises:
        RepositoryError: git fails (unknown ref, not a repository) or the base has no records/.
    """
    changes = _changed_files(repo, base, head)
    with tempfile.TemporaryDirectory(prefix="jxjy-base-") as tmp:
        base_records = _records_at(repo, base, Path(tmp))
    schemas = SchemaSet()
    for record in base_records:
        record.valid = not schemas.check(record)
    directory = Directory(base_records)
    by_path = {record.path: record for record in base_records}
    login = author.removeprefix("@")
    found: list[Diagnostic] = []
    for status, path in changes:
        if path == CODEOWNERS_PATH and status != "D" and _is_generated_codeowners(repo, head):
            continue  # regenerating it for one's own records is what `jxjy codeowners --check` asks for
        diagnostic = _judge(repo, directory, by_path, login, status, path, head, teams)
        if diagnostic is not None:
            found.append(diagnostic)
    return sorted(found)


def _judge(repo: Path, directory: Directory, by_path: dict[str, Record], author: str, status: str, path: str,
           head: str | None, teams: Mapping[str, set[str]]) -> Diagnostic | None:
    if is_member(author, directory.bureau, teams):
        return None
    verb = _VERBS.get(status, "修改")
    parts = path.split("/")
    is_record = len(parts) == 3 and parts[0] == "records" and parts[1] in KINDS and parts[2].endswith(".yaml")
    if not is_record:
        return _denied(author, verb, path, Location(path, 1, 1),
                       Requirement(directory.bureau, "该文件只能由维护者修改"))
    kind, record_id = parts[1], parts[2].removesuffix(".yaml")
    new = False if status == "D" else _head_document(repo, head, path)
    old = by_path.get(path) if status != "A" else None
    requirements: list[Requirement] = []
    if new is not False:
        requirements += directory.requirements(kind, record_id, new.data if new else None)
    if old is None and status != "A":
        requirements.append(Requirement(directory.bureau, "目标分支中的该文件无法读取为记录", "authz-unknown-owner"))
    if old is not None:
        requirements += directory.requirements(kind, record_id, old.data)
        if kind == "organizations" and new and new.data.get("type") != old.data.get("type"):
            requirements.append(Requirement(directory.bureau, "机构类型只能由维护者修改", field="type"))
    for requirement in requirements:
        if not is_member(author, requirement.owners, teams):
            location = Location(path, 1, 1)
            if new and requirement.field and requirement.field in new.data:
                location = Location(path, *new.locate((requirement.field,)))
            return _denied(author, verb, path, location, requirement)
    return None


def _denied(author: str, verb: str, path: str, location: Location, requirement: Requirement) -> Diagnostic:
    owners = "、".join(requirement.owners) or "（无人：维护者机构未登记可提交人）"
    return Diagnostic(location, requirement.rule, "error",
                      f"{author} 不能{verb} {path}：{requirement.reason}，只有 {owners} 可以提交")


def _head_document(repo: Path, head: str | None, path: str) -> Any:
    """The head version of `path` as a Document, None when unreadable as a record, False when absent."""
    if head is None and (repo / path).is_symlink():
        return None
    raw = _head_bytes(repo, head, path)
    if raw is None:
        return False
    try:
        return load_document(raw)
    except LoadError:
        return None


def _head_bytes(repo: Path, head: str | None, path: str) -> bytes | None:
    """The head version of `path` (None: the working tree), or None when it does not exist there."""
    if head is None:
        try:
            return (repo / path).read_bytes()
        except OSError:
            return None
    result = subprocess.run(["git", "show", f"{head}:{path}"], cwd=repo, capture_output=True)
    return result.stdout if result.returncode == 0 else None


def _is_generated_codeowners(repo: Path, head: str | None) -> bool:
    """Whether the head's CODEOWNERS is exactly what `jxjy codeowners` makes from the head's records."""
    current = _head_bytes(repo, head, CODEOWNERS_PATH)
    if current is None:
        return False
    if head is None:
        return current.decode("utf-8", errors="replace") == codeowners(repo)
    with tempfile.TemporaryDirectory(prefix="jxjy-head-") as tmp:
        _records_at(repo, head, Path(tmp))
        return current.decode("utf-8", errors="replace") == codeowners(Path(tmp))


def _git(repo: Path, *args: str) -> bytes:
    try:
        result = subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True)
    except FileNotFoundError:
        raise RepositoryError("找不到 git 命令") from None
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode("utf-8", "replace").strip()
        raise RepositoryError(f"git {' '.join(args)} 失败：{message}") from None
    return result.stdout


def _changed_files(repo: Path, base: str, head: str | None) -> list[tuple[str, str]]:
    """(status letter, path) of each file the change touches, against the merge base as a pull request is."""
    args = ["diff", "--name-status", "--no-renames", "-z"]
    args += ["--merge-base", base] if head is None else [f"{base}...{head}"]
    fields = _git(repo, *args).decode("utf-8").split("\0")
    changes = {path: status[0] for status, path in zip(fields[0::2], fields[1::2], strict=False) if path}
    if head is None:
        untracked = _git(repo, "ls-files", "--others", "--exclude-standard", "-z", "--", "records")
        for path in untracked.decode("utf-8").split("\0"):
            if path:
                changes.setdefault(path, "A")
    return [(status, path) for path, status in sorted(changes.items())]


def _records_at(repo: Path, ref: str, into: Path) -> list[Record]:
    """The records of `ref`, read from an export into `into`."""
    archive = _git(repo, "archive", "--format=tar", ref, "--", "records")
    with tempfile.TemporaryFile() as buffer:
        buffer.write(archive)
        buffer.seek(0)
        with tarfile.open(fileobj=buffer) as tar:
            tar.extractall(into, filter="data")
    records, _, _ = load_repository(into)
    return records
