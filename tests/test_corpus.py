"""The hostile corpus: each file gets exactly its located errors, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from helpers import REPO, Repo

CORPUS = REPO / "tests" / "corpus"
CASES = YAML(typ="safe").load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
CJK = set(chr(c) for c in range(0x4E00, 0x9FA6))


def test_every_corpus_file_has_a_case() -> None:
    files = {p.name for p in CORPUS.glob("*.yaml")} - {"cases.yaml"}
    assert files == {case["file"] for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["file"])
def test_corpus_case(repo: Repo, case: dict) -> None:
    target = f"records/{case['kind']}/corpus-case.yaml"
    repo.write(target, (CORPUS / case["file"]).read_bytes())
    report = repo.validate(target)
    got = [[d.location.line, d.location.col, d.rule] for d in report.diagnostics]
    assert got == case["expect"], [d.text for d in report.diagnostics]
    for d in report.diagnostics:
        assert d.location.path == target
        assert CJK & set(d.message), d.message  # the message is Chinese


@pytest.mark.parametrize("name, content, rule", [
    ("huge-file", b"id: corpus-case\nname: '" + b"x" * 300_000 + b"'\n", "yaml-too-large"),
    ("huge-scalar", b"id: corpus-case\nname: |\n  " + b"x" * 110_000 + b"\n", "yaml-too-large"),
    ("very-deep-flow", b"id: corpus-case\nname: " + b"[" * 5000 + b"]" * 5000 + b"\n", "yaml-depth"),
    ("very-deep-block", b"id: corpus-case\n" + b"".join(b" " * i + b"k:\n" for i in range(600)), "yaml-depth"),
    ("many-nodes", b"id: corpus-case\nname: [" + b"1," * 25_000 + b"]\n", "yaml-too-large"),
])
def test_generated_hostile_input(repo: Repo, name: str, content: bytes, rule: str) -> None:
    target = "records/organizations/corpus-case.yaml"
    repo.write(target, content)
    report = repo.validate(target)
    assert [d.rule for d in report.diagnostics] == [rule]


def test_cli_never_prints_a_traceback_on_the_corpus(repo: Repo) -> None:
    for case in CASES:
        repo.write(f"records/{case['kind']}/{Path(case['file']).stem}.yaml", (CORPUS / case["file"]).read_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--root", str(repo.root), "--as-of", "2026-11-26"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "yaml-anchor" in result.stdout and "yaml-encoding" in result.stdout
