"""The report at the end of a run: one aligned table of both systems, then what the table leaves out.

Plain text: it is read in a terminal and pasted into docs/benchmarks.md.
"""

from __future__ import annotations

from .storm import StormResult


def table(rows: list[list[str]]) -> str:
    """Plain aligned columns: the report is read in a terminal and pasted into docs/benchmarks.md."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def report(results: list[StormResult]) -> str:
    """The table, then per system what the table leaves out (CPU, order, errors, losses by cause)."""
    rows = [
        [
            "server",
            "clients",
            "connect s",
            "events",
            "delivered",
            "lost",
            "msgs/s",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "max ms",
            "ack p99 ms",
            "storm s",
        ]
    ]
    for r in results:
        rows.append(
            [
                r.name,
                f"{r.clients - r.failed}/{r.clients}",
                f"{r.connect_s:.1f}",
                str(r.sent),
                f"{r.delivered}/{r.expected}",
                str(r.lost),
                f"{r.msgs_per_s:.0f}",
                f"{r.pct(50):.1f}",
                f"{r.pct(90):.1f}",
                f"{r.pct(99):.1f}",
                f"{r.pct(100):.1f}",
                f"{r.pct(99, r.ack_latencies):.1f}",
                f"{r.storm_s:.2f}",
            ]
        )
    lines = [table(rows), ""]
    for r in results:
        cpu = ", ".join(f"{k} {v:.1f}" for k, v in r.cpu.items() if v >= 0.05)
        extra = [f"CPU s during the storm: {cpu or '-'}"]
        codes = ", ".join(f"code {code}: {n}" for code, n in sorted(r.close_codes.items()))
        extra.append(f"out of order {r.out_of_order}, errors {r.errors}, connections dropped {r.dropped}")
        if codes:
            extra[-1] += f" ({codes})"
        if r.lessons_with_loss:
            extra.append(
                f"lessons with losses {r.lessons_with_loss}, "
                f"lost to dropped connections {r.lost_to_dropped} of {r.lost}"
            )
        if r.blind:
            extra.append(f"terminals that never heard the question {r.blind}")
        if any(r.inbox_drops):
            extra.append(
                "group messages dropped by channels-redis (inbox over capacity): "
                f"{r.inbox_drops[0]} while joining, {r.inbox_drops[1]} in the storm"
            )
        if r.stored is not None:
            extra.append(f"storm events stored {r.stored}")
        lines.append(f"  {r.name}: " + "; ".join(extra))
    return "\n".join(lines)
