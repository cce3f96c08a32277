"""mkdocs.yml's settings as readers meet them: checked before a build, escaped on every page.

`site_url` and `extra.registry` reach every page through the theme (generator/site/theme/main.html);
generator/site/settings.py refuses what must not be printed, with a message naming the setting.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.site.build import build

from helpers import AS_OF
from site_fixtures import copy_build_inputs, set_config, soup, text

BAD = {
    "javascript-form": ("correction_url", "javascript:alert(1)", "extra.registry.correction_url（纠错表单网址）必须是 http://"),
    "javascript-github": ("error_report", "JavaScript:alert(1)", "extra.registry.error_report（GitHub 纠错表单网址）"),
    "data-form": ("correction_url", "data:text/html,<script>alert(1)</script>", "correction_url（纠错表单网址）"),
    "spaced-url": ("correction_url", "https://example.gov.cn/a b", "不含空白的网址"),
    "no-site-url": ("site_url", None, "mkdocs.yml 的 site_url 必须是网站对外的完整地址"),
    "relative-site-url": ("site_url", "/jxjy/", "mkdocs.yml 的 site_url 必须是网站对外的完整地址"),
    "email": ("correction_email", "jxjy@example.gov.cn?cc=x@evil.example", "correction_email（纠错邮箱）不是电子邮件地址"),
    "phone": ("correction_phone", "0519-0000<b>", "correction_phone（纠错电话）只能由数字和连字符组成"),
    "host-unit": ("host_unit", "", "extra.registry.host_unit（主办单位）未填写"),
    # the footer links the record's digits to www.beian.gov.cn: a wrong count or stray digits would link another site
    "police-record-digits": ("police_record", "苏公网安备 3204000200000号", "police_record（公安机关备案号）应写成公安机关核发的样式"),
    "police-record-icp": ("police_record", "苏ICP备00000000号", "如「苏公网安备 32041102000123号」"),
    "police-record-two-numbers": ("police_record", "苏公网安备 32040002000000号（2024年）", "（省简称、14 位数字、号）"),
}


def _jxjy_build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(root), "--as-of", AS_OF.isoformat()],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("key, value, message", list(BAD.values()), ids=list(BAD))
def test_a_bad_setting_stops_the_build_with_a_chinese_message(tmp_path: Path, key: str, value: str | None,
                                                               message: str) -> None:
    copy_build_inputs(tmp_path)
    set_config(tmp_path, key, value)
    result = _jxjy_build(tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("错误：mkdocs.yml") and message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "site").exists() and not (tmp_path / "build").exists()


def test_without_mkdocs_yml_the_build_says_so(tmp_path: Path) -> None:
    copy_build_inputs(tmp_path)
    (tmp_path / "mkdocs.yml").unlink()
    result = _jxjy_build(tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("错误：找不到网站配置文件") and "Traceback" not in result.stderr


def test_without_any_correction_route_the_build_says_which_to_set(tmp_path: Path) -> None:
    copy_build_inputs(tmp_path)
    for key in ("correction_url", "correction_email", "correction_phone", "error_report"):
        set_config(tmp_path, key, None)
    result = _jxjy_build(tmp_path)
    assert result.returncode == 2
    assert "至少要设置一种纠错方式" in result.stderr and "Traceback" not in result.stderr


FORM = 'https://example.gov.cn/jiucuo?from="><img src=x onerror=alert(1)>'.replace(" ", "/")
HOST_UNIT = '常州市人社局<script>window.__pwned=1</script>&amp;'


@pytest.fixture(scope="module")
def bureau_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with the bureau's own 纠错 routes only (no GitHub), and markup in its settings."""
    root = tmp_path_factory.mktemp("bureau")
    copy_build_inputs(root)
    set_config(root, "correction_url", FORM)
    set_config(root, "correction_email", "jiucuo@rsj.example.gov.cn")
    set_config(root, "correction_phone", "0519-85680000")
    set_config(root, "error_report", None)
    set_config(root, "host_unit", HOST_UNIT)
    return build(root, as_of=AS_OF).site


def test_a_record_page_offers_the_bureaus_routes_escaped_and_no_github(bureau_site: Path) -> None:
    page = soup(bureau_site, "revocations/rev-2025-001/")
    report = page.select_one(".jxjy-report")
    links = {text(a): a["href"] for a in report.find_all("a")}
    assert set(links) == {"在线纠错表单", "jiucuo@rsj.example.gov.cn", "0519-85680000"}
    # The form's address arrives whole, as an attribute value: nothing of it became markup.
    assert links["在线纠错表单"].startswith(FORM + "&page=revocations/rev-2025-001/&record=")
    assert page.find("img", src="x") is None and "onerror" not in {a for tag in page.find_all(True) for a in tag.attrs}
    mail = urlsplit(links["jiucuo@rsj.example.gov.cn"])
    assert mail.scheme == "mailto" and parse_qs(mail.query)["subject"] == ["纠错：records/revocations/rev-2025-001.yaml"]
    assert links["0519-85680000"] == "tel:0519-85680000"
    assert "GitHub" not in text(page) and "github.com" not in str(page)
    footer = page.find("footer")
    assert f"主办单位：{HOST_UNIT}" in text(footer) and footer.find("script") is None
    assert text(footer).endswith("纠错： 在线纠错表单 电子邮件 jiucuo@rsj.example.gov.cn 电话 0519-85680000")


def test_no_page_carries_a_github_link_when_none_is_set(bureau_site: Path) -> None:
    offenders = [p.relative_to(bureau_site).as_posix() for p in sorted(bureau_site.rglob("*.html"))
                 if "github.com" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_the_engine_itself_renders_no_unchecked_link(tmp_path: Path) -> None:
    """`jxjy build` checks the settings before any engine runs; the engine run by hand on a changed
    mkdocs.yml, unchecked, still renders no javascript: link (the theme prints http(s) form links only)."""
    copy_build_inputs(tmp_path)
    build(tmp_path, as_of=AS_OF)  # build/docs, and build/mkdocs.yml inheriting mkdocs.yml, for the engine
    set_config(tmp_path, "correction_url", "javascript:alert(1)")
    out = tmp_path / "engine-site"
    result = subprocess.run([sys.executable, "-P", "-m", "mkdocs", "build", "-f", str(tmp_path / "build" / "mkdocs.yml"),
                             "-d", str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    pages = [p.read_text(encoding="utf-8") for p in out.rglob("*.html")]
    assert pages and not any("javascript:" in page for page in pages)
