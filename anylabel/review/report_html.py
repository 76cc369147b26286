"""``report.html``: one self-contained page (inline SVG plots, thumbnails as data URIs), so
it can be mailed or archived alone and opened in any browser without a network.

Every label and file name comes from the user's files and is escaped before it goes in."""
from __future__ import annotations

import base64
import html
from typing import Any

from ..core.agreement import EXTRA, MISSING
from .folders import FolderComparison
from .thumbnails import CANDIDATE_RGB, REFERENCE_RGB, thumbnail_jpeg

METRIC_COLOURS = {"precision": "#4c72b0", "recall": "#dd8452", "f1": "#55a868"}
_CONFUSION_MAX_CLASSES = 40


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _rgb(c: tuple[int, int, int]) -> str:
    return "#%02x%02x%02x" % c


def bar_chart_svg(classes: dict[str, dict[str, Any]]) -> str:
    """Precision, recall and F1 per class as grouped bars on a 0..1 axis."""
    names = list(classes)
    group, bar, left, top, plot_h, bottom = 54, 14, 40, 14, 180, 90
    width = left + max(1, len(names)) * group + 20
    height = top + plot_h + bottom
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="precision, recall and F1 per class">']
    for k in range(6):
        v = k / 5
        y = top + plot_h * (1 - v)
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{v:.1f}</text>')
    for gi, name in enumerate(names):
        x0 = left + gi * group + 6
        for mi, metric in enumerate(METRIC_COLOURS):
            v = classes[name].get(metric)
            if v is None:
                continue
            h = plot_h * v
            parts.append(f'<rect x="{x0 + mi * bar}" y="{top + plot_h - h:.1f}" width="{bar - 2}" '
                         f'height="{h:.1f}" fill="{METRIC_COLOURS[metric]}"><title>{_esc(name)} {metric} '
                         f'{v:.3f}</title></rect>')
        cx, cy = x0 + 1.5 * bar, top + plot_h + 12
        parts.append(f'<text x="{cx}" y="{cy}" font-size="11" text-anchor="end" '
                     f'transform="rotate(-40 {cx} {cy})">{_esc(name[:24])}</text>')
    lx = left
    for metric, colour in METRIC_COLOURS.items():
        parts.append(f'<rect x="{lx}" y="{height - 14}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{lx + 14}" y="{height - 5}" font-size="11">{metric}</text>')
        lx += 90
    parts.append("</svg>")
    return "".join(parts)


def confusion_svg(confusion: dict[str, Any]) -> str:
    """The label confusion matrix: reference labels down, candidate labels across; the
    diagonal is agreement, the last row and column shapes with no counterpart at all."""
    rows, cols, matrix = confusion["rows"], confusion["columns"], confusion["matrix"]
    if len(rows) - 1 > _CONFUSION_MAX_CLASSES:  # keep the busiest classes readable
        totals = [sum(matrix[i]) + sum(r[i] for r in matrix) for i in range(len(rows) - 1)]
        keep = sorted(sorted(range(len(rows) - 1), key=lambda i: -totals[i])[:_CONFUSION_MAX_CLASSES])
        keep_r, keep_c = keep + [len(rows) - 1], keep + [len(cols) - 1]
        rows, cols = [rows[i] for i in keep_r], [cols[i] for i in keep_c]
        matrix = [[matrix[i][j] for j in keep_c] for i in keep_r]
    cell, left, top = 34, 110, 84
    width = max(left + cell * len(cols) + 90, 340)  # room for the last column's slanted name
    height = top + cell * len(rows) + 30
    peak = max([max(r) for r in matrix] + [1])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="label confusion matrix">']
    for j, name in enumerate(cols):
        cx, cy = left + j * cell + cell / 2, top - 6
        parts.append(f'<text x="{cx}" y="{cy}" font-size="11" transform="rotate(-45 {cx} {cy})">'
                     f'{_esc(name[:18])}</text>')
    for i, name in enumerate(rows):
        y = top + i * cell
        parts.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4}" font-size="11" text-anchor="end">'
                     f'{_esc(name[:18])}</text>')
        for j, v in enumerate(matrix[i]):
            x = left + j * cell
            agree = name == cols[j] and name not in (EXTRA, MISSING)
            shade = v / peak
            fill = (f"rgba(85,168,104,{0.15 + 0.85 * shade:.2f})" if agree else
                    f"rgba(196,78,82,{0.15 + 0.85 * shade:.2f})") if v else "#fafafa"
            parts.append(f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{fill}">'
                         f'<title>reference {_esc(name)}, candidate {_esc(cols[j])}: {v}</title></rect>')
            if v:
                parts.append(f'<text x="{x + cell / 2 - 1}" y="{y + cell / 2 + 4}" font-size="11" '
                             f'text-anchor="middle">{v}</text>')
    parts.append(f'<text x="{left}" y="{height - 8}" font-size="11">rows: reference label; '
                 f'columns: candidate label</text></svg>')
    return "".join(parts)


def histogram_svg(values: list[float], threshold: float, bins: int = 20) -> str:
    """IoU of the matched pairs in ``bins`` bins over 0..1, with the threshold marked."""
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, max(0, int(v * bins)))] += 1
    left, top, plot_w, plot_h = 40, 14, 400, 160
    width, height = left + plot_w + 20, top + plot_h + 40
    peak = max(counts + [1])
    bw = plot_w / bins
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="histogram of matched IoU">']
    parts.append(f'<text x="{left - 6}" y="{top + 4}" font-size="11" text-anchor="end">{peak}</text>'
                 f'<text x="{left - 6}" y="{top + plot_h}" font-size="11" text-anchor="end">0</text>')
    for k, n in enumerate(counts):
        h = plot_h * n / peak
        parts.append(f'<rect x="{left + k * bw:.1f}" y="{top + plot_h - h:.1f}" width="{bw - 1:.1f}" '
                     f'height="{h:.1f}" fill="#4c72b0"><title>IoU {k / bins:.2f}-{(k + 1) / bins:.2f}: '
                     f'{n}</title></rect>')
    for k in range(0, 11, 2):
        x = left + plot_w * k / 10
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 14}" font-size="11" text-anchor="middle">'
                     f'{k / 10:.1f}</text>')
    tx = left + plot_w * threshold
    parts.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{top}" y2="{top + plot_h}" stroke="#c44e52" '
                 f'stroke-dasharray="4 3"/><text x="{tx + 4:.1f}" y="{top + 12}" font-size="11" '
                 f'fill="#c44e52">threshold {threshold:g}</text>')
    parts.append(f'<text x="{left + plot_w / 2}" y="{height - 4}" font-size="11" text-anchor="middle">'
                 f'IoU of matched pairs ({len(values)})</text></svg>')
    return "".join(parts)


def _metrics_table(data: dict[str, Any]) -> str:
    head = ("<tr><th>class</th><th>tp</th><th>fp</th><th>fn</th><th>precision</th><th>recall</th>"
            "<th>F1</th><th>mean IoU</th></tr>")
    rows = []
    for name, m in list(data["classes"].items()) + [("overall", data["overall"])]:
        cls = ' class="total"' if name == "overall" and m is data["overall"] else ""
        rows.append(f"<tr{cls}><td>{_esc(name)}</td><td>{m['tp']}</td><td>{m['fp']}</td><td>{m['fn']}</td>"
                    f"<td>{_fmt(m['precision'])}</td><td>{_fmt(m['recall'])}</td><td>{_fmt(m['f1'])}</td>"
                    f"<td>{_fmt(m['mean_iou'])}</td></tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def _worst_images(result: FolderComparison, worst: int) -> str:
    cards = []
    for rank, e in enumerate(result.ranked()[:worst], start=1):
        c = e.comparison
        if c.errors == 0 and rank > 1:
            break  # the rest agree fully: nothing to look at
        uri = "data:image/jpeg;base64," + base64.b64encode(thumbnail_jpeg(e)).decode("ascii")
        cards.append(f'<figure><img src="{uri}" alt="{_esc(e.key)}"><figcaption><b>{rank}. {_esc(e.key)}</b>'
                     f"<br>tp {c.tp} · fp {c.fp} · fn {c.fn} · relabelled {len(c.relabelled)} · "
                     f"mean IoU {_fmt(c.mean_iou, 2)}</figcaption></figure>")
    return "".join(cards) or "<p>No image has a disagreement.</p>"


_STYLE = """
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}tr.total{font-weight:bold;background:#f4f4f4}
.plots{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
.thumbs{display:flex;flex-wrap:wrap;gap:14px}figure{margin:0;width:360px;font-size:12px}
figure img{max-width:360px;border:1px solid #ccc}.key span{display:inline-block;width:12px;height:12px;
margin:0 4px 0 12px;vertical-align:middle}.muted{color:#666;font-size:13px}
"""


def render_html(result: FolderComparison, data: dict[str, Any], worst: int = 12) -> str:
    o, opts = data["overall"], data["options"]
    notes = []
    if data["only_in_reference"]:
        notes.append(f"{len(data['only_in_reference'])} label files only in the reference (counted as missed)")
    if data["only_in_candidate"]:
        notes.append(f"{len(data['only_in_candidate'])} label files only in the candidate (counted as extra)")
    if data["errors"]:
        notes.append(f"{len(data['errors'])} files could not be read: " + "; ".join(data["errors"][:5]))
    notes_html = "".join(f"<li>{_esc(n)}</li>" for n in notes)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Agreement report</title><style>{_STYLE}</style></head>
<body>
<h1>Agreement report</h1>
<p class="muted">reference <code>{_esc(data['reference'])}</code> · candidate <code>{_esc(data['candidate'])}</code><br>
{data['image_count']} images · IoU threshold {opts['iou']:g} · points within {opts['point_distance']:g} px ·
lines as {opts['line_width']:g} px corridors · {_esc(opts['matching'])} matching</p>
<p><b>precision {_fmt(o['precision'])} · recall {_fmt(o['recall'])} · F1 {_fmt(o['f1'])} ·
mean IoU {_fmt(o['mean_iou'])}</b> (tp {o['tp']}, fp {o['fp']}, fn {o['fn']})</p>
<ul class="muted">{notes_html}</ul>
<h2>Per class</h2>
{_metrics_table(data)}
<div class="plots">
<div><h2>Precision, recall and F1 per class</h2>{bar_chart_svg(data['classes'])}</div>
<div><h2>IoU of matched shapes</h2>{histogram_svg(result.agreement.ious, opts['iou'])}</div>
</div>
<h2>Label confusion (matched by geometry)</h2>
{confusion_svg(data['confusion'])}
<h2>Images with the most disagreement</h2>
<p class="key"><span style="background:{_rgb(REFERENCE_RGB)}"></span>reference <span
style="background:{_rgb(CANDIDATE_RGB)}"></span>candidate · thick outline: no partner of the same label</p>
<div class="thumbs">{_worst_images(result, worst)}</div>
</body></html>
"""
