"""Check a repository: load every record, validate it against its schema, run the rules."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator import git, runcache
from generator.attachments import Attachment
from generator.diagnostics import Diagnostic, Report
from generator.examine import Examined, examine
from generator.records import Record, RecordSet, RepositoryError
from generator.rules import run_all
from generator.rules.context import Context
from generator.schemas import SchemaSet
from generator.status import Lifecycle


@dataclass
class Result:
    report: Report
    records: RecordSet
    files: int
    schemas: SchemaSet  # compiled for the run; pages reuse them for field titles
    lifecycles: dict[str, Lifecycle]  # each base's fold as of the run's day: the site shows it as it is


def check_repository(root: Path, *, as_of: date, only: Iterable[Path] = (), cache_dir: Path | None = None,
                     schemas: SchemaSet | None = None) -> Result:
    """Validate every record under `root`/records as of `as_of`.

    Args:
        root: the repository root.
        as_of: the day that counts as today (deadlines, dates in the future).
        only: files to report on; references are still checked against the whole set.
        cache_dir: where to remember each file's load and schema verdict between runs.
        schemas: the run's compiled schemas, when the caller has them already.

    Returns:
        The report (only on `only` when given), the record set and the number of files seen.

    Raises:
        RepositoryError: records/ is missing, a file cannot be read, or `only` names a file
            outside records/.
        SchemaSetupError: the schemas cannot be trusted.
    """
    schemas = schemas or SchemaSet()
    examined, records, found, lives = _run(root, as_of, cache_dir, schemas)
    report, files = _report(root, [*examined.diagnostics, *found], examined.files, only)
    return Result(report, records, files, schemas, lives)


def check_report(root: Path, *, as_of: date, only: Iterable[Path] = (),
                 cache_dir: Path | None = None) -> tuple[Report, int]:
    """check_repository's report and number of files, served by the run cache (generator.runcache)
    when it can: the same report, without loading the records nothing has changed in.

    Raises:
        As check_repository.
    """
    served = runcache.replay(cache_dir, root, as_of) if cache_dir is not None else None
    if served is not None:
        return _report(root, *served, only)
    scan = runcache.Scan(root) if cache_dir is not None else None  # before any file is read
    examined, _, found, _ = _run(root, as_of, cache_dir, SchemaSet())
    if cache_dir is not None and scan is not None:
        runcache.remember(cache_dir, root, as_of, scan, examined, found)
    return _report(root, [*examined.diagnostics, *found], examined.files, only)


def _run(root: Path, as_of: date, cache_dir: Path | None, schemas: SchemaSet,
         ) -> tuple[Examined, RecordSet, list[Diagnostic], dict[str, Lifecycle]]:
    examined = examine(root, schemas, cache_dir)
    records, found, lives = check_records(examined.records, as_of=as_of, schemas=schemas,
                                          attachments=examined.attachments)
    return examined, records, found, lives


def _report(root: Path, diagnostics: list[Diagnostic], files: int, only: Iterable[Path]) -> tuple[Report, int]:
    """The report on `only` (every file when empty) and the number of files it covers."""
    wanted = _relative(root, only)
    if wanted is not None:
        diagnostics = [d for d in diagnostics if d.location.path in wanted]
    return Report.of(diagnostics), files if wanted is None else len(wanted)


def check_records(loaded: list[Record], *, as_of: date, schemas: SchemaSet, attachments: list[Attachment] | None = None,
                  ) -> tuple[RecordSet, list[Diagnostic], dict[str, Lifecycle]]:
    """The cross-record rules over `loaded` (records whose `valid` flags the schema has set) and the
    attachment files found beside them, as of `as_of`: the record set, its problems and each base's
    lifecycle. `jxjy import` runs them over the repository's records plus those it is about to write."""
    records = RecordSet(loaded, attachments)
    context = Context(records, as_of, schemas)
    return records, list(run_all(context)), context.lives


def records_at(repo: Path, ref: str, *, as_of: date, schemas: SchemaSet | None = None) -> Result:
    """Validate records/ as it is at the git `ref` (a branch, tag or commit of `repo`): the one way
    to read the records of another version. Paths read records/<kind>/<id>.yaml; a ref without
    records/ gives zero records.

    Raises:
        GitError: the ref is unknown or git fails.
    """
    with tempfile.TemporaryDirectory(prefix="jxjy-ref-") as tmp:
        (Path(tmp) / "records").mkdir()
        git.export(repo, ref, "records", Path(tmp))
        return check_repository(Path(tmp), as_of=as_of, schemas=schemas)


def _relative(root: Path, paths: Iterable[Path]) -> set[str] | None:
    paths = list(paths)
    if not paths:
        return None
    base = root.resolve()
    wanted = set()
    for path in paths:
        candidates = [path] if path.is_absolute() else [Path.cwd() / path, root / path]
        files = [c.resolve() for c in candidates if c.is_file()]
        if not files:
            raise RepositoryError(f"找不到文件：{path}")
        inside = [f for f in files if f.is_relative_to(base)]
        if not inside:
            raise RepositoryError(f"{path} 不在 {root} 之下")
        wanted.add(inside[0].relative_to(base).as_posix())
    return wanted
