"""Whether the author of a change may make it: the rules of ownership (generator.owners) checked
on each file the change touches, against the records of the branch it goes into, with team
membership read from a file (.github/teams.yaml in CI: the GitHub token of a pull request cannot
list a team's members).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from generator import git
from generator.diagnostics import Diagnostic, Location
from generator.errors import JxjyError
from generator.files import ReadRefused, read_plain
from generator.owners import CODEOWNERS_PATH, OWNER, Directory, Requirement, codeowners_of
from generator.records import KINDS, Record
from generator.schemas import SchemaSet
from generator.validate import check_repository, records_at
from generator.yamlio import Document, LoadError, load_document

_VERBS = {"A": "新增", "D": "删除"}
MAX_TEAMS_BYTES = 1024 * 1024


class TeamsError(JxjyError):
    """The team membership file is unreadable or not of its shape."""


# -- team membership ------------------------------------------------------------------------------


def load_teams(path: Path) -> dict[str, set[str]]:
    """Team membership from a YAML or JSON file: {"@org/team": ["login", ...], ...}.

    Raises:
        TeamsError: the file is unreadable or not of that shape.
    """
    try:
        raw = read_plain(path, MAX_TEAMS_BYTES)
    except FileNotFoundError:
        raise TeamsError(f"无法读取团队成员文件 {path}：文件不存在") from None
    except ReadRefused as exc:
        raise TeamsError(f"团队成员文件 {path} {exc}") from None
    if len(raw) > MAX_TEAMS_BYTES:
        raise TeamsError(f"团队成员文件 {path} 超过 {MAX_TEAMS_BYTES // 1024} KB")
    try:
        data = json.loads(raw) if path.suffix.lower() == ".json" else load_document(raw).data
    except (ValueError, LoadError) as exc:
        raise TeamsError(f"团队成员文件 {path} 格式错误：{getattr(exc, 'message', exc)}") from None
    if not isinstance(data, dict):
        raise TeamsError(f"团队成员文件 {path} 应为「@组织/团队: [登录名, …]」的映射")
    teams: dict[str, set[str]] = {}
    for team, members in data.items():
        if not (isinstance(team, str) and OWNER.match(team) and "/" in team):
            raise TeamsError(f"团队成员文件 {path}：「{team}」不是 @组织/团队 形式的团队名")
        if not isinstance(members, list) or not all(isinstance(m, str) and m for m in members):
            raise TeamsError(f"团队成员文件 {path}：团队 {team} 的成员应为登录名列表")
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
        GitError: git fails (an unknown ref, not a repository).
    """
    changes = git.changed_files(repo, base, head, ":/", since_fork=True)
    schemas = SchemaSet()
    base_records = records_at(repo, base, as_of=date.today(), schemas=schemas).records.all
    directory = Directory(base_records)
    by_path = {record.path: record for record in base_records}
    login = author.removeprefix("@")
    found: list[Diagnostic] = []
    for path, status in changes.items():
        if path == CODEOWNERS_PATH and status != "D" and _is_generated_codeowners(repo, head, schemas):
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
    absent, new = (True, None) if status == "D" else _head_document(repo, head, path)
    old = by_path.get(path) if status != "A" else None
    requirements: list[Requirement] = []

    def notice_of(notice_id: str) -> Any:
        """A 名单公告 as the base has it, else as the head adds it (its own file is judged by its issuers)."""
        at_base = by_path.get(f"records/notices/{notice_id}.yaml")
        if at_base is not None:
            return at_base.data if at_base.valid else None
        missing, added = _head_document(repo, head, f"records/notices/{notice_id}.yaml")
        return added.data if added is not None and not missing else None

    if not absent:
        requirements += directory.requirements(kind, record_id, new.data if new else None, notice_of)
    if old is None and status != "A":
        requirements.append(Requirement(directory.bureau, "目标分支中的该文件无法读取为记录", "authz-unknown-owner"))
    if old is not None:
        requirements += directory.requirements(kind, record_id, old.data, notice_of)
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
    return Diagnostic(location, requirement.rule,
                      f"{author} 不能{verb} {path}：{requirement.reason}，只有 {owners} 可以提交")


def _head_document(repo: Path, head: str | None, path: str) -> tuple[bool, Document | None]:
    """Whether `path` is absent from the head, and its head version as a Document (None when absent
    or unreadable as a record)."""
    raw = git.show(repo, head, path)
    if raw is None:
        return True, None
    try:
        return False, load_document(raw)
    except LoadError:
        return False, None


def _is_generated_codeowners(repo: Path, head: str | None, schemas: SchemaSet) -> bool:
    """Whether the head's CODEOWNERS is exactly what `jxjy codeowners` makes from the head's records."""
    current = git.show(repo, head, CODEOWNERS_PATH)
    if current is None:
        return False
    if head is None:
        records = check_repository(repo, as_of=date.today(), schemas=schemas).records
    else:
        records = records_at(repo, head, as_of=date.today(), schemas=schemas).records
    return current.decode("utf-8", errors="replace") == codeowners_of(records)
