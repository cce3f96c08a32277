"""Problems found in records: where, which rule, how severe, what to do."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.registry import RULES, Severity

# A diagnostic without its path, in builtins only (marshal keeps verdicts in the cache this way):
# line, col, rule, message, hint.
Row = tuple[int, int, str, str, str | None]


@dataclass(frozen=True, order=True)
class Location:
    path: str  # POSIX, relative to --root
    line: int  # 1-based
    col: int  # 1-based


@dataclass(frozen=True, order=True)
class Diagnostic:
    location: Location
    rule: str  # stable kebab-case id, registered in generator.registry and documented in docs/rules.md
    message: str  # Chinese; names the field by its schema title
    hint: str | None = None  # "did you mean ...", or the corrected 发文字号
    # the field it was located at (path, key) when a record located it: the run cache locates it
    # again in an edited file (generator.runcache); not part of its identity
    anchor: tuple[tuple[str | int, ...], bool] | None = field(default=None, compare=False, repr=False)
    severity: Severity = field(init=False, compare=False)  # the registry's, never the caller's

    def __post_init__(self) -> None:
        rule = RULES.get(self.rule)
        if rule is None:
            raise ValueError(f"rule id {self.rule!r} is not in generator.registry.RULES")
        object.__setattr__(self, "severity", rule.severity)

    @property
    def text(self) -> str:
        """The message with its hint, as one line."""
        return f"{self.message}（{self.hint}）" if self.hint else self.message

    def row(self) -> Row:
        return (self.location.line, self.location.col, self.rule, self.message, self.hint)

    @classmethod
    def from_row(cls, path: str, row: Row) -> Diagnostic:
        line, col, rule, message, hint = row
        return cls(Location(path, line, col), rule, message, hint)


@dataclass
class Report:
    """Every diagnostic of one run, each once, sorted by location then rule."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    @classmethod
    def of(cls, diagnostics: Iterable[Diagnostic]) -> Report:
        return cls(sorted(set(diagnostics)))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    def exit_code(self, *, strict: bool = False) -> int:
        """1 when there are errors (or warnings under --strict), else 0."""
        if self.errors or (strict and self.warnings):
            return 1
        return 0
