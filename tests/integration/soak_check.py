#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# Soak checker (issue #7 case 5): parses the hypervisor's periodic
# "STATS: t_ms=..." lines (stats_ms=, vmm/monitor.c) from a console log and
# decides whether the hypervisor's resources stayed flat under traffic.
#
# The traffic window is the samples between the guest's "GUEST: peer" line
# (just before udpsend starts) and its "GUEST: tx bytes=" / "GUEST: rx
# bytes=" line. The first WARMUP (20 %) of them are warm-up; the rest (the
# steady window, at least MIN_STEADY samples) is split into two halves, A
# then B. Flat means:
#   - heap_free_pages: max - min over the steady window <= HEAP_SPREAD pages,
#     and min(B) >= min(A) - HEAP_SLACK (no leak: the pool does not shrink);
#   - shadow_tables: max(B) <= max(A) + TABLE_SLACK (no upward trend in the
#     shadow's page-table pages);
#   - shadow_entries: max(B) <= max(A) + max(ENTRY_SLACK, max(A) / 4);
#   - deferred <= teardown_cap in every sample, and max(B) <= max(A) * 2 +
#     ENTRY_SLACK (the deferred list does not grow without bound);
#   - progress: maps and unmaps grew during the steady window; t_ms rises.
# Usage as a tool: soak_check.py LOG [--teardown-cap N]; exit status 1 on a
# failed check. bed.py's soak cases call check() through their check hook.

import re
import sys

STATS_RX = re.compile(r"^STATS: (.*)$")
FIELD_RX = re.compile(r"(\w+)=(\d+)")
START_RX = re.compile(r"^GUEST: peer ")
END_RX = re.compile(r"^GUEST: (tx|rx) bytes=\d+")
FIELDS = ("t_ms", "heap_free_pages", "shadow_entries", "deferred", "shadow_tables", "maps",
          "unmaps", "revivals", "phys_flushes")

WARMUP = 0.20
MIN_STEADY = 6
HEAP_SPREAD = 32
HEAP_SLACK = 4
TABLE_SLACK = 2
ENTRY_SLACK = 64
TEARDOWN_CAP = 4096


def parse(lines):
    """[(index, {field: int})] of the STATS lines that have every field."""
    out = []
    for i, ln in enumerate(lines):
        m = STATS_RX.match(ln.strip())
        if not m:
            continue
        d = {k: int(v) for k, v in FIELD_RX.findall(m.group(1))}
        if all(k in d for k in FIELDS):
            out.append((i, d))
    return out


def window(lines, samples):
    """The samples inside the traffic window (see the header)."""
    start = next((i for i, ln in enumerate(lines) if START_RX.match(ln)), None)
    end = next((i for i, ln in enumerate(lines) if END_RX.match(ln)), None)
    if start is None:
        return [], "no 'GUEST: peer' line (traffic never started)"
    if end is None:
        end = len(lines)
    return [d for i, d in samples if start < i < end], ""


def check(lines, teardown_cap=TEARDOWN_CAP):
    """[(ok, label, detail)] for a console log given as a list of lines."""
    out = []
    samples = parse(lines)
    win, why = window(lines, samples)
    n = len(win)
    warm = max(1, int(n * WARMUP + 0.999))
    steady = win[warm:]
    out.append((len(steady) >= MIN_STEADY,
                f"at least {MIN_STEADY} STATS samples after warm-up in the traffic window",
                why or f"{len(samples)} STATS lines, {n} in the window, {warm} warm-up, "
                f"{len(steady)} steady"))
    if len(steady) < MIN_STEADY:
        return out
    half = len(steady) // 2
    a, b = steady[:half], steady[half:]

    def col(rows, k):
        return [r[k] for r in rows]

    ts = col(win, "t_ms")
    out.append((all(y > x for x, y in zip(ts, ts[1:])), "STATS t_ms strictly increasing",
                f"t_ms {ts[0]}..{ts[-1]}"))
    heap = col(steady, "heap_free_pages")
    spread = max(heap) - min(heap)
    out.append((spread <= HEAP_SPREAD,
                f"heap_free_pages flat after warm-up (max - min <= {HEAP_SPREAD})",
                f"min {min(heap)} max {max(heap)} spread {spread}"))
    ha, hb = min(col(a, "heap_free_pages")), min(col(b, "heap_free_pages"))
    out.append((hb >= ha - HEAP_SLACK,
                f"no heap leak: min(second half) >= min(first half) - {HEAP_SLACK}",
                f"first half min {ha}, second half min {hb}"))
    ta, tb = max(col(a, "shadow_tables")), max(col(b, "shadow_tables"))
    out.append((tb <= ta + TABLE_SLACK,
                f"shadow_tables: no upward trend (max(second half) <= max(first half) + "
                f"{TABLE_SLACK})", f"first half max {ta}, second half max {tb}"))
    ea, eb = max(col(a, "shadow_entries")), max(col(b, "shadow_entries"))
    eslack = max(ENTRY_SLACK, ea // 4)
    out.append((eb <= ea + eslack,
                "shadow_entries: no upward trend (max(second half) <= max(first half) + "
                "max(64, 25 %))", f"first half max {ea}, second half max {eb}"))
    dmax = max(col(win, "deferred"))
    out.append((dmax <= teardown_cap, f"deferred <= teardown_cap ({teardown_cap}) throughout",
                f"max deferred {dmax}"))
    da, db = max(col(a, "deferred")), max(col(b, "deferred"))
    out.append((db <= da * 2 + ENTRY_SLACK,
                "deferred: no growth (max(second half) <= 2 max(first half) + 64)",
                f"first half max {da}, second half max {db}"))
    for k in ("maps", "unmaps"):
        out.append((steady[-1][k] > steady[0][k], f"{k} grew during the steady window",
                    f"{steady[0][k]} -> {steady[-1][k]}"))
    return out


def peer_clean(summary):
    """[(ok, label, detail)]: the peer saw no gap, bad pattern or checksum."""
    if not summary:
        return [(False, "peer summary", "missing")]
    c = summary.get("counts", {})
    bad = {k: c.get(k, 0) for k in ("udp_sequence_gaps", "udp_pattern_errors",
                                     "udp_bad_checksum", "udp_bad")}
    return [(not any(bad.values()), "peer: no sequence gap, pattern or checksum error",
             ", ".join(f"{k}={v}" for k, v in bad.items()))]


def report(lines, rows=12):
    """A short table of the traffic window (for the log)."""
    samples = parse(lines)
    win, _ = window(lines, samples)
    step = max(1, len(win) // rows)
    out = ["  " + " ".join(f"{k:>15}" for k in FIELDS)]
    for d in win[::step] + win[-1:]:
        out.append("  " + " ".join(f"{d[k]:>15}" for k in FIELDS))
    return out


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description="check a soak run's STATS lines for flatness")
    ap.add_argument("log", help="console log (build/test-logs/<case>.log)")
    ap.add_argument("--teardown-cap", type=int, default=TEARDOWN_CAP)
    a = ap.parse_args(argv)
    with open(a.log, errors="replace") as f:
        lines = [ln.rstrip("\r\n") for ln in f]
    for ln in report(lines):
        print(ln)
    res = check(lines, a.teardown_cap)
    for ok, label, detail in res:
        print(f"  {'ok  ' if ok else 'FAIL'} {label}  ({detail})")
    return 0 if all(ok for ok, _, _ in res) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
