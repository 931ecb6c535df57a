#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# `make bench`: throughput and cost of strict IOMMU protection for an
# unmodified guest. Runs every configuration (bare Linux without/with the
# Intel IOMMU, Sidevisor with viommu=off/trap/sidecore and teardown 0/N, and
# a sidecore teardown-window sweep) on the same QEMU TCG machine, interleaved
# round by round, transmitting to and receiving from the loopback peer; parses
# the guest's and the hypervisor's counters; writes build/bench/results.csv,
# docs/benchmarks.md and PNG plots (gnuplot). The Bochs/VMX bed gets one
# pass-through run (exits per MiB). Python 3 standard library only; reuses
# tests/integration/bed.py for the machine, the ISO, the console and the peer.

import argparse
import csv
import datetime
import fcntl
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests/integration"))
import bed  # noqa: E402  (tests/integration/bed.py)
from report import aggregate, make_plots, render_md  # noqa: E402  (bench/report.py)

BUILD = bed.BUILD
OUT = os.path.join(BUILD, "bench")
DOCS = os.path.join(ROOT, "docs")
MIB = 1 << 20
# a private copy: the tree's build/hv.elf may be rebuilt while the benchmark runs
HV_ELF = os.path.join(OUT, "hv.elf")
BASE = bed.GUEST_CMDLINE_BASE
STRICT = "intel_iommu=on iommu.strict=1"
TEARDOWN_N = 10  # ms: the hypervisor's default window

# The eight configurations of the issue; 9.. are the extra sweep points.
CONFIGS = [
    dict(id=1, key="bare-noiommu", label="bare Linux, no IOMMU", bare=True, iommu=False,
         gcmd="intel_iommu=off"),
    dict(id=2, key="bare-strict", label="bare Linux, intel-iommu strict", bare=True,
         iommu=True, gcmd="intel_iommu=on iommu.strict=1"),
    dict(id=3, key="bare-lazy", label="bare Linux, intel-iommu lazy", bare=True, iommu=True,
         gcmd="intel_iommu=on iommu.strict=0"),
    dict(id=4, key="sv-off", label="Sidevisor viommu=off", hv="viommu=off", gcmd=STRICT),
    dict(id=5, key="sv-trap-0", label="Sidevisor trap, teardown 0", hv="viommu=trap teardown_ms=0",
         gcmd=STRICT),
    dict(id=6, key=f"sv-trap-{TEARDOWN_N}", label=f"Sidevisor trap, teardown {TEARDOWN_N} ms",
         hv=f"viommu=trap teardown_ms={TEARDOWN_N}", gcmd=STRICT),
    dict(id=7, key="sv-side-0", label="Sidevisor sidecore, teardown 0",
         hv="viommu=sidecore teardown_ms=0", gcmd=STRICT, window=0),
    dict(id=8, key=f"sv-side-{TEARDOWN_N}", label=f"Sidevisor sidecore, teardown {TEARDOWN_N} ms",
         hv=f"viommu=sidecore teardown_ms={TEARDOWN_N}", gcmd=STRICT, window=TEARDOWN_N),
]
SWEEP = [0, 1, 2, 5, 10, 20]


QUICK_SWEEP = [0, 2, 10, 20]  # QUICK=1: fewer points, to stay under 5 minutes


def sweep_configs(windows=SWEEP):
    out, nid = [], 9
    for w in windows:
        if any(c.get("window") == w for c in CONFIGS):
            continue
        out.append(dict(id=nid, key=f"sv-side-{w}", label=f"Sidevisor sidecore, teardown {w} ms",
                        hv=f"viommu=sidecore teardown_ms={w}", gcmd=STRICT, window=w,
                        sweep_only=True))
        nid += 1
    return out


T0 = time.monotonic()


def say(msg):
    el = time.monotonic() - T0
    print(f"[bench {int(el) // 60:2d}:{int(el) % 60:02d}] {msg}", flush=True)


# ---- console parsing ---------------------------------------------------------

KV = re.compile(r"(\w+)=(\d+)")


def parse_console(lines):
    """Counters from one run's console: guest traffic, exits, vIOMMU, VT-d."""
    c = {}
    for ln in lines:
        m = re.match(r"^GUEST: (tx|rx) bytes=(\d+) packets=(\d+)$", ln)
        if m:
            c.setdefault("g_packets", int(m.group(3)))
            continue
        m = re.match(r"^GUEST: (tx|rx)-stats (sent|received) (.*)$", ln)
        if m:
            for k, v in KV.findall(m.group(3)):
                c["g_" + k] = int(v)
            continue
        m = re.match(r"^EXITS: total=(\d+)", ln)
        if m:
            c["exits_total"] = int(m.group(1))
            continue
        m = re.match(r"^EXITS: ([A-Z_0-9]+)=(\d+)$", ln)
        if m:
            c["exit_" + m.group(1)] = int(m.group(2))
            continue
        m = re.match(r"^VIOMMU: (regs|descriptors|invalidations|shadow|teardown) (.*)$", ln)
        if m:
            pre = {"regs": "reg_", "descriptors": "desc_"}.get(m.group(1), "")
            for k, v in KV.findall(m.group(2)):
                c[pre + k] = int(v)
            continue
        m = re.match(r"^VIOMMU: guest unmap invalidations=(\d+) physical invalidations=(\d+)", ln)
        if m:
            c["unmap_invalidations"] = int(m.group(1))
            continue
        m = re.match(r"^VIOMMU: sidecore busy=([\d.]+)% of (\d+) ms polling", ln)
        if m:
            c["poll_ms"] = int(m.group(2))
            c["busy_ms"] = float(m.group(1)) / 100 * int(m.group(2))
            continue
        m = re.match(r"^VIOMMU: faults_reflected=.*$", ln)
        if m:
            for k, v in KV.findall(ln):
                c[k] = int(v)
            continue
        m = re.match(r"^VTD: stats (.*)$", ln)
        if m:
            for k, v in KV.findall(m.group(1)):
                c["vtd_" + k] = int(v)
            continue
        m = re.match(r"^TSC: ([\d.]+) MHz", ln)
        if m:
            c["tsc_mhz"] = float(m.group(1))
            continue
        m = re.match(r"^GUEST: uptime ([\d.]+)", ln)
        if m:
            c["g_uptime"] = float(m.group(1))
    c["guest_done"] = any(ln == "GUEST: done" for ln in lines)
    c["guest_fail"] = next((ln for ln in lines if ln.startswith("GUEST: FAIL")), None)
    c["fatal"] = next((ln for ln in lines if any(f in ln for f in bed.FATAL_MARKERS)), None)
    return c


TRAFFIC_DONE = re.compile(r"GUEST: (tx|rx)(-stats)? ")
# The guest pauses (sv.pause) after "GUEST: peer", where the control-port
# snapshot is asked for, and prints this marker just before its first packet.
TRAFFIC_START = "GUEST: pause done"
PAUSE_S = 1  # guest seconds; on Bochs one guest second is ~20 s of wall time


def split_console(lines):
    """(counters at the end, counters of the 'CTL: counters' block or None).
    The hypervisor formats the whole block at one instant (its first line)
    and then prints it; the snapshot only counts when the block was complete
    before the guest's traffic began (the pause's end marker) or ended, so
    the interval covers all of the traffic and the block no guest line."""
    snap, rest, block, traffic_seen = None, [], None, False
    for ln in lines:
        if TRAFFIC_START in ln or TRAFFIC_DONE.search(ln):
            traffic_seen = True
        if block is None and ln.startswith("CTL: counters at "):
            block = []
        elif block is not None and ln == "CTL: end of counters":
            snap, block = (None if traffic_seen else parse_console(block)), None
        elif block is not None:
            block.append(ln)
        else:
            rest.append(ln)
    return parse_console(rest), snap


def ctl_sock_path(work):
    p = os.path.join(work, "ctl.sock")
    if len(p) > 100:  # sun_path limit
        p = os.path.join("/tmp", f"sv-bench-{os.getpid()}-{abs(hash(work)) % 10**8}.sock")
    if os.path.exists(p):
        os.unlink(p)
    return p


def ctl_connect(path):
    import socket
    if not os.path.exists(path):
        return None
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
    except OSError:
        s.close()
        return None
    return s


def ctl_send(s, data):
    try:
        s.sendall(data)
        return True
    except OSError:
        return False


# ---- one run ------------------------------------------------------------------


def guest_cmdline(cfg, mode, nbytes):
    w = [BASE, cfg["gcmd"], "sv.nic=e1000e"]
    if cfg.get("bare"):
        w.append("nr_cpus=1")  # one guest CPU, as under Sidevisor
    if mode == "base":
        w.append("sv.mode=nic")
    else:
        w += [f"sv.mode={mode}", f"sv.bytes={nbytes}", f"sv.pause={PAUSE_S}"]
        if mode == "rx":
            w.append("sv.timeout=300")
    return " ".join(w)


def iso_path(cfg, mode):
    return os.path.join(OUT, "iso", f"{cfg['key']}-{mode}.iso")


def build_iso(cfg, mode, nbytes):
    kernel, initrd, _ = bed.guest_files({"guest": "linux"})
    argv = [os.path.join(ROOT, "scripts/mkiso.sh"), iso_path(cfg, mode),
            HV_ELF, cfg.get("hv", ""), kernel, initrd,
            guest_cmdline(cfg, mode, nbytes)]
    os.makedirs(os.path.dirname(argv[1]), exist_ok=True)
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if r.returncode:
        raise SystemExit("bench: mkiso failed:\n" + r.stdout + r.stderr)


# QEMU names its vCPU threads ("CPU 0/TCG"): host CPU time per vCPU, from /proc
NAMED_THREADS = ("-name", "sidevisor-bench,debug-threads=on")


def run_one(cfg, mode, nbytes, tag, timeout):
    """One boot of one configuration; returns (counters, peer summary, why)."""
    work = os.path.join(OUT, "runs", tag)
    os.makedirs(work, exist_ok=True)
    raw = os.path.join(work, "com1.raw")
    if os.path.exists(raw):
        os.unlink(raw)
    spec = {}
    if mode == "tx":
        spec = {"expect": nbytes}
    elif mode == "rx":
        spec = {"send": nbytes}
    peer = bed.Peer({"peer": spec}, work, timeout + 30)
    sock = None
    if cfg.get("bare"):
        kernel, initrd, _ = bed.guest_files({"guest": "linux"})
        argv = bed.qemu_argv(None, raw, stream_port=peer.port, iommu=cfg["iommu"],
                             direct=(kernel, initrd, guest_cmdline(cfg, mode, nbytes)),
                             extra=NAMED_THREADS)
    else:
        # COM2 is the hypervisor's control port (ctl=com2, hidden from the
        # guest): 's' prints every counter, our snapshot before the traffic.
        sock = ctl_sock_path(work)
        argv = bed.qemu_argv(iso_path(cfg, mode), raw, stream_port=peer.port, extra=(
            "-chardev", f"socket,id=ctl,path={sock},server=on,wait=off",
            "-serial", "chardev:ctl", *NAMED_THREADS))
    with open(os.path.join(work, "cmd"), "w") as f:
        f.write(" ".join(bed.sh_quote(a) for a in argv) + "\n")
    tail = bed.SerialTail(raw, os.path.join(work, "console.log"))
    t0 = time.monotonic()
    emu = bed.Emulator("qemu", argv, work, os.path.join(work, "emu.log"))
    why, t_fatal, ctl, asked = "timeout", None, None, False
    cpu_a = cpu_b = None
    try:
        while True:
            time.sleep(bed.POLL_S)
            now = time.monotonic()
            if sock and ctl is None:
                ctl = ctl_connect(sock)
            for ln in tail.poll():
                if t_fatal is None and any(m in ln for m in bed.FATAL_MARKERS):
                    t_fatal = now
                # the last marker before udpsend starts: snapshot the counters
                if ctl is not None and not asked and ln.startswith("GUEST: peer "):
                    asked = ctl_send(ctl, b"s")
                # host CPU time of QEMU's vCPU threads over the transfer
                if ln.startswith(TRAFFIC_START) and cpu_a is None:
                    cpu_a = (now, thread_cpu(emu.proc.pid))
                elif TRAFFIC_DONE.match(ln) and cpu_a is not None and cpu_b is None:
                    cpu_b = (now, thread_cpu(emu.proc.pid))
            if not emu.running():
                why = "exited"
                break
            if t_fatal is not None and now - t_fatal > 2:
                why = "fatal marker"
                break
            if now - t0 > timeout:
                break
    finally:
        emu.stop()
        tail.close()
        summary = peer.finish()
        if ctl is not None:
            ctl.close()
        if sock and os.path.exists(sock):
            os.unlink(sock)
    c, snap = split_console(tail.lines)
    c["snap"] = snap
    c["wall_s"] = round(time.monotonic() - t0, 1)
    if cpu_a and cpu_b and cpu_b[0] > cpu_a[0]:
        dt = cpu_b[0] - cpu_a[0]
        for name, key in (("CPU 0/TCG", "host_cpu0_pct"), ("CPU 1/TCG", "host_cpu1_pct")):
            if name in cpu_a[1] and name in cpu_b[1]:
                c[key] = 100 * (cpu_b[1][name] - cpu_a[1][name]) / dt
    return c, summary or {}, why


def thread_cpu(pid):
    """{thread name: CPU seconds (user + system)} of one process's threads."""
    out, hz = {}, os.sysconf("SC_CLK_TCK")
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as fh:
                st = fh.read()
        except OSError:
            continue
        name = st[st.index("(") + 1:st.rindex(")")]
        f = st[st.rindex(")") + 2:].split()
        out[name] = out.get(name, 0) + (int(f[11]) + int(f[12])) / hz
    return out


def judge(cfg, mode, nbytes, c, peer, why):
    """Returns (ok, reason, throughput Mbit/s)."""
    if c["fatal"]:
        return False, c["fatal"], None
    if c["guest_fail"]:
        return False, c["guest_fail"], None
    if not c["guest_done"]:
        return False, f"no 'GUEST: done' ({why})", None
    if not cfg.get("bare") and "exits_total" not in c:
        return False, "no EXITS counters", None
    if mode == "base":
        return True, "", None
    if c.get("g_bytes") != nbytes:
        return False, f"guest moved {c.get('g_bytes')} of {nbytes} bytes", None
    if mode == "tx":
        # payload bytes counted by the peer over its first-to-last arrival
        got = peer.get("bytes") or 0
        bad = sum(peer.get("counts", {}).get(k, 0) for k in
                  ("udp_pattern_errors", "udp_bad_checksum", "udp_bad"))
        if bad:
            return False, f"peer saw {bad} bad datagrams", None
        if got < nbytes * 0.9:
            return False, f"peer counted {got} of {nbytes} bytes", None
        secs = peer.get("rx_seconds") or 0
        if secs <= 0:
            return False, "no duration", None
        # a few lost datagrams are reported (column lost_bytes), not hidden
        lost = nbytes - got
        return True, f"lost {lost} bytes" if lost else "", got * 8 / secs / 1e6
    us = c.get("g_usecs", 0)
    if c.get("g_bad"):
        return False, f"guest saw {c['g_bad']} bad datagrams", None
    return (True, "", nbytes * 8 / us) if us > 0 else (False, "no duration", None)


# ---- figures of one run -------------------------------------------------------

def figures(cfg, mode, nbytes, c, mbps, tsc_mhz):
    """Derived figures; counters are the traffic's: shutdown minus snapshot."""
    f = {"mbps": mbps}
    for k in ("host_cpu0_pct", "host_cpu1_pct"):
        if c.get(k) is not None:
            f[k] = c[k]
    snap = c.get("snap")
    if cfg.get("bare") or mode == "base" or not snap:
        return f
    mib = nbytes / MIB

    def d(k):
        return c.get(k, 0) - snap.get(k, 0)
    f["exits"] = d("exits_total")
    f["exits_per_mib"] = f["exits"] / mib
    f["exits_per_pkt"] = f["exits"] / max(1, c.get("g_packets", 1))
    reasons = sorted(k[5:] for k in set(c) | set(snap) if k.startswith("exit_") and d(k))
    f["exits_by_reason"] = ";".join(f"{r}={d('exit_' + r) / mib:.1f}" for r in reasons)
    ginv = d("global") + d("domain") + d("page")
    f["ginv"] = ginv
    f["ginv_per_mib"] = ginv / mib
    f["unmaps"] = d("unmap_invalidations")
    f["phys_inv"] = d("phys_flushes")
    f["vtd_iotlb_flushes"] = d("vtd_iotlb_flushes")
    if f["unmaps"] > 0:
        f["phys_per_1000_unmaps"] = 1000 * f["phys_inv"] / f["unmaps"]
    if cfg.get("window") or (cfg.get("hv") and "teardown_ms=0" not in cfg["hv"]
                             and "viommu=off" not in cfg["hv"]):
        if d("deferred") > 0:
            f["revival_pct"] = 100 * d("revivals") / d("deferred")
    if "viommu=sidecore" in cfg.get("hv", "") and d("poll_ms") > 0:
        f["busy_pct"] = 100 * d("busy_ms") / d("poll_ms")
        if d("loop_iters") > 0:  # mean time between two looks at the register page
            f["poll_us"] = 1000 * d("poll_ms") / d("loop_iters")
    if c.get("inv_cycles_avg") and "viommu=off" not in cfg.get("hv", ""):
        f["inv_rt_cycles"] = c["inv_cycles_avg"]
        if tsc_mhz:
            f["inv_rt_us"] = c["inv_cycles_avg"] / tsc_mhz
    f["phys_expiry"] = d("batches")  # one physical flush per expiry batch
    f["expired"] = d("expired")
    f["phys_sync"] = f["phys_inv"] - f["phys_expiry"]  # at guest invalidations
    if mbps:
        f["xfer_s"] = nbytes * 8 / mbps / 1e6
    f["npf"] = d("exit_NPF")
    if ginv > 0 and mbps:
        f["us_per_ginv"] = nbytes * 8 / mbps / ginv
    return f


# ---- the invocation -------------------------------------------------------------


def sh(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine():
    m = {}
    try:
        with open("/proc/cpuinfo") as f:
            cpu = f.read()
        names = re.findall(r"^model name\s*:\s*(.*)$", cpu, re.M)
        m["cpu"] = f"{names[0] if names else platform.processor()} x {len(names) or os.cpu_count()}"
        flags = re.search(r"^flags\s*:(.*)$", cpu, re.M)
        m["hypervisor"] = "yes" if flags and " hypervisor" in flags.group(1) else "no"
    except OSError:
        m["cpu"] = platform.processor()
    try:
        with open("/proc/meminfo") as f:
            kb = int(re.search(r"MemTotal:\s*(\d+)", f.read()).group(1))
        m["mem"] = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        m["mem"] = "?"
    m["host_kernel"] = platform.release()
    m["qemu"] = sh([bed.QEMU, "--version"]).splitlines()[0] if sh([bed.QEMU, "--version"]) else "?"
    m["bochs"] = next((ln.strip() for ln in sh(["dpkg-query", "-W", "-f", "${Version}",
                                                 "bochs"]).splitlines()), "?")
    try:
        with open(os.path.join(BUILD, "guest/kernel-version")) as f:
            m["guest_kernel"] = f.read().strip()
    except OSError:
        m["guest_kernel"] = "?"
    m["commit"] = sh(["git", "-C", ROOT, "describe", "--always", "--dirty"]) or "?"
    m["python"] = platform.python_version()
    return m


def other_emulators():
    """Emulator processes on this host that this benchmark did not start
    (other users of the shared machine): they skew the figures."""
    n, me = 0, os.getpid()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/comm") as fh:
                comm = fh.read().strip()
            if not comm.startswith(("qemu-system", "bochs")):
                continue
            with open(f"/proc/{pid}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid != me:
            n += 1
    return n


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def plan(cfgs, reps, sweep_modes):
    runs = []
    for r in range(reps):
        for cfg in cfgs:
            for mode in ("tx", "rx"):
                if cfg.get("sweep_only") and mode not in sweep_modes:
                    continue
                runs.append((r, cfg, mode))
    return runs


CSV_COLS = ["stamp", "round", "config", "key", "label", "mode", "bytes", "ok", "reason",
            "wall_s", "guest_kbps", "mbps", "exits", "exits_per_mib", "exits_per_pkt",
            "exits_by_reason", "ginv", "ginv_per_mib", "unmaps", "phys_inv",
            "vtd_iotlb_flushes", "phys_expiry", "expired", "phys_sync",
            "phys_per_1000_unmaps", "revival_pct", "busy_pct", "inv_rt_cycles", "inv_rt_us",
            "poll_us", "us_per_ginv", "xfer_s", "npf", "lost_bytes", "load", "others",
            "peer_bytes", "packets", "total_exits", "host_cpu0_pct", "host_cpu1_pct"]


def fmt_num(v):
    if isinstance(v, float):
        return f"{v:.4g}" if abs(v) < 1e6 else f"{v:.0f}"
    return "" if v is None else str(v)


def main():
    ap = argparse.ArgumentParser(description="Sidevisor benchmarks (make bench)")
    ap.add_argument("--quick", action="store_true", default=os.environ.get("QUICK") == "1",
                    help="one round, 1 MiB, sweep 0/2/10/20 ms on transmit only, no Bochs "
                    "(< 5 min on an idle host)")
    ap.add_argument("--reps", type=int, help="rounds (default 3; quick 1)")
    ap.add_argument("--mib", type=float, help="MiB per run (default 4; quick 1)")
    ap.add_argument("--no-bochs", action="store_true", help="skip the Bochs/VMX run")
    ap.add_argument("--only", help="comma-separated config ids or keys (development)")
    ap.add_argument("--bochs-only", action="store_true", help="only the Bochs run (development)")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite docs/ from build/bench/results.csv and meta.json, run nothing")
    ap.add_argument("--no-docs", action="store_true",
                    help="write build/bench/ only, leave docs/ alone")
    args = ap.parse_args()
    reps = args.reps or (1 if args.quick else 3)
    nbytes = int((args.mib or (1 if args.quick else 4)) * MIB)
    sweep_modes = ("tx",) if args.quick else ("tx", "rx")
    do_bochs = not (args.quick or args.no_bochs or args.only)

    if args.report_only:
        return report_only()
    windows = QUICK_SWEEP if args.quick else SWEEP
    cfgs = CONFIGS + sweep_configs(windows)
    if args.only:
        want = set(args.only.split(","))
        cfgs = [c for c in cfgs if str(c["id"]) in want or c["key"] in want]
    runs = plan(cfgs, reps, sweep_modes)
    if args.bochs_only:
        runs, do_bochs = [], True

    # preflight
    for tool in (bed.QEMU, "grub-mkrescue"):
        if not shutil.which(tool):
            raise SystemExit(f"bench: {tool} missing: run scripts/setup.sh (make test does)")
    kernel, initrd, _ = bed.guest_files({"guest": "linux"})
    for f in (os.path.join(BUILD, "hv.elf"), kernel, initrd):
        if not os.path.exists(f):
            raise SystemExit(f"bench: {f} missing: run make && make guest (make test does)")
    if not shutil.which("gnuplot"):
        say("gnuplot missing (apt-get install gnuplot-nox; scripts/setup.sh installs it): "
            "no plots")
    os.makedirs(OUT, exist_ok=True)
    lock = open(os.path.join(OUT, ".lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise SystemExit("bench: another make bench is running (build/bench/.lock)")
    mach = machine()
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    say(f"{len(runs)} QEMU runs ({reps} round(s) x {len(cfgs)} configurations, "
        f"{nbytes / MIB:g} MiB each){' + 1 Bochs run' if do_bochs else ''}; "
        f"load average {loadavg()}")
    shutil.copy2(os.path.join(BUILD, "hv.elf"), HV_ELF)
    say("building the ISOs")
    for key in sorted({(cfg["id"], mode) for _, cfg, mode in runs if not cfg.get("bare")}):
        build_iso(next(c for c in cfgs if c["id"] == key[0]), key[1], nbytes)

    rows = []
    load0 = loadavg()
    t_runs = time.monotonic()
    timeout = 90 + 40 * nbytes / MIB
    for i, (r, cfg, mode) in enumerate(runs):
        tag = f"{cfg['key']}-{mode}-r{r + 1}"
        others = other_emulators()
        c, peer, why = run_one(cfg, mode, nbytes, tag, timeout)
        others = max(others, other_emulators())
        ok, reason, mbps = judge(cfg, mode, nbytes, c, peer, why)
        f = figures(cfg, mode, nbytes, c, mbps, c.get("tsc_mhz")) if ok else {}
        row = dict(stamp=stamp, round=r + 1, config=cfg["id"], key=cfg["key"],
                   label=cfg["label"], mode=mode, bytes=nbytes, ok=int(ok), reason=reason,
                   wall_s=c.get("wall_s"), guest_kbps=c.get("g_kbps"), load=loadavg(),
                   others=others, packets=c.get("g_packets"), **f)
        if ok and mode == "tx":
            row["lost_bytes"] = nbytes - (peer.get("bytes") or 0)
        rows.append(row)
        done = time.monotonic() - t_runs
        eta = done / (i + 1) * (len(runs) - i - 1)
        extra = ""
        if ok and f.get("exits_per_mib") is not None:
            extra = f", {f['exits_per_mib']:.0f} exits/MiB"
        if ok and f.get("revival_pct") is not None:
            extra += f", revival {f['revival_pct']:.0f}%"
        say(f"run {i + 1}/{len(runs)} round {r + 1}: {cfg['id']} {cfg['label']}, {mode}: "
            + (f"{mbps:.1f} Mbit/s{extra}" if ok else f"FAILED: {reason}")
            + (f" [{reason}]" if ok and reason else "")
            + (f" [{others} other emulator(s) running]" if others else "")
            + f" ({c.get('wall_s')} s; about {int(eta) // 60}:{int(eta) % 60:02d} left)")
    bochs = run_bochs() if do_bochs else None
    load1 = loadavg()

    csv_path = os.path.join(OUT, "results.csv")
    with open(csv_path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=CSV_COLS, extrasaction="ignore")
        w.writeheader()
        for row in rows + ([bochs] if bochs else []):
            w.writerow({k: fmt_num(row.get(k)) for k in CSV_COLS})
    say(f"wrote {bed.rel(csv_path)}")
    meta = dict(mach, stamp=stamp, reps=reps, nbytes=nbytes, load0=load0, load1=load1,
                quick=args.quick, minutes=(time.monotonic() - T0) / 60,
                teardown_n=TEARDOWN_N, bochs_bytes=BOCHS_BYTES,
                nruns=len(runs), nfailed=sum(1 for x in rows if not x["ok"]),
                ncrowded=sum(1 for x in rows if x.get("others")),
                lost=[(x["config"], x["mode"], x["round"], x["lost_bytes"]) for x in rows
                      if x.get("lost_bytes")])
    with open(os.path.join(OUT, "meta.json"), "w") as fh:
        json.dump(dict(meta, configs=[c["id"] for c in cfgs], windows=windows), fh, indent=1)
    if not args.no_docs:
        write_docs(rows, cfgs, meta, bochs)
    say(f"done in {meta['minutes']:.1f} min, {meta['nfailed']} of {len(runs)} runs failed")
    return 1 if meta["nfailed"] == len(runs) else 0


def write_docs(rows, cfgs, meta, bochs):
    agg = aggregate(rows)
    plots = make_plots(agg, cfgs)
    md = os.path.join(DOCS, "benchmarks.md")
    with open(md, "w") as fh:
        fh.write(render_md(agg, cfgs, meta, bochs, plots))
    say(f"wrote {bed.rel(md)}" + "".join(f", {bed.rel(p)}" for p in plots))


def report_only():
    """docs/ again from the last invocation's CSV (after editing report.py)."""
    with open(os.path.join(OUT, "meta.json")) as fh:
        meta = json.load(fh)
    rows, bochs = [], None
    with open(os.path.join(OUT, "results.csv"), newline="") as fh:
        for r in csv.DictReader(fh):
            row = {}
            for k, v in r.items():
                try:
                    row[k] = int(v) if re.fullmatch(r"-?\d+", v) else float(v)
                except ValueError:
                    row[k] = v if v != "" else None
            row["ok"] = int(row.get("ok") or 0)
            if row["config"] == "B":
                bochs = row
            else:
                rows.append(row)
    allc = CONFIGS + sweep_configs(meta["windows"])
    cfgs = [c for c in allc if c["id"] in meta["configs"]]
    write_docs(rows, cfgs, meta, bochs)
    return 0


# ---- Bochs / VMX: one pass-through run ------------------------------------------

BOCHS_BYTES = 256 * 1024


def run_bochs():
    """Sidevisor on Bochs (VMX, no physical IOMMU): the guest's intel-iommu
    driver in pass-through on the emulated unit (sidecore), transmitting into
    Bochs' frame log; exits per MiB between the control-port snapshot and
    the shutdown. Bochs' clock is virtual (sync=none): no throughput figure."""
    import tty
    cfg = dict(id="B", key="bochs-pt", label="Bochs/VMX, Sidevisor sidecore, guest iommu=pt",
               hv="viommu=sidecore", gcmd="intel_iommu=on iommu=pt")
    work = os.path.join(OUT, "runs", "bochs-pt-tx")
    os.makedirs(work, exist_ok=True)
    iso = os.path.join(OUT, "iso", "bochs-pt-tx.iso")
    kernel, initrd, _ = bed.guest_files({"guest": "linux"})
    gcmd = (f"{BASE} intel_iommu=on iommu=pt sv.nic=e1000 sv.mode=tx sv.bytes={BOCHS_BYTES}"
            f" sv.linkwait=60 sv.pause={PAUSE_S}")
    r = subprocess.run([os.path.join(ROOT, "scripts/mkiso.sh"), iso, HV_ELF,
                        cfg["hv"], kernel, initrd, gcmd], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL)
    if r.returncode:
        return dict(config="B", key=cfg["key"], label=cfg["label"], mode="tx", ok=0,
                    reason="mkiso failed")
    raw = os.path.join(work, "com1.raw")
    for stale in (raw, os.path.join(work, "eth_null-txdump.txt"),
                  os.path.join(work, "eth_null-rxdump.txt")):
        if os.path.exists(stale):
            os.unlink(stale)
    master, slave = os.openpty()
    tty.setraw(slave)
    rc = bed.render_bochsrc(iso, raw, os.path.join(work, "bochs.log"))
    rc += f"com2: enabled=1, mode=term, dev={os.ttyname(slave)}\n"
    with open(os.path.join(work, "bochsrc"), "w") as fh:
        fh.write(rc)
    with open(os.path.join(work, "bochs.rc"), "w") as fh:
        fh.write(bed.BOCHS_RC)
    say("Bochs/VMX pass-through run (about 3 minutes)")
    tail = bed.SerialTail(raw, os.path.join(work, "console.log"))
    t0 = time.monotonic()
    emu = bed.Emulator("bochs", [bed.BOCHS, "-q", "-f", "bochsrc", "-rc", "bochs.rc"], work,
                       os.path.join(work, "emu.log"), dict(os.environ, TERM="xterm"))
    asked, t_fatal = False, None
    try:
        while emu.running() and time.monotonic() - t0 < 900:
            time.sleep(0.2)
            for ln in tail.poll():
                # as on QEMU: ask at the last line before the guest's pause
                if not asked and ln.startswith("GUEST: peer "):
                    os.write(master, b"s")
                    asked = True
                if t_fatal is None and any(m in ln for m in bed.FATAL_MARKERS):
                    t_fatal = time.monotonic()
            if t_fatal is not None and time.monotonic() - t_fatal > 5:
                break
    finally:
        emu.stop()
        tail.close()
        os.close(master)
        os.close(slave)
    c, snap = split_console(tail.lines)
    c["snap"] = snap
    c["wall_s"] = round(time.monotonic() - t0, 1)
    frames = bed.bochs_frames(work) or {}
    row = dict(stamp="", round=1, config="B", key=cfg["key"], label=cfg["label"], mode="tx",
               bytes=BOCHS_BYTES, wall_s=c["wall_s"], guest_kbps=c.get("g_kbps"),
               load=loadavg(), peer_bytes=frames.get("bytes"))
    ok, reason = True, ""
    if c["fatal"] or c["guest_fail"] or not c["guest_done"]:
        ok, reason = False, c["fatal"] or c["guest_fail"] or "no 'GUEST: done'"
    elif frames.get("bytes") != BOCHS_BYTES:
        ok, reason = False, f"frame log has {frames.get('bytes')} of {BOCHS_BYTES} bytes"
    row.update(ok=int(ok), reason=reason)
    if ok:
        row.update(figures(cfg, "tx", BOCHS_BYTES, c, None, c.get("tsc_mhz")))
        row["total_exits"] = c.get("exits_total")
        row["packets"] = c.get("g_packets")
        row["snapshot"] = snap is not None
        if snap is None:
            row["reason"] = "no counter snapshot before the traffic"
    say("Bochs: " + (f"{row.get('exits_per_mib', float('nan')):.1f} exits/MiB "
                     f"({row.get('exits_by_reason', '')})" if ok else "FAILED: " + reason)
        + f" ({c['wall_s']} s)")
    return row



if __name__ == "__main__":
    sys.exit(main())
