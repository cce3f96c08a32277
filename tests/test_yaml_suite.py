"""The official YAML test suite (tests/yaml-test-suite/README.md), every case through the record loader.

An invalid document is refused with a location and a Chinese message. A valid one either loads to
exactly the suite's JSON value or is refused for one of the POLICY reasons below: what a record
never needs and the loader refuses on purpose, each produced by one yaml-* rule. A valid document
refused by any other rule (yaml-syntax above all) fails, and so does one that loads to another value.
Run with `-s` to see the counts.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest

from generator.rules import RULES
from generator.yamlio import LoadError, load_document

from helpers import REPO

SUITE = REPO / "tests" / "yaml-test-suite"
CASES = sorted(p.parent.relative_to(SUITE).as_posix() for p in SUITE.glob("**/in.yaml"))

# Why a valid document may be refused, by the rule that refuses it (docs/rules.md has each rule).
POLICY = {
    "yaml-not-mapping": "the top level is a list or a single value, not one mapping",
    "yaml-multi-document": "several documents in one stream",
    "yaml-empty": "no document, or only comments and document markers",
    "yaml-directive": "a %YAML, %TAG or reserved directive",
    "yaml-anchor": "an anchor or an alias",
    "yaml-tag": "an explicit tag, even !!str or the non-specific !",
    "yaml-key": "a key that is not plain text: complex, empty, null, a number or a bool",
    "yaml-tab": "a tab anywhere, even where YAML allows one",
    "yaml-control-char": "a control character, such as NEL (U+0085) as a line break",
    "yaml-flow-ambiguous": "inside [ ] or { }: a key on another line than its colon, a colon or a question mark "
                           "glued to plain text (libyaml misreads or cannot read these)",
}

CJK = re.compile("[\u4e00-\u9fff]")
# Two English words in a row, outside the 「」 that quote the file's own text: a message in English.
ENGLISH = re.compile(r"[A-Za-z]{2,}[ ,.']+[A-Za-z]{2,}")
QUOTED = re.compile("「[^」]*」")


def _documents(text: str) -> list[Any]:
    """The JSON values in an in.json: one per document, written one after the other."""
    decoder, values, index = json.JSONDecoder(), [], 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index == len(text):
            return values
        value, index = decoder.raw_decode(text, index)
        values.append(value)


def _same(got: Any, want: Any) -> bool:
    """Equal and of the same JSON type all the way down (True is not 1, 1 is not 1.0); keys in any order."""
    if type(got) is not type(want):
        return False
    if isinstance(got, dict):
        return got.keys() == want.keys() and all(_same(got[k], want[k]) for k in got)
    if isinstance(got, list):
        return len(got) == len(want) and all(map(_same, got, want))
    return got == want


def _policy_fits(rule: str, expected: list[Any] | None) -> bool:
    """Where the suite's JSON can tell, the policy reason given is the true one."""
    if expected is None:  # no JSON form (complex keys, ...): nothing to check against
        return True
    if rule == "yaml-multi-document":
        return len(expected) > 1
    if rule == "yaml-empty":  # no document, or only empty ones (`---` twice)
        return all(value is None for value in expected)
    if rule == "yaml-not-mapping":
        return not isinstance(expected[0], dict)
    return True


def _message_problem(error: LoadError, raw: bytes) -> str | None:
    lines = raw.count(b"\n") + 1
    if not (1 <= error.line <= lines and error.col >= 1):
        return f"no location in the file: {error.line}:{error.col}"
    if not CJK.search(error.message) or ENGLISH.search(QUOTED.sub("", error.message)):
        return f"not a Chinese message: {error.message}"
    return None


def outcome(case: str) -> tuple[str, str]:
    """(kind, detail): kind is loaded-equal, refused-invalid, policy:<rule> or failing."""
    folder = SUITE / case
    raw = (folder / "in.yaml").read_bytes()
    expected = _documents((folder / "in.json").read_text(encoding="utf-8")) if (folder / "in.json").exists() else None
    try:
        data = load_document(raw).data
    except LoadError as error:
        problem = _message_problem(error, raw)
        where = f"{error.line}:{error.col} [{error.rule}] {error.message}"
        if problem:
            return "failing", f"{problem} ({where})"
        if (folder / "error").exists():
            return "refused-invalid", where
        if error.rule not in POLICY:
            return "failing", f"valid, refused for no policy reason: {where}"
        if not _policy_fits(error.rule, expected):
            return "failing", f"valid, refused for a policy reason that does not apply: {where}"
        return f"policy:{error.rule}", where
    if (folder / "error").exists():
        return "failing", f"invalid, accepted as {data!r}"
    if expected is None:
        return "failing", f"loaded {data!r}, but the suite gives no JSON value to compare with"
    if len(expected) != 1 or not _same(data, expected[0]):
        return "failing", f"loaded {data!r}, the suite says {expected!r}"
    return "loaded-equal", ""


@pytest.mark.parametrize("case", CASES)
def test_suite_case(case: str) -> None:
    kind, detail = outcome(case)
    name = (SUITE / case / "===").read_text(encoding="utf-8").strip()
    assert kind != "failing", f"{case} ({name}): {detail}"


def test_suite_counts() -> None:
    kinds = Counter(outcome(case)[0] for case in CASES)
    print(f"\nYAML test suite, {len(CASES)} cases:")
    for kind, count in sorted(kinds.items()):
        reason = POLICY.get(kind.removeprefix("policy:"), "")
        print(f"  {count:4}  {kind}" + (f" ({reason})" if reason else ""))
    assert len(CASES) == 402  # the release's case count: the vendored copy is whole
    assert kinds["failing"] == 0
    assert kinds["loaded-equal"] > 0 and kinds["refused-invalid"] > 0
    unused = [rule for rule in POLICY if not kinds[f"policy:{rule}"]]
    assert unused == [], "a policy reason that no case needs"


def test_suite_cases_are_folders_with_a_name() -> None:
    for case in CASES:
        assert (SUITE / case / "===").is_file(), case
    assert (SUITE / "License").is_file() and "MIT" in (SUITE / "License").read_text(encoding="utf-8")
    assert not [p for p in SUITE.rglob("*") if p.is_file() and p.name not in
                {"in.yaml", "in.json", "error", "===", "License", "README.md"}]


def test_policy_rules_exist() -> None:
    assert [rule for rule in POLICY if rule not in RULES] == []
