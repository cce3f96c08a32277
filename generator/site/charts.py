"""Bar charts drawn as inline SVG at build time: no script, no other host, readable as text."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

_ROW = 28
_LABEL = 110
_WIDTH = 320


def bars(title: str, items: Sequence[tuple[str, int]]) -> Markup:
    """A horizontal bar chart of `items` (label, count); every label is escaped."""
    top = max((n for _, n in items), default=0) or 1
    height = _ROW * len(items) + 8
    parts = [Markup('<svg class="jxjy-chart" role="img" width="100%" viewBox="0 0 {w} {h}" '
                    'preserveAspectRatio="xMinYMin meet"><title>{t}</title>').format(
        w=_LABEL + _WIDTH + 40, h=height, t=title)]
    for i, (label, count) in enumerate(items):
        y = 4 + i * _ROW
        width = round(_WIDTH * count / top)
        parts.append(Markup(
            '<text x="{lx}" y="{ty}" text-anchor="end">{label}</text>'
            '<rect x="{x}" y="{y}" width="{w}" height="{h}"></rect>'
            '<text x="{cx}" y="{ty}">{count}</text>').format(
            lx=_LABEL - 6, ty=y + 17, label=label, x=_LABEL, y=y, w=width, h=_ROW - 8,
            cx=_LABEL + width + 6, count=count))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
