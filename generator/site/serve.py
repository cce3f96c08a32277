"""`jxjy serve`: the engine's live preview, regenerated when a record or a docs page changes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from stat import S_ISREG

from generator.errors import JxjyError
from generator.output import render_text
from generator.site.build import BuildError, engine_config, generate

POLL_SECONDS = 1.0


def _snapshot(root: Path) -> dict[Path, float]:
    """The modification time of every file under records/ and docs/; a file that vanishes between
    the listing and its stat (an editor saving atomically) is simply not there yet."""
    found = {}
    for folder in ("records", "docs"):
        for path in (root / folder).rglob("*"):
            try:
                stat = path.stat()
            except OSError:
                continue
            if S_ISREG(stat.st_mode):
                found[path] = stat.st_mtime
    return found


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(root: Path, *, as_of: date, port: int, echo: Callable[[str], None], cache_dir: Path | None = None) -> None:
    """Run `mkdocs serve` on build/docs and regenerate it whenever records/ or docs/ change.

    A change that breaks validation or mkdocs.yml's settings is reported and the last good pages stay served.
    """
    signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl+C, taking the engine down too
    engine = subprocess.Popen([sys.executable, "-P", "-m", "mkdocs", "serve", "-f", str(engine_config(root)),
                               "-a", f"127.0.0.1:{port}"],
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    echo(f"预览地址：http://127.0.0.1:{port}/  （Ctrl+C 结束）")
    seen = _snapshot(root)
    try:
        while engine.poll() is None:
            time.sleep(POLL_SECONDS)
            now = _snapshot(root)
            if now == seen:
                continue
            seen = now
            try:
                generate(root, as_of=as_of, cache_dir=cache_dir)
                echo("已重新生成。")
            except BuildError as exc:
                echo((render_text(exc.report.diagnostics) if exc.report else "") + f"错误：{exc}（仍显示上一版）")
            except (JxjyError, OSError) as exc:  # e.g. records/ renamed, a file saved atomically mid-read
                echo(f"错误：{exc}（仍显示上一版）")
    except KeyboardInterrupt:
        pass
    finally:
        engine.terminate()
        engine.wait()
