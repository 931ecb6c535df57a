#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# Integration-test runner: boots the hypervisor ISO on an emulator ("bed":
# QEMU TCG with SVM + intel-iommu, or Bochs with VMX), streams its serial
# console to build/test-logs/<case>.log, stops when a stop marker appears and
# judges the run by console markers only (never by an exit code alone).
# Test cases are data in the other *.py files of this directory (SUITES dicts).
# Also used by scripts/run.sh for interactive runs (--interactive BED).
# Python 3 standard library only.

import argparse
import hashlib
import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # the suite files are imported: no __pycache__
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))

QEMU = "qemu-system-x86_64"
BOCHS = "bochs"
POLL_S = 0.05
# Markers that end a run early (after a short grace period to collect the dump).
FATAL_MARKERS = ("PANIC:", "FATAL:", "EXCEPTION:")
READY_MARKER = "HV: ready"
BOCHS_EXIT_MSG = "Bochs is exiting with the following message"
# Bochs debugger script: continue at once; when SIGINT breaks in, dump state.
BOCHS_RC = "c\nr\nsreg\ncreg\nprint-stack 12\nquit\n"
ANSI_RE = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])")


def log(msg):
    print(msg, flush=True)


def rel(path):
    """path relative to the repository when inside it (shorter messages)."""
    r = os.path.relpath(path, ROOT)
    return path if r.startswith("..") else r


# ---- test-case data ----------------------------------------------------------


def load_suites():
    """Collect SUITES from every tests/integration/*.py except this file."""
    sys.path.insert(0, HERE)  # suite files may import each other
    suites = {}
    for fn in sorted(os.listdir(HERE)):
        if not fn.endswith(".py") or fn == "bed.py" or fn.startswith(("_", "test_")):
            continue
        spec = importlib.util.spec_from_file_location("suite_" + fn[:-3],
                                                      os.path.join(HERE, fn))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for name, cases in getattr(mod, "SUITES", {}).items():
            if name in suites:
                raise SystemExit(f"bed: suite {name} defined twice")
            suites[name] = [dict(c, suite=name) for c in cases]
    return suites


# ---- building the ISO --------------------------------------------------------


GUEST_CMDLINE_BASE = "console=ttyS0,115200 quiet cryptomgr.notests panic=-1"


def guest_files(case=None):
    """The guest kernel/initrd and command line of a case. A case with
    guest="linux" boots the Debian guest built by guest/build.sh; any other
    case gets mkiso's placeholder modules (the hypervisor then reports that
    it cannot start a guest), so foundation runs do not depend on the guest."""
    if case is not None and case.get("guest") != "linux":
        return ("/nonexistent", "/nonexistent", "")
    return (os.environ.get("GUEST_KERNEL", os.path.join(BUILD, "guest/bzImage")),
            (case or {}).get("guest_initrd", os.environ.get(
                "GUEST_INITRD", os.path.join(BUILD, "guest/initrd.cpio.gz"))),
            (case or {}).get("guest_cmdline",
                             os.environ.get("GUEST_CMDLINE", GUEST_CMDLINE_BASE)))


def mkiso_argv(iso, hv_elf, hv_cmdline, case=None):
    kernel, initrd, gcmd = guest_files(case)
    return [os.path.join(ROOT, "scripts/mkiso.sh"), iso, hv_elf, hv_cmdline,
            kernel, initrd, gcmd]


# ---- emulator command lines --------------------------------------------------


def kvm_vmx_usable():
    """Nested Intel under KVM: /dev/kvm openable and the host CPU has VMX."""
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
        os.close(fd)
        with open("/proc/cpuinfo") as f:
            return re.search(r"^flags\s*:.*\bvmx\b", f.read(), re.M) is not None
    except OSError:
        return False


def free_udp_port():
    """A loopback UDP port that nobody listens on right now (for dgram netdevs)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def qemu_argv(iso, serial, accel="tcg", peer_port=None, extra=(), stream_port=None,
              iommu=True, direct=None, ctl_socket=None, frame_dump=None):
    """The QEMU q35 bed. serial: 'stdio' or a file path. Network: e1000e on a
    dgram socket from 127.0.0.1 (ephemeral) to 127.0.0.1:peer_port, or, with
    stream_port, a stream connection to the test peer listening on
    127.0.0.1:stream_port; frames never leave loopback. iommu=False leaves out
    the intel-iommu device; direct=(kernel, initrd, append) boots a Linux
    kernel directly instead of the ISO (bare-Linux baselines, bench/).
    ctl_socket: a second UART (COM2, the hypervisor's control port) on a
    listening unix socket at that path (connect to it to type keys).
    $QEMU_EXTRA (debugging): more QEMU arguments, split at spaces, e.g.
    "-trace enable=e1000e_tx_descr -D /tmp/qemu.trace".
    frame_dump: a pcap of the first 128 bytes of every frame the NIC sends
    or receives, taken at QEMU's netdev (what the e1000e model emitted)."""
    if peer_port is None:
        peer_port = free_udp_port()
    if accel == "kvm":
        machine = ["-M", "q35,kernel-irqchip=split", "-accel", "kvm", "-cpu", "host"]
    else:
        machine = ["-M", "q35", "-accel", "tcg,thread=multi", "-cpu", "max"]
    netdev = ("dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port=0,"
              f"remote.type=inet,remote.host=127.0.0.1,remote.port={peer_port}")
    if stream_port is not None:
        netdev = ("stream,id=n0,server=off,addr.type=inet,addr.host=127.0.0.1,"
                  f"addr.port={stream_port}")
    boot = ["-cdrom", iso, "-boot", "d"]
    if direct is not None:
        boot = ["-kernel", direct[0], "-initrd", direct[1], "-append", direct[2]]
    return [QEMU, *machine, "-smp", "2", "-m", "1G",
            # intel-iommu must be the first device
            *(["-device", "intel-iommu"] if iommu else []),
            "-device", "e1000e,netdev=n0,mac=52:54:00:12:34:56",
            "-netdev", netdev,
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
            "-display", "none", "-monitor", "none", "-no-reboot",
            "-serial", "stdio" if serial == "stdio" else "file:" + serial,
            *(["-serial", f"unix:{ctl_socket},server=on,wait=off"] if ctl_socket else []),
            *(["-object", f"filter-dump,id=fd0,netdev=n0,file={frame_dump},maxlen=128"]
              if frame_dump else []),
            *boot, *extra, *os.environ.get("QEMU_EXTRA", "").split()]


def vgabios_path():
    for p in ("/usr/share/bochs/VGABIOS-lgpl-latest", "/usr/share/vgabios/vgabios.bin"):
        if os.path.exists(p):
            return p
    return "/usr/share/bochs/VGABIOS-lgpl-latest"  # bochs reports it clearly


def render_bochsrc(iso, com1, logfile, extra=None):
    vals = {"ISO": iso, "COM1": com1, "LOG": logfile, "VGABIOS": vgabios_path(),
            "MEGS": "512", "IPS": "100000000"}
    vals.update(extra or {})
    with open(os.path.join(HERE, "bochsrc.in")) as f:
        text = f.read()

    def sub(m):
        if m.group(1) not in vals:
            raise SystemExit(f"bed: bochsrc.in: unknown placeholder @{m.group(1)}@")
        return vals[m.group(1)]
    return re.sub(r"@([A-Z0-9_]+)@", sub, text)


# ---- running one emulator ----------------------------------------------------


class Emulator:
    """One emulator process that this runner started (and only it stops)."""

    def __init__(self, bed, argv, cwd, out_path, env=None):
        self.bed = bed
        self.argv = argv
        self.killed_by_us = False
        self.out = open(out_path, "wb")
        self.proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     env=env, start_new_session=True)
        self.text = []  # emulator's own output, for checks
        self.pty_drain = None
        self.reader = threading.Thread(target=self._read_output, daemon=True)
        self.reader.start()

    def _read_output(self):
        # Bochs' term display opens its own pty and prints its name; unless
        # someone reads that pty, Bochs freezes once the guest writes to the
        # screen. Drain it here.
        for line in iter(self.proc.stdout.readline, b""):
            self.out.write(line)
            self.out.flush()
            s = line.decode("utf-8", "replace")
            self.text.append(s)
            m = re.search(r'connected to screen "?(/dev/pts/\d+)', s)
            if m and self.pty_drain is None:
                self.pty_drain = threading.Thread(target=self._drain, args=(m.group(1),),
                                                  daemon=True)
                self.pty_drain.start()

    @staticmethod
    def _drain(path):
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOCTTY)
        except OSError:
            return
        try:
            while os.read(fd, 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)

    def running(self):
        return self.proc.poll() is None

    def stop(self):
        """QEMU: SIGTERM then SIGKILL. Bochs ignores SIGTERM: SIGINT breaks into
        its debugger (the -rc script dumps state and quits), then SIGKILL."""
        if self.running():
            self.killed_by_us = True
            sig = signal.SIGINT if self.bed == "bochs" else signal.SIGTERM
            for s, wait in ((sig, 10), (signal.SIGKILL, 5)):
                try:
                    self.proc.send_signal(s)
                    self.proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
                except ProcessLookupError:
                    break
        self.proc.wait()
        self.reader.join(timeout=5)
        self.out.close()
        return self.proc.returncode


class SerialTail:
    """Follows the emulator's raw serial file; writes clean lines to the log."""

    def __init__(self, raw_path, log_path, echo=False):
        self.raw_path = raw_path
        self.log = open(log_path, "w")
        self.pos = 0
        self.partial = ""
        self.lines = []
        self.echo = echo

    def poll(self):
        """Returns the list of new complete lines."""
        try:
            with open(self.raw_path, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except FileNotFoundError:
            return []
        if not data:
            return []
        self.pos += len(data)
        if self.echo:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        text = self.partial + ANSI_RE.sub("", data.decode("utf-8", "replace"))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        parts = text.split("\n")
        self.partial = parts.pop()
        new = [p for p in parts]
        for ln in new:
            self.log.write(ln + "\n")
        self.log.flush()
        self.lines.extend(new)
        return new

    def close(self):
        self.poll()
        if self.partial:
            self.log.write(self.partial + "\n")
            self.lines.append(self.partial)
            self.partial = ""
        self.log.close()


# ---- checks ------------------------------------------------------------------


def evaluate(case, lines, emu_text, result):
    """Returns [(ok, label, detail)] for one finished run."""
    out = []
    text = "\n".join(lines)
    expected_exit = case.get("expect_exit")
    for label, rx in case.get("require", []):
        m = re.search(rx, text, re.M)
        out.append((m is not None, label, "" if m else f"no line matches /{rx}/"))
    for label, rx in case.get("forbid", []):
        hits = [ln for ln in lines if re.search(rx, ln)]
        out.append((not hits, label, "" if not hits else "found: " + hits[0].strip()))
    for label, rx in case.get("forbid_emu", []):
        hits = [ln.rstrip() for ln in emu_text if re.search(rx, ln)]
        out.append((not hits, label, "" if not hits else "emulator said: " + hits[0]))
    for label, rx, op in case.get("numeric", []):
        ms = list(re.finditer(rx, text, re.M))
        if not ms:
            out.append((False, label, f"no line matches /{rx}/"))
            continue
        vals = [int(v, 0) for v in ms[-1].groups()]
        # two groups: increase / decrease: the second greater / smaller than
        # the first, notdecrease: not smaller; less / notless: the first
        # smaller / not smaller than the second; one group: nonzero, zero
        ok = {"increase": lambda v: v[1] > v[0],
              "decrease": lambda v: v[1] < v[0],
              "notdecrease": lambda v: v[1] >= v[0],
              "less": lambda v: v[0] < v[1],
              "notless": lambda v: v[0] >= v[1],
              "nonzero": lambda v: v[0] != 0,
              "zero": lambda v: v[0] == 0}[op](vals)
        out.append((ok, label, f"last match: {ms[-1].group(0).strip()}"))
    if expected_exit == "debug-exit":
        rc = result["rc"]
        ok = not result["killed"] and rc is not None and rc > 1 and rc & 1
        detail = ("emulator was still running at the timeout" if result["killed"] else
                  f"exit status {rc}" + (f" = (0x{rc >> 1:x} << 1) | 1" if ok else ""))
        out.append((bool(ok), "exited through isa-debug-exit with status (code<<1)|1 != 1",
                    detail))
    elif expected_exit:
        # Any other value: the emulator must have ended by itself (guest
        # power-off, Bochs shutdown port); the markers say whether it was right.
        out.append((not result["killed"], f"{case['bed']} exited by itself",
                    "emulator was still running at the timeout" if result["killed"]
                    else ""))
    else:
        exited = not result["killed"]
        out.append((not exited, f"{case['bed']} still running at the end (no reset or exit)",
                    f"emulator exited by itself, status {result['rc']}" if exited else ""))
    return out


# ---- one case ----------------------------------------------------------------


def case_paths(case):
    work = os.path.join(BUILD, "integration", case["name"])
    logs = os.path.join(BUILD, "test-logs")
    return work, logs


def prepare(case, hv_elf, iso_override, dry):
    """Build the case's ISO; return (argv, cwd, env, raw_serial_path)."""
    work, logs = case_paths(case)
    iso = iso_override or os.path.join(work, "sidevisor.iso")
    raw = os.path.join(work, "com1.raw")
    cmds = []
    if not iso_override:
        cmds.append(mkiso_argv(iso, hv_elf, case.get("hv_cmdline", ""), case))
    env = dict(os.environ)
    if case["bed"] == "qemu":
        argv = qemu_argv(iso, raw, accel="tcg", extra=case.get("qemu_extra", ()),
                         stream_port=case.get("_peer_port"),
                         ctl_socket=ctl_socket_path(case) if case.get("ctl_keys") else None,
                         frame_dump=(os.path.join(work, "frames.pcap")
                                     if case.get("_peer_port") and peer_bytes(case) <= 64 << 20
                                     else None))
        rc_text = bochsrc = None
    else:
        bochsrc = render_bochsrc(iso, raw, os.path.join(logs, case["name"] + ".bochs.log"),
                                 case.get("bochs_vars"))
        rc_text = BOCHS_RC
        argv = [BOCHS, "-q", "-f", os.path.join(work, "bochsrc"),
                "-rc", os.path.join(work, "bochs.rc")]
        env["TERM"] = "xterm"
    if dry:
        for c in cmds:
            log("  $ " + " ".join(sh_quote(a) for a in c))
        log(f"  $ (cd {work} && {'TERM=xterm ' if bochsrc else ''}"
            + " ".join(sh_quote(a) for a in argv) + ")")
        if bochsrc:
            log("  bochsrc:\n" + "".join("    " + ln + "\n" for ln in bochsrc.splitlines()))
        return None
    os.makedirs(work, exist_ok=True)
    os.makedirs(logs, exist_ok=True)
    for c in cmds:
        r = subprocess.run(c, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("mkiso failed:\n" + r.stdout + r.stderr)
    if bochsrc is not None:
        with open(os.path.join(work, "bochsrc"), "w") as f:
            f.write(bochsrc)
        with open(os.path.join(work, "bochs.rc"), "w") as f:
            f.write(rc_text)
    # Nothing from an earlier run may be judged as this run's output.
    for stale in (raw, os.path.join(logs, case["name"] + ".bochs.log")):
        if os.path.exists(stale):
            os.unlink(stale)
    with open(os.path.join(logs, case["name"] + ".cmd"), "w") as f:
        f.write(" ".join(sh_quote(a) for a in argv) + "\n")
    return argv, work, env, raw


def sh_quote(s):
    return s if re.fullmatch(r"[A-Za-z0-9_./:=,@%+-]+", s) else "'" + s.replace("'", "'\\''") + "'"


PEER = os.path.join(ROOT, "tests/peer/peer.py")


class Peer:
    """The project's loopback test peer (tests/peer/peer.py) for a QEMU case:
    listens on 127.0.0.1, counts the guest's UDP payload, answers ARP."""

    def __init__(self, case, work, timeout):
        spec = case["peer"]
        self.json = os.path.join(work, "peer.json")
        port_file = os.path.join(work, "peer.port")
        for f in (self.json, port_file):
            if os.path.exists(f):
                os.unlink(f)
        argv = [sys.executable, PEER, "--port", "0", "--port-file", port_file,
                "--transport", "stream", "--json", self.json, "--timeout", str(int(timeout)),
                "--quiet"]
        if spec.get("expect"):
            argv += ["--expect", str(spec["expect"])]
        if spec.get("send"):
            argv += ["--send-bytes", str(spec["send"])]
        self.out = open(os.path.join(work, "peer.out"), "wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 10
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("test peer did not start (see peer.out)")
            time.sleep(0.05)
        with open(port_file) as f:
            self.port = int(f.read())

    def finish(self):
        """Stop the peer (SIGTERM makes it write its summary) and return it."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()
        return load_json(self.json)


def load_json(path):
    import json
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def bochs_frames(work):
    """Analyse Bochs' ethmod=null transmit log with the peer's offline mode."""
    dump = os.path.join(work, "eth_null-txdump.txt")
    out = os.path.join(work, "peer.json")
    if os.path.exists(out):
        os.unlink(out)
    if not os.path.exists(dump):
        return None
    subprocess.run([sys.executable, PEER, "--bochs-txdump", dump, "--json", out, "--quiet"],
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    return load_json(out)


def peer_bytes(case):
    """Payload bytes the case moves through the peer (a frame dump of a
    soak's gigabyte would be ~100 MB: none beyond 64 MiB)."""
    spec = case.get("peer") or {}
    return max(spec.get("expect") or 0, spec.get("send") or 0)


def pcap_note(case):
    """What QEMU's NIC model emitted (its filter-dump), to tell a datagram the
    NIC never sent from one lost on the way to the peer."""
    pcap = os.path.join(case_paths(case)[0], "frames.pcap")
    if case.get("bed") != "qemu" or not os.path.exists(pcap):
        return ""
    r = subprocess.run([sys.executable, PEER, "--pcap", pcap], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL)
    return "; NIC emitted: " + (r.stdout.strip().split(": ", 2)[-1] or r.stderr.strip()[-200:])


def peer_checks(case, lines, summary):
    """The peer saw exactly the bytes the guest says it sent."""
    spec = case["peer"]
    text = "\n".join(lines)
    if summary is None:
        return [(False, "peer summary", "no summary (peer or frame dump missing)")]
    out = []
    m = re.findall(r"GUEST: tx bytes=(\d+)", text)
    got = summary.get("bytes", 0)
    if spec.get("expect"):
        out.append((got == spec["expect"], f"peer received exactly {spec['expect']} bytes",
                    f"peer counted {got} bytes in {summary.get('packets')} datagrams"
                    + (f"; gaps [before, expected, got] {summary.get('gaps')}"
                       if summary.get("gaps") else "") + pcap_note(case)))
        out.append((bool(m) and int(m[-1]) == got, "guest's tx count equals the peer's",
                    f"guest said {m[-1] if m else 'nothing'}, peer {got}"))
    if spec.get("send"):
        r = re.findall(r"GUEST: rx bytes=(\d+)", text)
        out.append((bool(r) and int(r[-1]) == spec["send"],
                    f"guest received exactly {spec['send']} bytes",
                    f"guest said {r[-1] if r else 'nothing'}, peer sent "
                    f"{summary.get('sent_bytes')}"))
    return out


def ctl_socket_path(case):
    """The unix socket of a case's control UART (COM2), if it has ctl_keys."""
    return os.path.join(case_paths(case)[0], "ctl.sock")


class CtlPort:
    """The client side of QEMU's second serial port (the hypervisor's control
    UART). A case's ctl_keys = [(regex, bytes), ...]: each is sent once, when
    the first console line matching regex appears (in order of the list)."""

    def __init__(self, case):
        self.path = ctl_socket_path(case)
        self.keys = list(case.get("ctl_keys", ()))
        self.sock = None
        self.reply = b""
        self.sent = []

    def _connect(self):
        if self.sock is None:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(2)
            s.connect(self.path)
            s.setblocking(False)
            self.sock = s
        return self.sock

    def lines(self, new_lines):
        """Feed new console lines; send the keys whose marker appeared."""
        for ln in new_lines:
            while self.keys and re.search(self.keys[0][0], ln):
                rx, data = self.keys.pop(0)
                try:
                    self._connect().sendall(data)
                    self.sent.append(data)
                except OSError as e:
                    log(f"  ctl: cannot send {data!r} to {rel(self.path)}: {e}")
        self._drain()

    def _drain(self):
        if self.sock is None:
            return
        try:
            while True:
                d = self.sock.recv(4096)
                if not d:
                    break
                self.reply += d
        except (BlockingIOError, OSError):
            pass

    def close(self):
        self._drain()
        if self.sock is not None:
            self.sock.close()
        return self.reply.decode("ascii", "replace")


def run_case(case, args):
    scale = args.timeout_scale
    timeout = case["timeout"] * scale
    settle_min, settle_max = (s * scale for s in case.get("settle", (2, 10)))
    grace = case.get("fatal_grace", 2) * scale
    peer = None
    if case.get("peer") and case["bed"] == "qemu":
        os.makedirs(case_paths(case)[0], exist_ok=True)
        peer = Peer(case, case_paths(case)[0], timeout + 30)
        case = dict(case, _peer_port=peer.port)
    if case.get("ctl_keys") and os.path.exists(ctl_socket_path(case)):
        os.unlink(ctl_socket_path(case))
    prep = prepare(case, args.hv, args.iso, False)
    argv, work, env, raw = prep
    ctl = CtlPort(case) if case.get("ctl_keys") else None
    logs = case_paths(case)[1]
    log_path = os.path.join(logs, case["name"] + ".log")
    tail = SerialTail(raw, log_path, echo=args.verbose)
    t0 = time.monotonic()
    emu = Emulator(case["bed"], argv, work, os.path.join(logs, case["name"] + ".emu.log"), env)
    t_ready = t_fatal = None
    why = "timeout"
    try:
        while True:
            time.sleep(POLL_S)
            now = time.monotonic()
            new = tail.poll()
            for ln in new:
                if t_ready is None and READY_MARKER in ln:
                    t_ready = now
                if t_fatal is None and any(m in ln for m in FATAL_MARKERS):
                    t_fatal = now
            if ctl is not None:
                ctl.lines(new)
            if not emu.running():
                why = f"emulator exited (status {emu.proc.returncode})"
                break
            if now - t0 > timeout:
                why = f"timeout after {timeout:.0f} s"
                break
            if case.get("expect_exit"):
                # Wait for the emulator to exit by itself, but not forever
                # once the hypervisor is up and nothing happens.
                if t_ready is not None and now - t_ready > settle_max:
                    why = f"no exit within {settle_max:.0f} s after '{READY_MARKER}'"
                    break
                continue
            if t_fatal is not None and now - t_fatal > grace:
                why = "fatal marker"
                break
            if t_ready is not None and now - t_ready > settle_min:
                done = all(ok for ok, _, _ in evaluate(case, tail.lines, emu.text,
                                                       {"killed": True, "rc": None}))
                if done:
                    why = "all checks matched"
                    break
                if now - t_ready > settle_max:
                    why = f"settle time ({settle_max:.0f} s) after '{READY_MARKER}' ran out"
                    break
    finally:
        rc = emu.stop()
        tail.close()
        summary = peer.finish() if peer else None
        ctl_reply = ctl.close() if ctl is not None else None
    if case.get("peer") and case["bed"] == "bochs":
        summary = bochs_frames(work)
    elapsed = time.monotonic() - t0
    # Bochs' own log counts as emulator output too (panics, exit message).
    emu_text = list(emu.text)
    blog = os.path.join(logs, case["name"] + ".bochs.log")
    if case["bed"] == "bochs" and os.path.exists(blog):
        with open(blog, errors="replace") as f:
            emu_text += f.readlines()
    results = evaluate(case, tail.lines, emu_text, {"killed": emu.killed_by_us, "rc": rc})
    if case.get("peer"):
        results += peer_checks(case, tail.lines, summary)
    if ctl is not None:
        results.append((not ctl.keys, "every ctl_keys marker appeared (keys sent)",
                        f"not sent: {[k for _, k in ctl.keys]}" if ctl.keys else ""))
        with open(os.path.join(logs, case["name"] + ".ctl.log"), "w") as f:
            f.write(ctl_reply)
    if case.get("check"):
        # a case's own check (e.g. the soak's flatness): callable(lines, info)
        # returning [(ok, label, detail)]
        results += case["check"](tail.lines, {"peer": summary, "ctl_reply": ctl_reply,
                                              "case": case})
    log(f"{case['name']}: {elapsed:.1f} s, stopped: {why}")
    for ok, label, detail in results:
        log(f"  {'ok  ' if ok else 'FAIL'} {case['name']}: {label}"
            + ("" if ok or not detail else f"  ({detail})"))
    if not all(ok for ok, _, _ in results):
        log(f"--- last 40 lines of {rel(log_path)}:")
        for ln in tail.lines[-40:]:
            log("  | " + ln)
        if not tail.lines:
            log(f"--- (empty) last 20 lines of emulator output "
                f"({rel(emu.out.name)}):")
            for ln in emu.text[-20:]:
                log("  | " + ln.rstrip())
        log("---")
    return results


# ---- interactive runs (scripts/run.sh) ---------------------------------------


def interactive(bed, iso):
    work = os.path.join(BUILD, "run", bed)
    os.makedirs(work, exist_ok=True)
    if bed == "qemu":
        accel = "kvm" if kvm_vmx_usable() else "tcg"
        log("run: QEMU KVM -cpu host (VMX backend, nested)" if accel == "kvm"
            else "run: QEMU TCG (SVM backend)")
        ctl = os.path.join(work, "ctl.sock")
        if os.path.exists(ctl):
            os.unlink(ctl)
        log(f"run: control port (COM2; keys: s = counters, h = help): "
            f"socat - UNIX-CONNECT:{rel(ctl)}")
        log("run: serial console below; Ctrl-C quits")
        argv = qemu_argv(iso, "stdio", accel=accel, ctl_socket=ctl)
        os.execvp(argv[0], argv)
    # Bochs: COM1 goes to a file that we echo (like tail -f); the term display
    # pty is drained; Ctrl-C breaks into the debugger, which dumps and quits.
    raw = os.path.join(work, "com1.raw")
    with open(os.path.join(work, "bochsrc"), "w") as f:
        f.write(render_bochsrc(iso, raw, os.path.join(work, "bochs.log")))
    with open(os.path.join(work, "bochs.rc"), "w") as f:
        f.write(BOCHS_RC)
    if os.path.exists(raw):
        os.unlink(raw)
    log("run: Bochs (VMX backend), corei7_haswell_4770 x2, i440fx + e1000")
    log(f"run: Bochs log {rel(os.path.join(work, 'bochs.log'))}; "
        "serial console below; Ctrl-C stops")
    env = dict(os.environ, TERM="xterm")
    emu = Emulator("bochs", [BOCHS, "-q", "-f", "bochsrc", "-rc", "bochs.rc"], work,
                   os.path.join(work, "bochs.out"), env)
    tail = SerialTail(raw, os.path.join(work, "serial.log"), echo=True)
    try:
        while emu.running():
            time.sleep(POLL_S)
            tail.poll()
    except KeyboardInterrupt:
        log("\nrun: stopping Bochs")
    finally:
        rc = emu.stop()
        tail.close()
    for ln in emu.text:
        if BOCHS_EXIT_MSG in ln or ">>PANIC<<" in ln:
            log("run: " + ln.rstrip())
    return 0 if rc in (0, 1) else rc


# ---- main --------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(
        description="Run Sidevisor integration suites/cases on QEMU or Bochs.")
    ap.add_argument("names", nargs="*", help="suites or cases (default: all suites)")
    ap.add_argument("--list", action="store_true", help="list suites and cases")
    ap.add_argument("--dry-run", action="store_true",
                    help="print the commands and checks, run nothing")
    ap.add_argument("--hv", default=os.path.join(BUILD, "hv.elf"), help="hypervisor ELF")
    ap.add_argument("--iso", help="boot this ISO instead of building one per case "
                    "(the case's hypervisor command line is then not applied)")
    ap.add_argument("--timeout-scale", type=float,
                    default=float(os.environ.get("BED_TIMEOUT_SCALE", "1")),
                    help="multiply every timeout (env BED_TIMEOUT_SCALE)")
    ap.add_argument("-v", "--verbose", action="store_true", help="echo the serial console")
    ap.add_argument("--interactive", metavar="BED", choices=("qemu", "bochs"),
                    help="boot --iso on BED with the console on this terminal")
    args = ap.parse_args()

    if args.interactive:
        if not args.iso:
            ap.error("--interactive needs --iso")
        return interactive(args.interactive, os.path.abspath(args.iso))

    suites = load_suites()
    if args.list:
        for s, cases in suites.items():
            log(s)
            for c in cases:
                state = "" if c.get("enabled", True) else "  (disabled: " + c["disabled"] + ")"
                log(f"  {c['name']}  [{c['bed']}, timeout {c['timeout']} s]{state}")
        return 0

    # Select: suite names select all their cases; case names select one.
    selected = []
    for n in args.names or list(suites):
        if n in suites:
            selected += suites[n]
            continue
        hit = [c for cs in suites.values() for c in cs if c["name"] == n]
        if not hit:
            ap.error(f"unknown suite or case {n!r} (see --list)")
        selected += hit

    if args.dry_run:
        for c in selected:
            log(f"{c['suite']}/{c['name']}: bed {c['bed']}, timeout {c['timeout']} s, "
                f"hv cmdline {c.get('hv_cmdline', '')!r}"
                + ("" if c.get("enabled", True) else f"  DISABLED: {c['disabled']}"))
            prepare(c, args.hv, args.iso, True)
            for label, rx in c.get("require", []):
                log(f"  require  {label!r}: /{rx}/")
            for label, rx in c.get("forbid", []) + c.get("forbid_emu", []):
                log(f"  forbid   {label!r}: /{rx}/")
            for label, rx, op in c.get("numeric", []):
                log(f"  numeric  {label!r}: /{rx}/ {op}")
            if c.get("expect_exit"):
                log(f"  expect exit: {c['expect_exit']}")
        return 0

    if not os.path.exists(args.hv) and not args.iso:
        log(f"bed: {args.hv} not found (run make first)")
    totals = {}
    for c in selected:
        p, f = totals.setdefault(c["suite"], [0, 0])
        if not c.get("enabled", True):
            log(f"{c['name']}: SKIPPED (disabled: {c['disabled']})")
            continue
        try:
            res = run_case(c, args) if (os.path.exists(args.hv) or args.iso) else \
                [(False, "hypervisor image exists", args.hv + " missing")]
        except (OSError, RuntimeError) as e:
            res = [(False, "bed started", str(e))]
            log(f"  FAIL {c['name']}: bed started  ({e})")
        totals[c["suite"]] = [p + sum(1 for ok, _, _ in res if ok),
                              f + sum(1 for ok, _, _ in res if not ok)]
    failed = 0
    for s, (p, f) in totals.items():
        log(f"{s}: {p} passed, {f} failed")
        failed += f
    return 1 if failed else 0


def _terminate(signum, frame):
    # Unwind through the finally blocks so that our emulator is stopped too
    # (it runs in its own session and would not get the signal).
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
