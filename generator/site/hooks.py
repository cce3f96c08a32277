"""The MkDocs hooks of the site, listed under `hooks:` in mkdocs.yml (ProperDocs runs them too)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from generator.site.settings import SettingsError, check
from generator.site.stream import SEARCH, STREAM, fill

# Material's base.html gives its two checkbox toggles autocomplete="off", an attribute HTML allows
# only on text-like inputs (the Nu HTML Checker reports it). It is there so that Firefox does not
# restore a toggle's state on reload (material#1513); docs/assets/site.js clears the toggles instead.
# Exact markup: should Material change it, the HTML check fails again rather than pass unseen.
_TOGGLE = re.compile(r'(<input class="md-toggle" data-md-toggle="(?:drawer|search)" type="checkbox" '
                     r'id="__(?:drawer|search)") autocomplete="off">')


def on_config(config: Any) -> None:
    """Refuse settings the theme must not print (a `javascript:` link, a missing site_url), however the engine runs.

    As a PluginError the engine logs the message alone, not a traceback: `build` stops with exit 1, and
    `serve` holds the pages back until mkdocs.yml is good again.
    """
    try:
        check(config["site_url"], config["extra"].get("registry"))
    except SettingsError as exc:
        raise PluginError(str(exc)) from None


def on_post_page(output: str, **_: Any) -> str:
    return _TOGGLE.sub(r"\1>", output)


def on_post_template(output_content: str, **_: Any) -> str:
    """The same for pages made from a template alone (404.html)."""
    return _TOGGLE.sub(r"\1>", output_content)


def on_post_build(config: Any) -> None:
    """Pour the record pages into the site the engine has just built (generator.site.stream)."""
    root = Path(config.config_file_path).parent.parent  # the engine reads <root>/build/mkdocs.yml
    fill(Path(config.site_dir), root / STREAM, root / SEARCH)
