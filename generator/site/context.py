"""What every page generator receives: the checked records, the day, settings, history, links."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from generator import dates
from generator.attachments import Attachment
from generator.records import KIND_TITLES, Record, RecordSet
from generator.schemas import SchemaSet
from generator.site.history import Change
from generator.site.render import Fragment
from generator.status import Lifecycle, lifecycle


@dataclass(frozen=True)
class Output:
    """One file of the generated docs tree: a Markdown page or a data file."""

    path: str  # POSIX, relative to the generated docs folder
    # A Fragment is a record page, which the build pours into its kind's one engine-rendered shell.
    content: str | bytes | Fragment

    def encoded(self) -> bytes:
        """The file as the engine would read it."""
        content = self.content.markdown() if isinstance(self.content, Fragment) else self.content
        return content if isinstance(content, bytes) else content.encode()


@dataclass
class SiteContext:
    records: RecordSet
    as_of: date
    schemas: SchemaSet
    settings: dict[str, Any]  # `extra.registry` and `site_url` of mkdocs.yml, checked
    history: dict[str, list[Change]] = field(default_factory=dict)  # record path -> changes, newest first
    lives: dict[str, Lifecycle] = field(default_factory=dict)  # the validation's folds (Result.lifecycles)

    # -- records --------------------------------------------------------------------------

    def notices(self, kind: str | None = None) -> list[Record]:
        """Valid notices of their own (of one kind), newest first by 发布日期 (a cited document's
        成文日期), then by id."""
        return sorted(self.records.notices(kind), key=lambda r: (published(r.data), r.id), reverse=True)

    def bases(self) -> list[Record]:
        """Each base once, under its identity, in id order."""
        return sorted((b for b in self.records.valid("bases") if self.records.identity(b.id) == b.id),
                      key=lambda b: b.id)

    def life(self, base_id: str) -> Lifecycle:
        if base_id not in self.lives:  # a SiteContext made without a validation's folds (tests)
            self.lives[base_id] = lifecycle(base_id, self.records, self.as_of)
        return self.lives[base_id]

    def name(self, org_id: str) -> str:
        """An organization's name, or its id when it is unknown."""
        org = self.records.get(org_id)
        return str(org.data.get("name", org_id)) if org is not None else org_id

    def is_sample(self) -> bool:
        return any(r.data.get("sample") is True for r in self.records.all)

    def in_publicity(self, record: Record | None) -> bool:
        publicity = record.data.get("publicity") if record is not None else None
        if not publicity:
            return False
        start, end = dates.parse(publicity["start"]), dates.parse(publicity["end"])
        return start is not None and end is not None and start <= self.as_of <= end

    # -- links ----------------------------------------------------------------------------

    def page_of(self, record: Record) -> str:
        """The permanent page of a record, built from its kind and id: bases/base-2020-001.md.

        A base has one page under its identity (the first record of its correction chain),
        which shows the current version; every other notice has its own page.
        """
        if record.kind == "bases":
            return f"bases/{self.records.identity(record.id)}.md"
        return f"{record.kind}/{record.id}.md"

    def site_url(self) -> str:
        """The public root of the site, ending with a slash: mkdocs.yml's site_url (generator.site.settings)."""
        return str(self.settings["site_url"])

    def file_of(self, attachment: Attachment) -> str:
        """Where an attachment is published (docs-tree path): beside its record's page, by record id,
        records/circulars/circ-2025-002/x.xlsx -> circulars/circ-2025-002/x.xlsx."""
        return attachment.rel.removeprefix("records/")

    def absolute(self, path: str) -> str:
        """The public URL of a generated file (docs-tree path, e.g. revocations/rev-2025-001.md)."""
        return self.site_url() + url_of(path)

    def base_name(self, base_id: str) -> str:
        """The current name of the base that `base_id` (any version) belongs to."""
        identity = self.records.identity(base_id)
        if self.records.get(identity) is None:
            return base_id
        return str(self.life(identity).base.data.get("name", base_id))

    def kind_title(self, kind: str) -> str:
        return KIND_TITLES[kind]


def published(data: dict[str, Any]) -> str:
    """A notice's 发布日期 on this platform; a cited document's 成文日期, as it was published elsewhere."""
    return str(data.get("published_on") or data["written_on"])


def url_of(path: str) -> str:
    """The URL (relative to the site root) of a generated file, as MkDocs' directory URLs make it."""
    if not path.endswith(".md"):
        return path
    stem = path[:-3]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def href(source: str, target: str) -> str:
    """A relative link from the page `source` to the file `target` (both generated-docs paths).

    Raw HTML in a page is not rewritten by the engine, so links are made relative here: the
    site then works under any base path and from a plain file server.
    """
    here = url_of(source).rsplit("/", 1)[0].split("/") if "/" in url_of(source) else []
    there = url_of(target)
    common = 0
    parts = there.split("/")
    while common < len(here) and common < len(parts) - 1 and here[common] == parts[common]:
        common += 1
    up = "../" * (len(here) - common)
    rest = "/".join(parts[common:])
    return (up + rest) or "./"
