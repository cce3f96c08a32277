"""Record values into HTML, escaped: a Jinja environment with autoescape, and the page writer.

Record strings never pass through Markdown: each generated page is front matter plus one raw
HTML block rendered here with autoescape, so Python-Markdown's raw HTML, `javascript:` links and
attr_list handlers never see a record value. Material's templates print the front matter's
`title` and `description` unescaped, so `title` is written HTML-escaped as well.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any, cast

import zxingcpp
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from generator.dates import cn_date, cn_numeral_date


def document_date(value: str) -> str:
    """成文日期 as the document itself wrote it: Chinese numerals before 2012-07-01."""
    return cn_numeral_date(value) if value < "2012-07-01" else cn_date(value)


def cn_time(value: str | None) -> Markup:
    """An ISO date as a reader sees it, the ISO form kept for machines:
    <time datetime="2026-11-20">2026年11月20日</time>; an empty or absent date as 「—」."""
    shown = cn_date(value) if value else ""
    if not shown:
        return Markup("—")
    return Markup('<time datetime="{}">{}</time>').format(value, shown)


def number(value: float) -> str:
    """A figure without a spurious decimal part: 1.5 -> 1.5, 2.0 -> 2, 16 -> 16."""
    return f"{value:g}"


def paragraphs(text: str | None) -> Markup:
    """Plain text with blank lines between paragraphs -> escaped <p> elements."""
    if not text:
        return Markup("")
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return Markup("").join(Markup("<p>{}</p>\n").format(b) for b in blocks)


def safe_url(value: str | None) -> str | None:
    """Only http(s) links from records reach an href; anything else is dropped."""
    if isinstance(value, str) and value.startswith(("https://", "http://")) and not any(c.isspace() for c in value):
        return value
    return None


QR_SCALE = 3  # pixels a module: a 33-module code and its quiet zone are 123 px
QR_BORDER = 4  # the quiet zone, in modules (ISO/IEC 18004, 6.3.8)


def qr_svg(url: str) -> Markup:
    """The QR code of `url` as inline SVG, drawn at build time (no script): readers scan a printout or
    the screen to open the page on a phone. Error level M (15 %) survives a creased printout.

    zxing-cpp encodes (in C++: 0.15 ms a code, where pure-Python segno took 1.1 ms even with its mask
    search turned off, a third of a record page's time); each row's runs of dark modules become one
    horizontal stroke of the path."""
    image = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
        scale=1, add_quiet_zones=False)
    height, width = image.shape
    # one byte a module, row by row: 0 dark, 255 light (Image has the buffer protocol; its stub omits it)
    modules = bytes(cast(Any, image))
    strokes = [f"M{QR_BORDER} {QR_BORDER}.5"]  # then each stroke moves relative to where the last one ended
    pen_x = pen_y = 0
    for y in range(height):
        row = modules[y * width:(y + 1) * width]
        x = row.find(0)
        while x >= 0:
            end = row.find(255, x)
            end = width if end < 0 else end
            strokes.append(f"m{x - pen_x} {y - pen_y}h{end - x}" if (x, y) != (pen_x, pen_y) else f"h{end - x}")
            pen_x, pen_y = end, y
            x = row.find(0, end)
    side = (width + 2 * QR_BORDER) * QR_SCALE
    return Markup(f'<svg width="{side}" height="{side}" class="jxjy-qr-code">'
                  f"<title>{html.escape(f'本页地址的二维码：{url}', quote=False)}</title>"
                  f'<path transform="scale({QR_SCALE})" stroke="#000" d="{"".join(strokes)}"/></svg>')


ENV = Environment(
    loader=PackageLoader("generator.site", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    auto_reload=False,  # templates never change during a run: no stat of each one per page
)
ENV.filters.update(cn_date=cn_date, cn_time=cn_time, number=number, document_date=document_date, paragraphs=paragraphs,
                   safe_url=safe_url, qr_svg=qr_svg)


@dataclass(frozen=True)
class Fragment:
    """A page before the engine: front matter (unescaped) and the raw HTML block of its body."""

    meta: dict[str, Any]
    body: str

    def markdown(self) -> str:
        return front_matter(self.meta) + "\n" + self.body + "\n"


def fragment(template: str, *, meta: dict[str, Any], **context: Any) -> Fragment:
    """Render `template` with `context` into the body of a page with front matter `meta`."""
    body = ENV.get_template(template).render(**context)
    # Blank lines would end Python-Markdown's raw HTML block: keep the block in one piece.
    return Fragment(meta, "\n".join(line for line in body.splitlines() if line.strip()))


def page(template: str, *, meta: dict[str, Any], **context: Any) -> str:
    """A Markdown page: escaped front matter, then the template's HTML as one raw block.

    Args:
        template: a template in generator/site/templates.
        meta: front matter; string values are HTML-escaped (the theme prints them raw).
        context: the template's variables.
    """
    return fragment(template, meta=meta, **context).markdown()


def meta_text(value: str) -> str:
    """A front-matter string as the theme must receive it: HTML-escaped, since it prints it raw."""
    return html.escape(value, quote=True)


def front_matter(meta: dict[str, Any]) -> str:
    """YAML front matter with every string HTML-escaped and JSON-quoted (valid YAML)."""
    lines = ["---"]
    for key, value in meta.items():
        if isinstance(value, str):
            value = meta_text(value)
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines) + "\n"
