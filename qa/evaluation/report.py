"""Readable evaluation reports: a terminal table, Markdown, JSON and two SVG plots.

The plots are drawn as plain SVG (bars and a histogram), so the report needs no
plotting library and opens in any browser.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from qa.evaluation.harness import HEADLINE, EvalRun, failures

TABLE_METRICS = ("hit@1", "hit@5", "hit@10", "recall@10", "mrr", "ndcg@10", *HEADLINE[3:], "latency_ms_p50")


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1 else f"{value:.0f}"
    return str(value)


def summary_rows(runs: list[EvalRun]) -> list[tuple[str, str, dict[str, Any]]]:
    rows = []
    for run in runs:
        rows.append((run.mode, "all", run.summary))
        for lang, metrics in run.summary["by_lang"].items():
            rows.append((run.mode, lang, metrics))
    return rows


def terminal_table(runs: list[EvalRun]) -> str:
    header = ["mode", "lang", *TABLE_METRICS]
    lines = [header] + [[mode, lang, *(_fmt(m.get(k)) for k in TABLE_METRICS)] for mode, lang, m in summary_rows(runs)]
    widths = [max(len(str(row[i])) for row in lines) for i in range(len(header))]
    out = ["  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)) for row in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown(runs: list[EvalRun], questions_path: str, command: str) -> str:
    parts = [f"# Evaluation report\n\nQuestion set: `{questions_path}`  \nCommand: `{command}`\n"]
    header = ["mode", "lang", *TABLE_METRICS]
    parts.append("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for mode, lang, m in summary_rows(runs):
        parts.append("| " + " | ".join([mode, lang, *(_fmt(m.get(k)) for k in TABLE_METRICS)]) + " |")
    for run in runs:
        parts.append(f"\n## {run.mode}: by type\n")
        parts.append(_breakdown(run.summary["by_type"]))
        parts.append(f"\n## {run.mode}: by retrieval direction\n")
        parts.append(_breakdown(run.summary["by_direction"], answers=False))
        parts.append(f"\n## {run.mode}: by topic\n")
        parts.append(_breakdown(run.summary["by_topic"]))
        if "by_style" in run.summary:
            parts.append(f"\n## {run.mode}: by style of asking (a question counts under each of its labels)\n")
            parts.append(_breakdown(run.summary["by_style"]))
        parts.append(f"\n## {run.mode}: failures\n")
        parts.append(_failures(run))
    return "\n".join(parts) + "\n"


def _breakdown(groups: dict[str, dict[str, Any]], answers: bool = True) -> str:
    cols = ["n", "hit@5", "recall@10", "mrr", "ndcg@10"]
    if answers:
        cols += ["key_point_coverage", "false_abstention", "abstention_accuracy", "short_answer_precision"]
    lines = ["| group | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    for name, m in groups.items():
        lines.append(f"| {name} | " + " | ".join(_fmt(m.get(c)) for c in cols) + " |")
    return "\n".join(lines)


def _failures(run: EvalRun, limit: int = 60) -> str:
    bad = failures(run)
    lines = [f"{len(bad)} questions need attention (showing {min(limit, len(bad))}).\n"]
    for r in bad[:limit]:
        q = r.question
        lines.append(f"### {q.id} ({q.lang}, {q.type}, {q.topic})\n\n> {q.question}\n")
        if q.in_scope:
            lines.append(f"- expected evidence ({q.evidence_mode}): " + "; ".join(f"`{e}`" for e in q.evidence))
            found = [
                f"{cid} (covers {', '.join(str(i) for i in cov)})"
                for cid, cov in zip(r.retrieved, r.covered, strict=True)
                if cov
            ]
            lines.append(
                f"- hit@5 {r.scores.get('hit@5', 0):.0f}, mrr {r.scores.get('mrr', 0):.2f}; covering passages: {', '.join(found) or 'none in top 10'}"
            )
            lines.append(f"- top 3 retrieved: {', '.join(r.retrieved[:3]) or 'nothing'}")
            if r.key_points_missed:
                lines.append("- key points missed: " + "; ".join(" / ".join(p) for p in r.key_points_missed))
        lines.append(f"- abstained: {r.abstained}")
        answer = r.answer.replace("\n", " ")
        lines.append(f"- answer: {answer[:400]}{'…' if len(answer) > 400 else ''}\n")
    return "\n".join(lines)


def bar_chart_svg(
    runs: list[EvalRun],
    metrics: tuple[str, ...] = ("hit@5", "mrr", "ndcg@10", "key_point_coverage", "abstention_accuracy"),
) -> str:
    groups = [(f"{mode}/{lang}", m) for mode, lang, m in summary_rows(runs)]
    colors = ["#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2"]
    bar, gap, height, left, top = 14, 26, 220, 50, 30
    width = left + len(metrics) * (len(groups) * bar + gap) + 180
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 90}" font-family="sans-serif" font-size="11">'
    ]
    svg.append(f'<text x="{left}" y="18" font-size="13">Metrics per mode and language</text>')
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = top + height - tick * height
        svg.append(
            f'<line x1="{left}" x2="{width - 180}" y1="{y}" y2="{y}" stroke="#ddd"/><text x="{left - 6}" y="{y + 4}" text-anchor="end">{tick:.2f}</text>'
        )
    x = left + gap / 2
    for metric in metrics:
        for i, (_, m) in enumerate(groups):
            value = m.get(metric) or 0.0
            h = value * height
            svg.append(
                f'<rect x="{x + i * bar}" y="{top + height - h}" width="{bar - 2}" height="{h}" fill="{colors[i % len(colors)]}"><title>{escape(metric)} {value:.3f}</title></rect>'
            )
        svg.append(
            f'<text x="{x + len(groups) * bar / 2}" y="{top + height + 16}" text-anchor="middle">{escape(metric)}</text>'
        )
        x += len(groups) * bar + gap
    for i, (name, _) in enumerate(groups):
        y = top + 10 + i * 16
        svg.append(
            f'<rect x="{width - 170}" y="{y - 9}" width="10" height="10" fill="{colors[i % len(colors)]}"/><text x="{width - 155}" y="{y}">{escape(name)}</text>'
        )
    svg.append("</svg>")
    return "\n".join(svg)


def latency_svg(run: EvalRun, bins: int = 20) -> str:
    values = [r.latency_ms for r in run.results if r.latency_ms > 0]
    width, height, left, top = 520, 200, 50, 30
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 70}" font-family="sans-serif" font-size="11">'
    ]
    svg.append(f'<text x="{left}" y="18" font-size="13">Answer latency, {escape(run.mode)} (ms, warm)</text>')
    if values:
        low, high = min(values), max(values)
        step = (high - low) / bins or 1.0
        counts = [0] * bins
        for v in values:
            counts[min(int((v - low) / step), bins - 1)] += 1
        peak = max(counts)
        bw = (width - left - 20) / bins
        for i, c in enumerate(counts):
            h = c / peak * height
            svg.append(
                f'<rect x="{left + i * bw}" y="{top + height - h}" width="{bw - 1}" height="{h}" fill="#4269d0"><title>{c}</title></rect>'
            )
        svg.append(
            f'<text x="{left}" y="{top + height + 16}">{low:.0f}</text><text x="{width - 20}" y="{top + height + 16}" text-anchor="end">{high:.0f}</text>'
        )
        svg.append(
            f'<text x="{left}" y="{top + height + 34}">p50 {run.summary.get("latency_ms_p50")} ms, p95 {run.summary.get("latency_ms_p95")} ms, n={len(values)}</text>'
        )
    svg.append("</svg>")
    return "\n".join(svg)


def run_json(runs: list[EvalRun]) -> dict[str, Any]:
    """The spec's object for the first mode, plus every mode under ``modes``."""
    first = dict(runs[0].summary)
    first["mode"] = runs[0].mode
    first["modes"] = {run.mode: run.summary for run in runs}
    return first


def write_report(runs: list[EvalRun], out: Path, questions_path: str, command: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "report.md": markdown(runs, questions_path, command),
        "results.json": json.dumps(run_json(runs), ensure_ascii=False, indent=2),
        "metrics.svg": bar_chart_svg(runs),
        "latency.svg": latency_svg(runs[0]),
    }
    per_question = [
        {
            "mode": run.mode,
            "id": r.question.id,
            "lang": r.question.lang,
            "type": r.question.type,
            "direction": r.direction,
            "scores": r.scores,
            "retrieved": r.retrieved,
            "abstained": r.abstained,
            "answer": r.answer,
            "latency_ms": round(r.latency_ms, 1),
        }
        for run in runs
        for r in run.results
    ]
    files["questions.jsonl"] = "\n".join(json.dumps(p, ensure_ascii=False) for p in per_question) + "\n"
    written = []
    for name, content in files.items():
        (out / name).write_text(content, encoding="utf-8")
        written.append(out / name)
    return written
