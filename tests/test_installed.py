"""The tool as users install it: the wheel in a fresh virtual environment, run on a copy of the
sample that holds no generator/ and no schema/, and the published pre-commit hook via try-repo.

`make test` runs everything else from an editable install, where the source tree stands in for
the package; here nothing of the checkout is on sys.path, so a file the wheel lacks or reads the
wrong way fails as it would for CI, deploy and other repositories.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from generator.site.build import PAGEFIND

from helpers import AS_OF, GIT_ENV, REPO, copy_from_repo


def _interpreters() -> list[str]:
    """One working interpreter of each Python the project supports that this machine has (on PATH,
    or installed by pyenv but not selected, where the PATH shim refuses to run)."""
    found = []
    for minor in ("3.11", "3.12", "3.13"):
        pyenv = sorted(Path.home().glob(f".pyenv/versions/{minor}.*/bin/python{minor}"))
        for candidate in [shutil.which(f"python{minor}"), *map(str, pyenv)]:
            if candidate and subprocess.run([candidate, "-c", "pass"], capture_output=True).returncode == 0:
                found.append(candidate)
                break
    return found


PYTHONS = _interpreters()
SAMPLE = ("records", "docs", "mkdocs.yml", ".github/CODEOWNERS")


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env or GIT_ENV, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the project (a build writes build/ beside the sources)."""
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("dist")
    copy_from_repo(source, "pyproject.toml", "README.md", "generator", "schema")
    built = _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", out, source,
                 cwd=source)
    assert built.returncode == 0, built.stderr
    [found] = out.glob("jxjy_registry-*.whl")
    return found


@pytest.fixture(scope="module", params=PYTHONS, ids=lambda p: Path(p).name)
def installed(request: pytest.FixtureRequest, wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bin/ of a fresh venv holding the locked dependencies and the wheel, as CI and deploy install."""
    venv = tmp_path_factory.mktemp("venv") / Path(request.param).name
    assert _run(request.param, "-m", "venv", venv, cwd=venv.parent).returncode == 0
    pip = [venv / "bin" / "python", "-m", "pip", "install", "-q"]
    for step in (["--require-hashes", "-r", REPO / "requirements" / "site.txt"], ["--no-deps", wheel]):
        done = _run(*pip, *step, cwd=venv.parent)
        assert done.returncode == 0, done.stderr[-3000:]
    return venv / "bin"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A git repository holding what a records repository holds, committed on main."""
    copy_from_repo(tmp_path, *SAMPLE)
    for args in (("init", "-q", "-b", "main"), ("add", "-A"),
                 ("-c", "user.name=测试", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "sample")):
        assert _run("git", *args, cwd=tmp_path).returncode == 0
    return tmp_path


def _env(bin_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in GIT_ENV.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    epoch = int(datetime.combine(AS_OF, time(), tzinfo=UTC).timestamp())
    # Outside the checkout the build finds Pagefind where JXJY_PAGEFIND says (the README's way).
    return {**env, "PATH": f"{bin_dir}:{env['PATH']}", "SOURCE_DATE_EPOCH": str(epoch),
            "JXJY_PAGEFIND": str(REPO / PAGEFIND)}


def test_installed_package_is_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    done = _run(installed / "python", "-c", "import generator; print(generator.__file__)", cwd=tmp_path,
                env=_env(installed))
    assert done.returncode == 0 and "site-packages" in done.stdout and str(REPO) not in done.stdout


def test_every_command_runs_from_the_wheel(installed: Path, sample: Path) -> None:
    env = _env(installed)
    jxjy = installed / "jxjy"
    checks = {
        "validate": [jxjy, "validate"],
        "diff --check": [jxjy, "diff", "--check", "HEAD"],
        "diff": [jxjy, "diff", "HEAD", "--format", "json"],
        "codeowners --check": [jxjy, "codeowners", "--check"],
        "check-authz": [jxjy, "check-authz", "--author", "czrsj-clerk", "--base", "HEAD",
                        "--teams", REPO / "tests" / "owners_teams.yaml"],
        "build": [jxjy, "build"],
    }
    for name, command in checks.items():
        done = _run(*command, cwd=sample, env=env)
        assert done.returncode == 0, f"{name}: exit {done.returncode}\n{done.stdout[-1500:]}{done.stderr[-3000:]}"
        assert "Traceback" not in done.stderr, name
    site = sample / "site"
    assert "常州市专业技术人员继续教育公示平台" in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "bases" / "base-2013-001" / "index.html").exists()
    assert (site / "data" / "schema" / "base.schema.json").exists()


def test_a_broken_record_is_reported_by_the_installed_tool(installed: Path, sample: Path) -> None:
    path = sample / "records" / "bases" / "base-2013-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("level: 市级", "level: 国级"), encoding="utf-8")
    done = _run(installed / "jxjy", "validate", cwd=sample, env=_env(installed))
    assert done.returncode == 1
    assert "records/bases/base-2013-001.yaml:" in done.stdout and "「基地级别」取值「国级」无效" in done.stdout


def test_pre_commit_try_repo_runs_the_published_hook(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    home = tmp_path_factory.mktemp("pre-commit")
    env = {**_env(Path(sys.executable).parent), "PRE_COMMIT_HOME": str(home)}
    done = _run(Path(sys.executable).parent / "pre-commit", "try-repo", REPO, "jxjy-validate", "--all-files",
                cwd=sample, env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "jxjy validate（记录校验）" in done.stdout and "Passed" in done.stdout
    # and it fails a broken record, naming it
    path = sample / "records" / "bases" / "base-2013-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("level: 市级", "level: 国级"), encoding="utf-8")
    done = _run(Path(sys.executable).parent / "pre-commit", "try-repo", REPO, "jxjy-validate", "--all-files",
                cwd=sample, env=env)
    assert done.returncode == 1 and "Failed" in done.stdout and "base-2013-001.yaml" in done.stdout


def test_the_wheel_holds_every_file_of_the_package(wheel: Path) -> None:
    """A template, partial or data file that the packaging config does not list is missing from every
    installation (the header partials once were: every build failed there, never here)."""
    import zipfile

    shipped = {name for name in zipfile.ZipFile(wheel).namelist() if name.startswith("generator/")}
    wanted = {path.relative_to(REPO).as_posix() for path in (REPO / "generator").rglob("*")
              if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"}
    assert sorted(wanted - shipped) == []
