"""How long `jxjy serve` takes to show a changed record: python tests/benchmarks/serve_rebuild.py [--bases N].

Prepares a synthetic repository as `make bench` does, starts the preview, waits for it, appends a
sentence to one base's body and polls that base's page until the sentence is served. Prints both
times; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from bench import REPO, jxjy_command, prepare


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
        time.sleep(0.2)
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="jxjy serve 改动一条记录后多久能看到")
    parser.add_argument("--bases", type=int, default=10_000, help="合成培训基地数（默认 10000）")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--timeout", type=float, default=900, help="每一步最多等待的秒数")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="jxjy-serve-", dir=REPO / "bench") as tmp:
        work = Path(tmp) / "repo"
        prepare(work, args.bases, seed=1, use_git=False)
        env = {**os.environ, "JXJY_CACHE_DIR": str(Path(tmp) / "cache")}
        base = f"http://127.0.0.1:{args.port}/"
        started = time.monotonic()
        server = subprocess.Popen([*jxjy_command(), "serve", "--root", str(work), "--port", str(args.port),
                                   "--as-of", "2026-11-26"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if not _wait(base + "bases/", started + args.timeout):
                print("预览未能启动", file=sys.stderr)
                return 1
            print(f"启动到首个页面：{time.monotonic() - started:.1f} s")
            bases = sorted((work / "records" / "bases").glob("*.yaml"))
            record = bases[len(bases) // 3]
            marker = f"补充说明{uuid.uuid4().hex[:8]}"
            changed = time.monotonic()
            record.write_text(record.read_text(encoding="utf-8") + f"\n  {marker}。\n", encoding="utf-8")
            if not _wait(f"{base}bases/{record.stem}/", changed + args.timeout, marker):
                print("改动未在超时内出现", file=sys.stderr)
                return 1
            print(f"改动一条记录到预览更新：{time.monotonic() - changed:.1f} s（{args.bases} 个基地）")
        finally:
            server.terminate()
            server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
