#!/usr/bin/env python3
"""Builds the benchmark's large multidex app from the DEX files of the apps given.

usage: large_app.py OUT.apk [--bytes N] [--min-dex N] [--min-classes N] INPUT...

INPUT: APKs, JARs or bare .dex files (the registry corpus and samples/). Every distinct DEX
file found (by content) is taken in turn, round-robin, until the DEX bytes reach --bytes
(default 70 MiB), there are at least --min-dex files (default 100) and --min-classes class
definitions (default 100,000); a file that would overshoot --bytes by more than 5% is passed
over once the byte target is near. The DEX files are written as classes.dex, classes2.dex,
... classesN.dex, beside the AndroidManifest.xml and resources.arsc of the input with the
largest DEX (its code is the first copy, so the manifest's components exist).

A repeated DEX file would only add duplicate classes, which a class loader (and piaudit's call
graph) drops: every copy after the first gets its own class names instead. Each class it
defines is renamed by rewriting two characters of its descriptor's string data in place
(`Lcom/a/B;` -> `LQ7m/a/B;`, a pair per copy; same length, so every offset stays valid), a
rename that would collide with another type of the file is left out, and the header's SHA-1
signature and Adler-32 checksum are recomputed. The result is a valid DEX of the same shape:
same code, same calls, distinct classes, as a large app's many modules would be.

Prints one line: dex_files=... dex_bytes=... classes=... apk_bytes=...
"""
import hashlib
import struct
import sys
import zipfile
import zlib

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def uleb128(data, pos):
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def dex_files(path):
    """(name, bytes) of every DEX in an archive, or the file itself if it is a DEX."""
    with open(path, "rb") as f:
        head = f.read(8)
    if head[:4] == b"dex\n":
        with open(path, "rb") as f:
            yield path, f.read()
        return
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with z:
        for info in z.infolist():
            name = info.filename
            if name.endswith(".dex") and "/" not in name:
                data = z.read(info)
                if data[:4] == b"dex\n":
                    yield f"{path}!{name}", data


def class_count(dex):
    return struct.unpack_from("<I", dex, 96)[0]


def fix_header(dex):
    dex[12:32] = hashlib.sha1(bytes(dex[32:])).digest()
    struct.pack_into("<I", dex, 8, zlib.adler32(bytes(dex[12:])) & 0xFFFFFFFF)


def renamed(dex, copy):
    """A copy of `dex` whose defined classes carry names of their own (see the module docs)."""
    out = bytearray(dex)
    (string_count, string_off, type_count, type_off) = struct.unpack_from("<IIII", dex, 56)
    (class_defs_count, class_defs_off) = struct.unpack_from("<II", dex, 96)

    def string_at(string_idx):
        (data_off,) = struct.unpack_from("<I", dex, string_off + 4 * string_idx)
        _, start = uleb128(dex, data_off)
        end = dex.index(b"\0", start)
        return start, bytes(dex[start:end])

    def type_string(type_idx):
        (string_idx,) = struct.unpack_from("<I", dex, type_off + 4 * type_idx)
        return string_idx

    every = set()
    for t in range(type_count):
        every.add(string_at(type_string(t))[1])
    pair = ALPHABET[copy % len(ALPHABET)] + ALPHABET[(copy // len(ALPHABET)) % len(ALPHABET)]
    pair = pair.encode()
    done = set()
    for i in range(class_defs_count):
        (class_idx,) = struct.unpack_from("<I", dex, class_defs_off + 32 * i)
        string_idx = type_string(class_idx)
        if string_idx in done:
            continue
        start, text = string_at(string_idx)
        if len(text) < 5 or not text.startswith(b"L") or not text[1:3].isascii():
            continue
        new = text[:1] + pair + text[3:]
        if new in every:
            continue
        every.add(new)
        done.add(string_idx)
        out[start + 1 : start + 3] = pair
    fix_header(out)
    return bytes(out)


def main(argv):
    args = list(argv)
    if not args or args[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    out_path = args.pop(0)
    target_bytes, min_dex, min_classes = 70 << 20, 100, 100_000
    inputs = []
    while args:
        a = args.pop(0)
        if a == "--bytes":
            target_bytes = int(args.pop(0))
        elif a == "--min-dex":
            min_dex = int(args.pop(0))
        elif a == "--min-classes":
            min_classes = int(args.pop(0))
        else:
            inputs.append(a)
    distinct, seen, best = [], set(), None
    for path in inputs:
        for name, data in dex_files(path):
            digest = hashlib.sha256(data).digest()
            if digest in seen:
                continue
            seen.add(digest)
            distinct.append((name, data))
            if best is None or len(data) > best[1]:
                best = (path, len(data), name)
    if not distinct:
        print("large_app.py: no DEX files in the inputs", file=sys.stderr)
        return 2
    # Densest (fewest bytes per class) first; the manifest's app before all, so its
    # components are defined by the first copy of its code.
    def density(d):
        return len(d[1]) / max(class_count(d[1]), 1)

    distinct.sort(key=lambda d: (not d[0].startswith(best[0] + "!"), density(d), d[0]))
    dense = [
        d for d in distinct if density(d) <= 600 and class_count(d[1]) >= 50
    ] or distinct[:1]
    chosen, copies = [], {}
    total = classes = 0

    def add(name, data):
        nonlocal total, classes
        copy = copies.get(name, 0)
        copies[name] = copy + 1
        chosen.append(data if copy == 0 else renamed(data, copy))
        total += len(data)
        classes += class_count(data)

    # Each distinct file once, leaving room for the classes still missing (dense files give
    # a class per ~200 bytes).
    for name, data in distinct:
        reserve = max(0, min_classes - classes) * 200
        if total + len(data) <= target_bytes - reserve:
            add(name, data)
    # Then copies of the dense files until the class and file counts are met, then any file
    # that still fits the byte target.
    for pool, enough in (
        (dense, lambda: classes >= min_classes and len(chosen) >= min_dex),
        (distinct, lambda: total >= target_bytes * 0.97),
    ):
        for step in range(100_000):
            if enough():
                break
            name, data = pool[step % len(pool)]
            if pool is distinct and total + len(data) > target_bytes * 1.03:
                if all(total + len(d) > target_bytes * 1.03 for _, d in pool):
                    break
                continue
            add(name, data)
    with zipfile.ZipFile(best[0]) as z:
        names = set(z.namelist())
        manifest = z.read("AndroidManifest.xml") if "AndroidManifest.xml" in names else None
        arsc = z.read("resources.arsc") if "resources.arsc" in names else None
    if manifest is None:
        print(f"large_app.py: {best[0]} has no AndroidManifest.xml", file=sys.stderr)
        return 2
    with zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("AndroidManifest.xml", manifest)
        if arsc is not None:
            # Stored, as build tools leave it.
            z.writestr(zipfile.ZipInfo("resources.arsc"), arsc, zipfile.ZIP_STORED)
        for i, data in enumerate(chosen):
            z.writestr("classes.dex" if i == 0 else f"classes{i + 1}.dex", data)
    import os

    print(
        f"dex_files={len(chosen)} dex_bytes={total} classes={classes} "
        f"apk_bytes={os.path.getsize(out_path)} manifest_from={best[0]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
