"""Charts as server-side SVG (R-SUP-1): drawn here in Python, inlined in the page.

No JavaScript and no style attributes, so they live under the strict CSP (R-SEC-2): the
colours come from classes in static/css/supervisor.css. Every text is escaped
(`format_html`); each bar carries a <title> with its exact value, and each chart a
title for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640
COLUMN_HEIGHT = 220
ROW_HEIGHT = 26
LABEL_WIDTH = 170
VALUE_WIDTH = 90
MARGIN = 8
AXIS_SPACE = 22  # below the columns, for their labels
SCALE_SPACE = 34  # left of the columns, for the scale's top value


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    # What the bar says: "12", "34 %", "2:05".
    display: str
    # Extra CSS class of the bar: "accent" or "muted".
    kind: str = ""


LABEL_CHARS = 22  # a row's label is cut to this; its <title> holds it whole


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _svg(ident: str, title: str, height: float, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart-svg" role="img" aria-labelledby="{}-title" viewBox="0 0 {} {}" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title>{}</svg>',
        ident,
        WIDTH,
        _num(height),
        ident,
        title,
        body,
    )


def _empty(ident: str, title: str, empty_text: str) -> SafeString:
    body = format_html('<text class="empty" x="{}" y="{}" text-anchor="middle">{}</text>', WIDTH // 2, 40, empty_text)
    return _svg(ident, title, 70, body)


def columns(bars: Sequence[Bar], *, ident: str, title: str, empty_text: str, label_every: int = 1) -> SafeString:
    """Vertical bars over a sequence (hours, days), each labelled below (every
    `label_every`-th, so that days of a long period stay legible)."""
    top = max((b.value for b in bars), default=0)
    if not bars or top <= 0:
        return _empty(ident, title, empty_text)
    plot_height = COLUMN_HEIGHT - AXIS_SPACE - 2 * MARGIN
    left = MARGIN + SCALE_SPACE
    step = (WIDTH - left - MARGIN) / len(bars)
    width = max(step * 0.8, 1)
    baseline = MARGIN + plot_height
    parts = []
    for i, bar in enumerate(bars):
        height = plot_height * bar.value / top
        x = left + i * step + (step - width) / 2
        parts.append(
            format_html(
                '<rect class="bar {}" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
                bar.kind,
                _num(x),
                _num(baseline - height),
                _num(width),
                _num(height),
                bar.label,
                bar.display,
            )
        )
        if i % label_every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                    _num(left + i * step + step / 2),
                    _num(baseline + 15),
                    bar.label,
                )
            )
    peak = max(bars, key=lambda b: b.value)
    parts.append(
        format_html(
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"></line><text class="value" x="{}" y="{}">{}</text>',
            MARGIN,
            _num(baseline),
            WIDTH - MARGIN,
            _num(baseline),
            MARGIN,
            MARGIN + 4,
            peak.display,
        )
    )
    # Joined through conditional_escape: the format_html parts pass as they are, anything
    # else would be escaped (no mark_safe to trust).
    return _svg(ident, title, COLUMN_HEIGHT, format_html_join("", "{}", ((part,) for part in parts)))


def rows(bars: Sequence[Bar], *, ident: str, title: str, empty_text: str, scale: float | None = None) -> SafeString:
    """Horizontal bars, one per row with its label and value: results, funnel stages,
    agents. `scale` is the value of a full bar (default: the largest)."""
    top = scale if scale is not None else max((b.value for b in bars), default=0)
    if not bars or top <= 0:
        return _empty(ident, title, empty_text)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 2 * MARGIN
    rendered = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end">{}</text>'
        '<rect class="bar {}" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>'
        '<text class="value" x="{}" y="{}">{}</text>',
        (
            (
                LABEL_WIDTH - 6,
                _num(MARGIN + i * ROW_HEIGHT + ROW_HEIGHT * 0.62),
                _short(bar.label),
                bar.kind,
                LABEL_WIDTH,
                _num(MARGIN + i * ROW_HEIGHT + 3),
                _num(max(room * min(bar.value / top, 1), 0)),
                ROW_HEIGHT - 6,
                bar.label,
                bar.display,
                _num(LABEL_WIDTH + room * min(bar.value / top, 1) + 6),
                _num(MARGIN + i * ROW_HEIGHT + ROW_HEIGHT * 0.62),
                bar.display,
            )
            for i, bar in enumerate(bars)
        ),
    )
    return _svg(ident, title, 2 * MARGIN + len(bars) * ROW_HEIGHT, rendered)
