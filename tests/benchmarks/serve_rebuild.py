"""How long `jxjy serve` takes to show a changed record: python tests/benchmarks/serve_rebuild.py [--bases N].

Prepares a synthetic repository as `make bench` does, starts the preview (`jxjy serve --port PORT`),
waits for it, then, --edits times, appends a sentence to one base's body and polls that base's page
until the sentence is served. Prints the times; asserts nothing. `make bench` calls `measure_preview`
on its own work folder for the preview row.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bench import REPO, jxjy_command, prepare

POLL_SECONDS = 0.1


@dataclass
class Preview:
    startup: float | None = None  # start to the first page served (s)
    edits: list[float] = field(default_factory=list)  # record saved -> page shows it (s), one per edit
    record: str = ""  # the edited file, relative to the repository
    error: str = ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait(url: str, until: float, marker: str = "") -> bool:
    while time.monotonic() < until:
        page = _get(url)
        if page is not None and marker in page:
            return True
        time.sleep(POLL_SECONDS)
    return False


def editable_base(work: Path) -> Path:
    """A base that is a document of its own (a listed one has no body to append to), from a third in."""
    bases = sorted((work / "records" / "bases").glob("*.yaml"))
    third = len(bases) // 3
    for path in bases[third:] + bases[:third]:
        if "\nbody: |\n" in path.read_text(encoding="utf-8"):
            return path
    raise FileNotFoundError(f"{work} 中没有自带正文的培训基地记录")


def measure_preview(work: Path, *, env: dict[str, str], timeout: float, edits: int, logs: Path,
                    port: int | None = None, as_of: str = "2026-11-26", profile: Path | None = None) -> Preview:
    """Start `jxjy serve` on `work`, wait for its base list, then time `edits` edits of one base page.

    With `profile`, the server runs under cProfile and is stopped with SIGINT so that the profile is written.
    """
    port = port or free_port()
    base = f"http://127.0.0.1:{port}/"
    command = [*jxjy_command(), "serve", "--root", str(work), "--port", str(port), "--as-of", as_of]
    if profile is not None:
        command = [sys.executable, "-m", "cProfile", "-o", str(profile), *command]
    logs.mkdir(parents=True, exist_ok=True)
    result = Preview()
    started = time.monotonic()
    with open(logs / "serve.out", "wb") as out, open(logs / "serve.err", "wb") as err:
        server = subprocess.Popen(command, cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                  start_new_session=True)
    try:
        if not _wait(base + "bases/", started + timeout):
            result.error = f"预览未能在 {timeout:g} s 内启动（日志：{logs / 'serve.err'}）"
            return result
        result.startup = time.monotonic() - started
        record = editable_base(work)
        result.record = record.relative_to(work).as_posix()
        for _ in range(edits):
            marker = f"补充说明{uuid.uuid4().hex[:8]}"
            changed = time.monotonic()
            record.write_text(record.read_text(encoding="utf-8") + f"\n  {marker}。\n", encoding="utf-8")
            if not _wait(f"{base}bases/{record.stem}/", changed + timeout, marker):
                result.error = f"改动未在 {timeout:g} s 内出现在 bases/{record.stem}/"
                return result
            result.edits.append(time.monotonic() - changed)
            time.sleep(1)  # let the watcher settle before the next save
    finally:
        os.killpg(server.pid, signal.SIGINT if profile is not None else signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="jxjy serve 改动一条记录后多久能看到")
    parser.add_argument("--bases", type=int, default=10_000, help="合成培训基地数（默认 10000）")
    parser.add_argument("--port", type=int, default=None, help="预览端口（默认任选一个空闲端口）")
    parser.add_argument("--edits", type=int, default=3, help="改动几次（默认 3）")
    parser.add_argument("--timeout", type=float, default=900, help="每一步最多等待的秒数")
    args = parser.parse_args(argv)
    (REPO / "bench").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jxjy-serve-", dir=REPO / "bench") as tmp:
        work = Path(tmp) / "repo"
        prepare(work, args.bases, seed=1, use_git=False)
        env = {**os.environ, "JXJY_CACHE_DIR": str(Path(tmp) / "cache")}
        preview = measure_preview(work, env=env, timeout=args.timeout, edits=args.edits, logs=Path(tmp) / "logs",
                                  port=args.port)
        if preview.startup is not None:
            print(f"启动到首个页面：{preview.startup:.1f} s")
        for number, seconds in enumerate(preview.edits, 1):
            print(f"第 {number} 次改动 {preview.record} 到预览更新：{seconds:.2f} s（{args.bases} 个基地）")
        if preview.edits:
            print(f"中位数：{statistics.median(preview.edits):.2f} s")
        if preview.error:
            print(preview.error, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
