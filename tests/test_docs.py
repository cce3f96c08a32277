"""Every rule id is documented, and has a failing case in the tests; the code is tidy."""

from __future__ import annotations

import re
import subprocess
import sys

from generator.rules import RULES

from conftest import REPO

RULES_DOC = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")


def test_every_rule_is_documented_and_every_heading_is_a_rule() -> None:
    headings = re.findall(r"^### (\S+)\s*$", RULES_DOC, flags=re.MULTILINE)
    assert sorted(headings) == sorted(RULES)
    assert headings == list(RULES)  # same order as the registry: readers find families together


def test_each_documented_rule_states_its_severity() -> None:
    sections = re.split(r"^### ", RULES_DOC, flags=re.MULTILINE)[1:]
    for section in sections:
        rule = section.split()[0]
        expected = {"error": "错误", "warning": "警告"}[RULES[rule]]
        assert re.search(rf"级别\**[：:]\s*\**{expected}", section), rule


def test_every_rule_has_a_failing_case_in_the_tests() -> None:
    tests = "".join(p.read_text(encoding="utf-8") for p in (REPO / "tests").glob("test_*.py"))
    cases = (REPO / "tests" / "corpus" / "cases.yaml").read_text(encoding="utf-8")
    untested = [rule for rule in RULES if f'"{rule}"' not in tests and f", {rule}]" not in cases]
    assert untested == []


def test_readme_names_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make site" in readme and "make test" in readme
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_code_passes_ruff() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "generator", "tests"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout


def test_code_passes_mypy() -> None:
    """generator/ type-checks (the settings are pyproject.toml's [tool.mypy])."""
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout
