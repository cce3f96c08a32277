"""The site's settings in mkdocs.yml, checked before anything is built.

`site_url` is the public address of the site, subpath included (https://example.gov.cn/jxjy/):
MkDocs makes 404.html's links root-absolute from its path, since that page is served at any depth,
and the feeds and open data carry absolute URLs under it. `extra.registry` is the site's identity
for the meta tags and footer, and the routes readers take to report an error (纠错): the bureau's
own form, e-mail and phone, and a GitHub issue form, at least one of them.

The theme prints these values into every page, so `jxjy build` checks them before any page is
generated (a clear message, exit 2): the engine only ever runs after that check, also when the
preview rebuilds after mkdocs.yml changed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from generator.config import ConfigError, config
from generator.site.render import safe_url

# Shown on every page; the bureau replaces the sample's placeholders before going live.
REQUIRED = {"site_domain": "网站域名", "site_id_code": "网站标识码", "host_unit": "主办单位", "contact": "联系方式",
            "icp": "ICP 备案号"}
# The 纠错 routes: links are http(s) only; e-mail and phone become mailto: and tel: links as they are.
URLS = {"correction_url": "纠错表单网址", "error_report": "GitHub 纠错表单网址"}
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
PHONE = re.compile(r"\+?[0-9]+(-[0-9]+)*")
# 公网安备 (the public security bureau's record of the site), e.g. 苏公网安备 32041102000123号: the
# footer links its 14 digits to www.beian.gov.cn, so they are its only digits. Optional: a site on an
# intranet has none.
POLICE_RECORD = re.compile(r"[\u4e00-\u9fff]公网安备 ?[0-9]{14}号[^0-9]*")


class SettingsError(ConfigError):
    """mkdocs.yml does not say how to publish the site (exit 2): the message names the setting."""


def settings(root: Path) -> dict[str, Any]:
    """`extra.registry` of `root`/mkdocs.yml, checked, with the public root `site_url` and the
    `site_name` beside it.

    Raises:
        ConfigError: mkdocs.yml is missing or unreadable; SettingsError: a setting is missing or unusable.
    """
    found = config(root)
    name = found.get("site_name")
    if not isinstance(name, str) or not name.strip():
        raise SettingsError("mkdocs.yml 的 site_name（网站名称）未填写")
    return {**check(found.get("site_url"), (found.get("extra") or {}).get("registry")), "site_name": name.strip()}


def check(site_url: Any, registry: Any) -> dict[str, Any]:
    """The registry settings plus `site_url` (ending with a slash), or SettingsError saying what is wrong."""
    if not isinstance(site_url, str) or safe_url(site_url) is None:
        raise SettingsError("mkdocs.yml 的 site_url 必须是网站对外的完整地址（http:// 或 https:// 开头，含子路径，"
                            f"如 https://www.example.gov.cn/jxjy/），现为：{site_url!r}")
    if not isinstance(registry, dict):
        raise SettingsError("mkdocs.yml 缺少 extra.registry（网站标识、页脚和纠错方式）")
    for key, label in REQUIRED.items():
        if not isinstance(registry.get(key), str | int) or not str(registry[key]).strip():
            raise SettingsError(f"mkdocs.yml 的 extra.registry.{key}（{label}）未填写")
    for key, label in URLS.items():
        if key in registry and (not isinstance(registry[key], str) or safe_url(registry[key]) is None):
            raise SettingsError(f"mkdocs.yml 的 extra.registry.{key}（{label}）必须是 http:// 或 https:// 开头、"
                                f"不含空白的网址，现为：{registry[key]!r}")
    email = registry.get("correction_email")
    if email is not None and not (isinstance(email, str) and EMAIL.fullmatch(email)):
        raise SettingsError(f"mkdocs.yml 的 extra.registry.correction_email（纠错邮箱）不是电子邮件地址：{email!r}")
    phone = registry.get("correction_phone")
    if phone is not None and not (isinstance(phone, str) and PHONE.fullmatch(phone)):
        raise SettingsError("mkdocs.yml 的 extra.registry.correction_phone（纠错电话）只能由数字和连字符组成，"
                            f"如 0519-85680000，现为：{phone!r}")
    police = registry.get("police_record")
    if police is not None and not (isinstance(police, str) and POLICE_RECORD.fullmatch(police)):
        raise SettingsError("mkdocs.yml 的 extra.registry.police_record（公安机关备案号）应写成公安机关核发的样式，"
                            f"如「苏公网安备 32041102000123号」（省简称、14 位数字、号），现为：{police!r}")
    if not any(registry.get(key) for key in ("correction_url", "correction_email", "correction_phone", "error_report")):
        raise SettingsError("mkdocs.yml 的 extra.registry 至少要设置一种纠错方式：correction_url（纠错表单）、"
                            "correction_email（邮箱）、correction_phone（电话）或 error_report（GitHub 表单）")
    return {**registry, "site_url": site_url.rstrip("/") + "/"}
