"""Photograph every page type of a built site at every width (`make screenshots`): one full-page PNG each.

The pages and widths are the browser tests' own (tests/browsing.py: PAGE_TYPES, SIZES), taken with
Debian's chromium through Playwright from a loopback server; nothing is downloaded. The PNGs are named
<page type>-<width>.png; reviewers look at them (README, 截图).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
from browsing import CHROMIUM, CHROMIUM_ARGS, PAGE_TYPES, SIZES, open_tab, serving, viewport  # noqa: E402


def shoot(site: Path, out: Path) -> list[str]:
    """Write the PNGs into `out` (emptied of old ones first); the pages that could not be opened."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    missing = []
    with sync_playwright() as playwright, serving(site) as url:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for name, page_type in PAGE_TYPES.items():
            for width in SIZES:
                with open_tab(browser, url, viewport=viewport(width)) as tab:
                    response = tab.page.goto(url + page_type.path, wait_until="load")
                    if response is None or not response.ok:
                        missing.append(f"{page_type.path or '/'}（HTTP {response.status if response else '?'}）")
                        break
                    tab.page.wait_for_load_state("networkidle")
                    if page_type.ready:
                        tab.page.locator(page_type.ready).first.wait_for()
                    tab.page.screenshot(path=out / f"{name}-{width}.png", full_page=True, timeout=120_000)  # long pages
        browser.close()
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description="为每类页面在每种宽度下截取整页截图")
    parser.add_argument("--site", type=Path, default=Path("site"), help="已生成的网站目录（默认 site）")
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="截图目录（默认 screenshots）")
    args = parser.parse_args()
    if not (args.site / "index.html").is_file():
        print(f"错误：{args.site} 中没有生成的网站，请先运行 make site", file=sys.stderr)
        return 2
    missing = shoot(args.site, args.out)
    taken = len(list(args.out.glob("*.png")))
    print(f"已写入 {taken} 张截图：{args.out}/（页面类型-宽度.png，宽度 {'、'.join(map(str, SIZES))} px）")
    for page in missing:
        print(f"未截图（打不开）：{page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
