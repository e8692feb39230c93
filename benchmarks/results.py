#!/usr/bin/env python3
"""Builds benchmarks/RESULTS.md from the JSON output of the benchmark programs.

Usage: results.py RESULTS_DIR > RESULTS.md

RESULTS_DIR holds one Google Benchmark JSON file per case (each run in a fresh
process by benchmarks/run), bench_view.json, compile_time.txt and machine.txt.
Every figure is the median over the repetitions of a case; peak memory is the
largest over them (the first repetition allocates from a fresh process).
"""

import glob
import json
import os
import statistics
import sys

# The Python reference and friends on this kind of machine, from
# ../shared/bench/BASELINE.md (seconds, medians of 5): (save, read).
PYTHON = {
    ("W1", "deflated"): (8.38, 1.07),
    ("W1", "stored"): (0.177, 0.161),
    ("W2", "deflated"): (8.94, 1.07),
    ("W2", "stored"): (0.161, 0.163),
    ("W3", "deflated"): (4.35, 4.85),
    ("W3", "stored"): (3.05, 4.72),
    ("W4", "deflated"): (0.744, 0.305),
    ("W4", "stored"): (0.484, 0.225),
    ("W5", "deflated"): (10.5, 4.00),
    ("W5", "stored"): (6.32, 3.76),
    ("W6", "deflated"): (1.07, 0.212),
    ("W6", "stored"): (0.044, 0.087),
}
PICKLE_W3 = (0.477, 0.415)
TORCH_W6 = (0.016, 0.018)
# BASELINE.md's raw limits for W1's 256 MiB: write(), read(), memcpy.
BASELINE_LIMITS_W1 = (0.052, 0.053, 0.042)
W1_MIB = 256.0


def load_cases(directory):
    """run_name -> {"time": [s...], counters: [values...]} over repetitions."""
    cases = {}
    for path in sorted(glob.glob(os.path.join(directory, "case-*.json"))):
        with open(path) as f:
            data = json.load(f)
        for b in data.get("benchmarks", []):
            if b.get("run_type") != "iteration":
                continue
            name = b["run_name"].split("/iterations:")[0]
            entry = cases.setdefault(name, {"error": None})
            if b.get("error_occurred"):
                entry["error"] = b.get("error_message", "error")
                continue
            scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b.get("time_unit", "ns")]
            entry.setdefault("time", []).append(b["real_time"] * scale)
            for key, value in b.items():
                if key in ("bytes", "file_MB", "peak_MiB", "ratio", "vs_zlib6_size", "zlib6_MB") or key.startswith("x_"):
                    entry.setdefault(key, []).append(float(value))
    return cases


def figure(case, key):
    values = case.get(key) if case else None
    if not values:
        return None
    if key == "peak_MiB":
        return max(values)
    return statistics.median(values)


def fmt_time(s):
    if s is None:
        return "-"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.0f} us"


def fmt(v, digits=2):
    if v is None:
        return "-"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.{digits}f}"


def case_table(cases, names):
    rows = [
        "| case | median | MB/s | x write | x read | x memcpy | file MB | peak MiB | other |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in names:
        c = cases.get(name)
        if c is None:
            continue
        if c.get("error"):
            rows.append(f"| `{name}` | error: {c['error']} | | | | | | | |")
            continue
        t = figure(c, "time")
        payload = figure(c, "bytes")
        mbs = payload / t / 1e6 if t and payload else None
        other = []
        for key in sorted(c):
            if key.startswith("x_") and key not in ("x_write", "x_read", "x_memcpy"):
                other.append(f"{key} {fmt(figure(c, key))}")
        for key in ("ratio", "vs_zlib6_size", "zlib6_MB"):
            if key in c:
                other.append(f"{key} {fmt(figure(c, key), 3)}")
        file_mb = figure(c, "file_MB")
        rows.append(
            f"| `{name}` | {fmt_time(t)} | {fmt(mbs)} | {fmt(figure(c, 'x_write'))} | {fmt(figure(c, 'x_read'))} | "
            f"{fmt(figure(c, 'x_memcpy'))} | {fmt(file_mb) if file_mb else '-'} | {fmt(figure(c, 'peak_MiB'), 1)} | "
            f"{', '.join(other)} |"
        )
    return "\n".join(rows)


def load_view(directory):
    """bench_view's medians (its own program, one process): name -> seconds."""
    path = os.path.join(directory, "bench_view.json")
    out = {}
    if not os.path.exists(path):
        return out
    with open(path) as f:
        data = json.load(f)
    for b in data.get("benchmarks", []):
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") == "median":
            scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b.get("time_unit", "ns")]
            # "BM_open_and_view/MiB:16/real_time": the name without its timing suffix.
            name = b["run_name"].removesuffix("/real_time")
            out[name] = b["real_time"] * scale
    return out


def targets(cases, view):
    rows = ["| target | measured | needed | |", "| --- | --- | --- | --- |"]

    def add(what, value, needed, ok):
        mark = "-" if ok is None else ("pass" if ok else "**miss**")
        rows.append(f"| {what} | {value} | {needed} | {mark} |")

    def get(name, key="time"):
        return figure(cases.get(name), key)

    # W1 stored: save vs write(), read vs read(). np.save does not fsync, nor
    # does write(): the like-for-like save is sync = false; the default save
    # fsyncs before renaming into place, and is set against write() + fsync().
    x = get("W1/save/stored-nosync", "x_write")
    add("W1 stored save, sync off (as np.save), x one write() of the bytes", fmt(x), "<= 1.0",
        None if x is None else x <= 1.0)
    x = get("W1/save/stored", "x_write_fsync")
    add("W1 stored save, default (fsync), x one write() + fsync()", fmt(x), "<= 1.0", None if x is None else x <= 1.0)
    x = get("W1/read/stored", "x_read")
    add("W1 stored full read, x one read()", fmt(x), "<= 1.1", None if x is None else x <= 1.1)

    # W7 deflated against single-thread zlib level 6 on the same bytes.
    x = get("W7/save/deflated", "x_zlib6_deflate")
    add("W7 deflated save, speed vs zlib level 6", fmt(1 / x) + "x" if x else "-", ">= 4x", None if x is None else 1 / x >= 4)
    x = get("W7/read/deflated", "x_zlib_inflate")
    add("W7 deflated read, speed vs zlib inflate", fmt(1 / x) + "x" if x else "-", ">= 2x", None if x is None else 1 / x >= 2)
    f, z = get("W7/save/deflated", "file_MB"), get("W7/save/deflated", "zlib6_MB")
    add("W7 deflated file size vs zlib level 6", fmt(f / z, 3) + "x" if f and z else "-", "<= 1.10x",
        None if not (f and z) else f / z <= 1.10)

    # Noise with compression on: within 1.5x the stored save (same-run ratios to write()).
    for w in ("W1", "W2"):
        a, b = get(f"{w}/save/deflated", "x_write"), get(f"{w}/save/stored", "x_write")
        add(f"{w} save with compression on, x stored save", fmt(a / b) + "x" if a and b else "-", "<= 1.5x",
            None if not (a and b) else a / b <= 1.5)

    # Documents and tables against the Python reference (BASELINE.md's absolute
    # times). The reference does not fsync: a save is set against it with sync
    # off (<mode>-nosync), and the default save (fsync) is shown beside it.
    def speedup(w, mode, op, needed):
        case = f"{w}/{op}/{mode}-nosync" if op == "save" else f"{w}/{op}/{mode}"
        t = get(case)
        ref = PYTHON[(w, mode)][0 if op == "save" else 1]
        s = ref / t if t else None
        what = f"{w} {op} ({mode}{', sync off' if op == 'save' else ''}), speed vs Python reference ({ref} s)"
        add(what, f"{fmt(s)}x ({fmt_time(t)})" if s else "-", f">= {needed}x", None if s is None else s >= needed)
        if op == "save":
            t = get(f"{w}/save/{mode}")
            add(f"{w} save ({mode}), default (fsync)", f"{fmt(ref / t)}x ({fmt_time(t)})" if t else "-", "-", None)

    for op in ("save", "read"):
        speedup("W3", "deflated", op, 20)
        speedup("W3", "stored", op, 30)
    for op, ref in (("save", PICKLE_W3[0]), ("read", PICKLE_W3[1])):
        for mode in ("deflated", "stored"):
            # pickle.dump does not fsync either.
            t = get(f"W3/{op}/{mode}-nosync" if op == "save" else f"W3/{op}/{mode}")
            add(f"W3 {op} ({mode}{', sync off' if op == 'save' else ''}) vs pickle ({ref} s)", fmt_time(t),
                f"< {ref} s", None if t is None else t < ref)
    for mode in ("deflated", "stored"):
        for op in ("save", "read"):
            speedup("W5", mode, op, 20)
    for mode in ("deflated", "stored"):
        for op in ("save", "read"):
            speedup("W4", mode, op, 10)
    for op in ("save", "read"):
        small, big = get(f"W4-500/{op}/stored"), get(f"W4-8000/{op}/stored")
        if small and big:
            per_small, per_big = small / 500, big / 8000
            add(f"W4 {op} linear: time per array at 8000 / at 500 arrays",
                f"{fmt(per_big / per_small)} ({fmt_time(per_small)} -> {fmt_time(per_big)} per array)",
                "<= 1.5", per_big / per_small <= 1.5)
    # torch.save does not fsync: the like-for-like save is sync = false; the
    # default one (fsync) is shown beside it.
    for case, what, ref in (("W6/save/stored-nosync", "W6 stored save, sync off (as torch.save)", TORCH_W6[0]),
                            ("W6/read/stored", "W6 stored read vs torch.load", TORCH_W6[1])):
        t = get(case)
        add(f"{what} ({ref} s)", fmt_time(t), f"< {ref} s", None if t is None else t < ref)
    t = get("W6/save/stored")
    add("W6 stored save, default (fsync)", fmt_time(t), "-", None)

    # Zero-copy view: bench_view's open+view at 16 MiB and 1 GiB.
    a, b = view.get("BM_open_and_view/MiB:16"), view.get("BM_open_and_view/MiB:1024")
    if a and b:
        add("W1 zero-copy open + view, 16 MiB / 1 GiB", f"{fmt_time(a)} / {fmt_time(b)}", "< 1 ms, same",
            a < 1e-3 and b < 1e-3 and b / a < 2)
    t = get("W1/view/stored")
    add("W1 (256 MiB) zero-copy open + view", fmt_time(t), "< 1 ms", None if t is None else t < 1e-3)

    # Memory: the step's own peak (the array already in memory is not counted).
    p = get("W1/save/stored", "peak_MiB")
    limit = 1.1 * W1_MIB + 64 - W1_MIB
    add("W1 save, peak memory beyond the array", f"{fmt(p, 1)} MiB" if p is not None else "-",
        f"<= {limit:.1f} MiB (1.1x array + 64 MiB in all)", None if p is None else p <= limit)
    p = get("W1/save/deflated", "peak_MiB")
    add("W1 save (compression on), peak memory beyond the array", f"{fmt(p, 1)} MiB" if p is not None else "-",
        f"<= {limit:.1f} MiB", None if p is None else p <= limit)
    for mode in ("stored", "deflated"):
        p = get(f"W1/read/{mode}", "peak_MiB")
        add(f"W1 full read ({mode}), peak memory", f"{fmt(p, 1)} MiB" if p is not None else "-",
            f"<= {1.1 * W1_MIB + 64:.1f} MiB (the 256 MiB destination + little)",
            None if p is None else p <= 1.1 * W1_MIB + 64)
    return "\n".join(rows)


def main():
    directory = sys.argv[1]
    cases = load_cases(directory)
    view = load_view(directory)
    machine = open(os.path.join(directory, "machine.txt")).read().strip() if os.path.exists(
        os.path.join(directory, "machine.txt")) else ""
    out = ["# Benchmark results", "",
           "Written by `benchmarks/run` (see benchmarks/README.md for what each case does). "
           "Medians over the repetitions of each case, each case in a fresh process; "
           "`x write` / `x read` / `x memcpy` are the case's time over one `write()` / `read()` / "
           "`memcpy` of its payload bytes measured in the same process; `peak MiB` is the memory the "
           "step added at its peak. MB = 10^6 bytes of payload.", ""]
    if machine:
        out += ["```", machine, "```", ""]
    limits = [cases.get(f"W1/limit/{k}", {}).get("time") for k in ("write", "read", "memcpy")]
    if all(limits):
        now = [statistics.median(t) for t in limits]
        out += ["The targets set against the Python reference, pickle and torch compare with times "
                "BASELINE.md took on another day; on that day one `write()` / `read()` / `memcpy` of W1's "
                "256 MiB took " + " / ".join(f"{b * 1e3:.0f}" for b in BASELINE_LIMITS_W1) + " ms, in this run "
                + " / ".join(f"{t * 1e3:.0f}" for t in now) + " ms. The `x write` / `x read` ratios are "
                "of the same run.", ""]
    out += ["## Targets (issue #6)", "", targets(cases, view), ""]
    groups = [
        ("Arrays (bench_arrays)", "W1/", "W2/", "W7/"),
        ("Documents (bench_documents)", "W3/", "W4/", "W4-"),
        ("Tables (bench_tables)", "W5/"),
        ("Model (bench_model)", "W6/"),
    ]
    names = sorted(cases)
    used = set()
    for title, *prefixes in groups:
        selected = [n for n in names if n.startswith(tuple(prefixes)) and "/json/" not in n and "/npy/" not in n
                    and "/deflate/" not in n and "/inflate/" not in n and "/crc32/" not in n]
        if selected:
            out += [f"## {title}", "", case_table(cases, selected), ""]
            used.update(selected)
    rest = [n for n in names if n not in used]
    if rest:
        out += ["## Codecs alone (bench_codecs)", "", case_table(cases, rest), ""]
    if view:
        out += ["## Zero-copy view (bench_view, one process, medians of 5)", "", "| case | median |", "| --- | --- |"]
        out += [f"| `{k}` | {fmt_time(v)} |" for k, v in view.items()]
        out.append("")
    ct = os.path.join(directory, "compile_time.txt")
    if os.path.exists(ct):
        out += ["## Compile time (benchmarks/compile_time.sh: one TU to an object file, -O2, median of 3)", "",
                "| compiler | file | median s | min | max |", "| --- | --- | --- | --- | --- |"]
        for line in open(ct):
            parts = line.split()
            if len(parts) == 5:
                out.append(f"| {parts[0]} | `{parts[1]}` | {parts[2]} | {parts[3]} | {parts[4]} |")
        out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
