#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Write a gzip-compressed cpio "newc" archive (the Linux initramfs format,
# Documentation/driver-api/early-userspace/buffer-format.rst) from a staged
# directory, plus device nodes given on the command line, so no root or mknod
# is needed on the host. Output is reproducible: entries sorted, mtime 0,
# owner root, gzip header without a timestamp.
#   mkcpio.py ROOTDIR OUT.cpio.gz [--dev /dev/console:c:5:1:0600 ...]
import argparse
import gzip
import os
import stat
import sys


def header(ino, mode, nlink, size, rdevmajor, rdevminor, name):
    namez = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rdevmajor, rdevminor, len(namez), 0]
    h = b"070701" + b"".join(b"%08X" % f for f in fields) + namez
    return h + b"\0" * (-len(h) % 4)


def pad(data):
    return data + b"\0" * (-len(data) % 4)


def parse_dev(spec):
    # /dev/console:c:5:1:0600
    path, kind, major, minor, perm = spec.split(":")
    if kind not in ("c", "b"):
        raise ValueError("device kind must be c or b: " + spec)
    fmt = stat.S_IFCHR if kind == "c" else stat.S_IFBLK
    return path.strip("/"), fmt | int(perm, 8), int(major), int(minor)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("root")
    ap.add_argument("out")
    ap.add_argument("--dev", action="append", default=[], help="PATH:c|b:MAJOR:MINOR:PERM")
    args = ap.parse_args()

    entries = []  # (name, kind, st-or-devinfo)
    for dirpath, dirnames, filenames in os.walk(args.root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, args.root)
        for n in sorted(dirnames + filenames):
            full = os.path.join(dirpath, n)
            name = n if rel == "." else os.path.join(rel, n)
            entries.append((name, full))
    devs = [parse_dev(d) for d in args.dev]
    names = {e[0] for e in entries}
    for d in devs:
        if d[0] in names:
            sys.exit("mkcpio: %s exists in the staged tree" % d[0])
        parent = os.path.dirname(d[0])
        if parent and parent not in names:
            sys.exit("mkcpio: no directory %s for %s" % (parent, d[0]))

    out = bytearray()
    ino = 1
    for name, full in sorted(entries + [(d[0], d) for d in devs], key=lambda e: e[0]):
        if isinstance(full, tuple):
            _, mode, major, minor = full
            out += header(ino, mode, 1, 0, major, minor, name)
        else:
            st = os.lstat(full)
            perm = stat.S_IMODE(st.st_mode)
            if stat.S_ISDIR(st.st_mode):
                out += header(ino, stat.S_IFDIR | perm, 2, 0, 0, 0, name)
            elif stat.S_ISLNK(st.st_mode):
                target = os.readlink(full).encode()
                out += header(ino, stat.S_IFLNK | 0o777, 1, len(target), 0, 0, name)
                out += pad(target)
            elif stat.S_ISREG(st.st_mode):
                with open(full, "rb") as f:
                    data = f.read()
                out += header(ino, stat.S_IFREG | perm, 1, len(data), 0, 0, name)
                out += pad(data)
            else:
                sys.exit("mkcpio: unsupported file type: " + full)
        ino += 1
    out += header(0, 0, 1, 0, 0, 0, "TRAILER!!!")
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
            gz.write(out)
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
