#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# Unit tests of soak_check.py on synthetic console logs:
#   python3 tests/integration/test_soak_check.py
# (bed.py skips test_*.py when it collects suites.)

import os
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soak_check  # noqa: E402


def stats(t, heap=15580, entries=259, deferred=1, tables=3, maps=0, unmaps=0):
    return (f"STATS: t_ms={t} heap_free_pages={heap} shadow_entries={entries} "
            f"deferred={deferred} shadow_tables={tables} maps={maps} unmaps={unmaps} "
            f"revivals=0 phys_flushes=0 expired=0 busy_permille=5")


def log(n=40, **over):
    """A run: boot samples, GUEST: peer, n traffic samples, tx line, a tail.
    over[field] = function(i) -> value overrides a field per traffic sample."""
    lines = ["HV: ready", stats(100), stats(200), "GUEST: peer 169.254.10.1 mac=x"]
    for i in range(n):
        kw = dict(t=1000 + 250 * i, maps=100 + 50 * i, unmaps=90 + 50 * i)
        kw.update({k: f(i) for k, f in over.items()})
        lines.append(stats(**kw))
        if i % 7 == 3:
            lines.append("GUEST-DMESG: interleaved guest output")
    lines += ["GUEST: tx bytes=33554432 packets=22796", stats(99999, heap=1, tables=99)]
    return lines


def failed(lines, cap=4096):
    return [label for ok, label, _ in soak_check.check(lines, cap) if not ok]


class SoakCheck(unittest.TestCase):
    def test_flat_run_passes(self):
        self.assertEqual(failed(log()), [])
        # wobble within the bounds, and a warm-up that grows
        lines = log(heap=lambda i: 15580 - (40 if i < 6 else i % 5),
                    tables=lambda i: 2 + (i >= 3) + (i % 11 == 0),
                    entries=lambda i: 258 + (i % 30), deferred=lambda i: i % 17)
        self.assertEqual(failed(lines), [])

    def test_samples_after_the_tx_line_are_ignored(self):
        # the last line (heap=1, tables=99) is after GUEST: tx bytes=
        self.assertEqual(failed(log()), [])

    def test_heap_leak_fails(self):
        f = failed(log(heap=lambda i: 15580 - 2 * i))
        self.assertTrue(any("heap_free_pages flat" in x for x in f), f)
        self.assertTrue(any("no heap leak" in x for x in f), f)

    def test_slow_heap_leak_fails(self):
        # under the spread bound but the pool keeps shrinking
        f = failed(log(n=80, heap=lambda i: 15580 - i // 4))
        self.assertEqual(f, ["no heap leak: min(second half) >= min(first half) - 4"])

    def test_growing_shadow_tables_fail(self):
        f = failed(log(tables=lambda i: 3 + i // 5))
        self.assertTrue(any("shadow_tables" in x for x in f), f)

    def test_growing_entries_fail(self):
        f = failed(log(entries=lambda i: 259 + 40 * i))
        self.assertTrue(any("shadow_entries" in x for x in f), f)

    def test_deferred_over_cap_fails(self):
        f = failed(log(deferred=lambda i: 5000 if i == 30 else 3))
        self.assertTrue(any("teardown_cap" in x for x in f), f)
        self.assertTrue(any("deferred: no growth" in x for x in f), f)
        self.assertEqual(failed(log(deferred=lambda i: 100), cap=64),
                         ["deferred <= teardown_cap (64) throughout"])

    def test_no_progress_fails(self):
        f = failed(log(maps=lambda i: 100, unmaps=lambda i: 90))
        self.assertEqual(sorted(f), ["maps grew during the steady window",
                                     "unmaps grew during the steady window"])

    def test_too_few_samples_fail(self):
        f = failed(log(n=7))
        self.assertEqual(len(f), 1)
        self.assertIn("STATS samples", f[0])
        no_traffic = [ln for ln in log() if not ln.startswith("GUEST: peer")]
        self.assertEqual(len(failed(no_traffic)), 1)

    def test_time_must_increase(self):
        f = failed(log(t=lambda i: 5000 if i == 20 else 1000 + 250 * i))
        self.assertEqual(f, ["STATS t_ms strictly increasing"])

    def test_peer_clean(self):
        ok = soak_check.peer_clean({"counts": {"udp_sequence_gaps": 0}})
        self.assertTrue(ok[0][0])
        bad = soak_check.peer_clean({"counts": {"udp_sequence_gaps": 2}})
        self.assertFalse(bad[0][0])
        self.assertFalse(soak_check.peer_clean(None)[0][0])


if __name__ == "__main__":
    unittest.main()
