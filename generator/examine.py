"""Load and check every record file alone: in parallel on up to eight cores, remembering each verdict by content.

Parsing, the schema and the rules on one record alone (generator.rules.RECORD_CHECKS) are most of
the cost of a run; the cross-record rules need every record, so they always run. A file's verdict
depends only on its bytes, its kind and this program, so the cache keys verdicts by the SHA-256
of kind and bytes, and drops them all when any file of the package or its schemas changes. A stat
index (size, times, inode) spares re-reading unchanged files, as git's index does; a file changed
within the last seconds is always read again, so an edit that keeps size and time cannot pass for
the old content.

The cache lives outside the checkout (JXJY_CACHE_DIR, else $XDG_CACHE_HOME/jxjy-registry): a pull
request cannot plant verdicts in it. It holds only marshal data; a damaged file is ignored.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

from generator.attachments import Attachment
from generator.diagnostics import Diagnostic
from generator.forked import forked_map, workers
from generator.records import Record, find_records, read_record
from generator.rules import RECORD_CHECKS, projection
from generator.schemas import SchemaSet, schema_files
from generator.yamlio import Document, LoadError, load_document

FORMAT = 4  # verdicts carry the positions of every node since 3, the cross-record projection since 4
RACY_SECONDS = 2  # files modified this recently are never trusted by their stat alone
PARALLEL_FROM = 400  # files to examine before a second process pays for itself

# A verdict: ("load", row) or ("ok", data, value positions, key positions, schema problems,
# record-rule problems, projection), each problem a Diagnostic.row(): builtins only, for marshal.
# The positions travel with the data, so a record from the cache or a forked child locates problems
# as one parsed here does, without reading its file again. The projection (generator.rules.projection)
# is what the cross-record rules can see of the record: the run cache (generator.runcache) compares it.
Verdict = tuple[Any, ...]


class Examined(NamedTuple):
    records: list[Record]  # each with `valid` set
    attachments: list[Attachment]  # the files beside them (never cached: the rules judge them afresh each run)
    diagnostics: list[Diagnostic]  # the load, schema and one-record problems, and misplaced files
    files: int  # record files seen
    digests: dict[str, tuple[str, bytes | None]]  # rel -> (content digest, projection; None: it did not load)


def default_cache_dir() -> Path:
    configured = os.environ.get("JXJY_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "jxjy-registry"


def examine(root: Path, schemas: SchemaSet, cache_dir: Path | None = None) -> Examined:
    """Load every record under `root`/records and check it against its schema.

    Args:
        root: the repository root.
        schemas: the compiled schemas.
        cache_dir: where verdicts are remembered between runs; None: remember nothing.

    Returns:
        The records, the attachment files beside them, the problems found, the number of record
        files seen, and each record file's content digest and projection.

    Raises:
        RepositoryError: records/ is missing or a file cannot be read.
    """
    found, files_found, diagnostics, files = find_records(root)
    cache = _Cache(cache_dir, root)
    verdicts: dict[str, Verdict] = {}
    pending: list[tuple[str, str, bytes, str]] = []  # rel, kind, bytes, digest
    for item in found:
        rel, stat = item.rel, _stat(item.entry)  # the stat before the bytes: an edit in between is racy
        digest = cache.digest_by_stat(rel, stat)
        if digest is None:
            raw = read_record(item.path, rel)
            digest = cache.note(rel, stat, item.kind, raw)
            if digest not in cache.verdicts:
                pending.append((rel, item.kind, raw, digest))
                continue
        verdicts[rel] = cache.verdicts[digest]
    for (rel, _, _, digest), verdict in zip(pending, _examine_all(pending, schemas), strict=True):
        cache.verdicts[digest] = verdicts[rel] = verdict
    cache.save()

    records: list[Record] = []
    digests: dict[str, tuple[str, bytes | None]] = {}
    for item in found:
        rel = item.rel
        verdict = verdicts[rel]
        diagnostics.extend(verdict_problems(rel, verdict))
        digests[rel] = (cache.digests[rel], None if verdict[0] == "load" else verdict[6])
        if verdict[0] == "ok":
            records.append(record_of(rel, item.kind, verdict))
    return Examined(records, files_found, diagnostics, files, digests)


def record_of(rel: str, kind: str, verdict: Verdict) -> Record:
    """The record of a file that loaded (verdict "ok"); `valid` unless the schema refused it."""
    return Record(kind, Path(rel).stem, rel, Document(*verdict[1:4]), valid=not verdict[4])


def verdict_problems(rel: str, verdict: Verdict) -> list[Diagnostic]:
    """The problems a verdict holds: its load error, or its schema and one-record problems."""
    rows = [verdict[1]] if verdict[0] == "load" else [*verdict[4], *verdict[5]]
    return [Diagnostic.from_row(rel, row) for row in rows]


def _examine_all(pending: list[tuple[str, str, bytes, str]], schemas: SchemaSet) -> list[Verdict]:
    work = [(rel, kind, raw) for rel, kind, raw, _ in pending]
    if len(work) < PARALLEL_FROM or workers() == 1:
        return [examine_one(item, schemas) for item in work]
    size = -(-len(work) // (workers() * 4))
    chunks = [work[i:i + size] for i in range(0, len(work), size)]
    # the children inherit the compiled schemas; they send back plain verdicts
    examined = forked_map(lambda chunk: [examine_one(item, schemas) for item in chunk], chunks)
    return [verdict for chunk in examined for verdict in chunk]


def examine_one(item: tuple[str, str, bytes], schemas: SchemaSet) -> Verdict:
    """The verdict on one record file's bytes (rel, kind, raw): what the cache remembers."""
    rel, kind, raw = item
    try:
        doc = load_document(raw)
    except LoadError as exc:
        return ("load", exc.diagnostic(rel).row())
    record = Record(kind, Path(rel).stem, rel, doc)
    schema_problems, record_problems = check_alone(record, schemas)
    return ("ok", doc.data, doc.values, doc.keys, tuple(d.row() for d in schema_problems),
            tuple(d.row() for d in record_problems), projection(record, schemas))


def check_alone(record: Record, schemas: SchemaSet) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """The schema's problems with one record, then (only when it has none) those of the rules on
    one record alone (RECORD_CHECKS). Sets `record.valid`: the cross-record rules skip a record the
    schema refused."""
    schema_problems = schemas.check(record)
    record.valid = not schema_problems
    record_problems = [] if schema_problems else [d for check in RECORD_CHECKS for d in check(record, schemas)]
    return schema_problems, record_problems


class _Cache:
    """Verdicts by content digest, and the stat of each file when its digest was taken."""

    def __init__(self, directory: Path | None, root: Path) -> None:
        self.file = directory / f"{_hash(str(root.resolve()).encode())[:20]}.marshal" if directory else None
        self.salt = salt()
        self.started = time.time_ns()
        # this run's: rel -> (size, mtime, ctime, inode, device); rel -> digest; digest -> verdict
        self.stats: dict[str, tuple[int, ...]] = {}
        self.digests: dict[str, str] = {}
        self.verdicts: dict[str, Verdict] = {}
        self._old_stats, self._old_digests, self._old_verdicts = self._read()

    def _read(self) -> tuple[dict[str, tuple[int, ...]], dict[str, str], dict[str, Verdict]]:
        try:
            assert self.file is not None
            version, salt, stats, digests, verdicts = marshal.loads(self.file.read_bytes())
        except (AssertionError, OSError, EOFError, ValueError, TypeError):
            return {}, {}, {}  # no cache, or a damaged one: start afresh
        if version != FORMAT or salt != self.salt:
            return {}, {}, {}
        return stats, digests, verdicts

    def digest_by_stat(self, rel: str, stat: tuple[int, ...]) -> str | None:
        """The digest recorded for `rel` when its stat is unchanged, else None (read the file)."""
        if self._old_stats.get(rel) != stat:
            return None
        digest = self._old_digests[rel]
        if digest not in self._old_verdicts:
            return None
        self.stats[rel], self.digests[rel] = stat, digest
        self.verdicts[digest] = self._old_verdicts[digest]
        return digest

    def note(self, rel: str, stat: tuple[int, ...], kind: str, raw: bytes) -> str:
        """Digest `raw` (as a file of `kind`); remember its stat unless it changed too recently."""
        digest = content_digest(kind, raw)
        if stat[1] < self.started - RACY_SECONDS * 10**9:
            self.stats[rel] = stat
        self.digests[rel] = digest
        if digest in self._old_verdicts:
            self.verdicts[digest] = self._old_verdicts[digest]
        return digest

    def save(self) -> None:
        """Write what this run used (verdicts of files gone are dropped), atomically."""
        if self.file is None:
            return
        kept = {digest: self.verdicts[digest] for digest in set(self.digests.values()) if digest in self.verdicts}
        content = (FORMAT, self.salt, self.stats, self.digests, kept)
        if (self._old_stats, self._old_digests, self._old_verdicts) == (self.stats, self.digests, kept):
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.file.parent, delete=False) as out:
                out.write(marshal.dumps(content))
            os.replace(out.name, self.file)
        except OSError:
            pass  # a cache that cannot be written costs time, never correctness


def _stat(entry: os.DirEntry[str]) -> tuple[int, ...]:
    st = entry.stat(follow_symlinks=False)
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def content_digest(kind: str, raw: bytes) -> str:
    """What a verdict is remembered by: the file's kind and bytes."""
    return _hash(kind.encode() + b"\0" + raw)


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_SALT: str | None = None


def salt() -> str:
    """A digest of everything a verdict depends on besides the file: this package's code and
    data, the schemas, and the versions of the libraries that parse and validate."""
    global _SALT
    if _SALT is None:
        digest = hashlib.sha256(f"{sys.version}|{FORMAT}".encode())
        for name in ("ruamel.yaml", "ruamel.yaml.clib", "jsonschema", "jsonschema-rs", "rfc3986-validator",
                     "chinesecalendar"):
            digest.update(f"{name}={metadata.version(name)};".encode())
        package = Path(__file__).resolve().parent
        own = [path for pattern in ("*.py", "*.yaml", "*.csv") for path in package.rglob(pattern)]
        for path in [*sorted(own), *schema_files()]:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        _SALT = digest.hexdigest()
    return _SALT
