"""Every rule id is documented, and has a failing case in the tests; the code is tidy."""

from __future__ import annotations

import re
import subprocess
import sys

from ruamel.yaml import YAML

from generator.rules import RULES

from helpers import REPO

RULES_DOC = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")


def test_every_rule_is_documented_and_every_heading_is_a_rule() -> None:
    headings = re.findall(r"^### (\S+)\s*$", RULES_DOC, flags=re.MULTILINE)
    assert sorted(headings) == sorted(RULES)
    assert headings == list(RULES)  # same order as the registry: readers find families together


def test_each_documented_rule_states_its_severity() -> None:
    sections = re.split(r"^### ", RULES_DOC, flags=re.MULTILINE)[1:]
    for section in sections:
        rule = section.split()[0]
        expected = {"error": "错误", "warning": "警告"}[RULES[rule].severity]
        assert re.search(rf"级别\**[：:]\s*\**{expected}", section), rule


def test_every_rule_has_a_failing_case_in_the_tests() -> None:
    """From the case tables themselves: test_rules.FAILING, the corpus's expectations, and each
    module's RULE_TESTS (rule -> the test function that makes it fail), not a search of the text."""
    import test_attachments
    import test_changes
    import test_hostile_files
    import test_import
    import test_owners
    import test_rules
    import test_schemas

    covered = {case.rule for case in test_rules.FAILING}
    corpus = YAML(typ="safe").load((REPO / "tests" / "corpus" / "cases.yaml").read_text(encoding="utf-8"))
    covered |= {rule for case in corpus for _, _, rule in case["expect"]}
    for module in (test_rules, test_schemas, test_changes, test_owners, test_hostile_files, test_import,
                   test_attachments):
        for rule, test in module.RULE_TESTS.items():
            assert test.__name__.startswith("test_") and getattr(module, test.__name__) is test, rule
            covered.add(rule)
    assert [rule for rule in RULES if rule not in covered] == []


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
