"""mkdocs.yml, the site's configuration: the one place the tool reads and parses it.

The engine reads it too (through build/mkdocs.yml, which inherits it); the tool takes from it the
site's name, public root and identity (generator.site.settings checks those) and compares two
versions of it in the change report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML, YAMLError

from generator.errors import JxjyError
from generator.files import ReadRefused, read_plain

FILE = "mkdocs.yml"
MAX_BYTES = 1024 * 1024


class ConfigError(JxjyError):
    """mkdocs.yml is missing, unreadable, or does not say what the site needs (exit 2)."""


def config(root: Path) -> dict[str, Any]:
    """`root`/mkdocs.yml as a mapping.

    Raises:
        ConfigError: it is missing, unreadable or not a mapping.
    """
    path = root / FILE
    try:
        raw = read_plain(path, MAX_BYTES)
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"找不到网站配置文件：{path}") from None
    except ReadRefused as exc:
        raise ConfigError(f"网站配置文件 {path} {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"网站配置文件 {path} 无法读取：{exc}") from None
    if len(raw) > MAX_BYTES:
        raise ConfigError(f"网站配置文件 {path} 超过 {MAX_BYTES // 1024} KB")
    return parse(text, str(path))


def parse(text: str, where: str) -> dict[str, Any]:
    """The text of a mkdocs.yml as a mapping; `where` names it in the message.

    Round-trip and pure: the engine's !!python tags load as plain tagged values, never as code.

    Raises:
        ConfigError: it is not YAML or not a mapping.
    """
    try:
        found = YAML(typ="rt", pure=True).load(text) or {}
    except YAMLError as exc:
        raise ConfigError(f"网站配置文件 {where} 无法读取：{exc}") from None
    if not isinstance(found, dict):
        raise ConfigError(f"网站配置文件 {where} 应是一个映射（键: 值）")
    return dict(found)
