#!/usr/bin/python3
"""Runs the `zanj` command-line tool as a user would and checks its output.

Groups (one ctest case each):
  usage     exit codes and messages of bad command lines, --help, --version
  fixtures  ls / cat / meta / verify on the Python reference's files
            (prints ZANJ_FIXTURES_SKIPPED when they are absent)
  own       ls / cat / meta on files written by write_cli_samples
  verify    verify on intact and damaged copies of those files; no command
            crashes or prints more than one line on damaged files
  extract   extract: .npy output (read back with numpy when available) and
            the refusal of output paths outside the folder; member names
            never become output paths
  corrupt   verify on every file of the corrupt-file corpus (tests/corrupt,
            MANIFEST.tsv) gives the line the manifest states; no command
            crashes on any of them
"""
import argparse
import io
import json
import math
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import zipfile

FAILURES = []


def check(condition, what):
    if not condition:
        FAILURES.append(what)
        print("FAIL: " + what)


class Result:
    def __init__(self, args, proc):
        self.args = args
        self.rc = proc.returncode
        self.out = proc.stdout.decode("utf-8", "replace")
        self.err = proc.stderr.decode("utf-8", "replace")

    def describe(self):
        return "zanj %s -> rc %d, stderr %r" % (" ".join(self.args), self.rc, self.err[:300])


def run(*args, cwd=None):
    proc = subprocess.run([ZANJ] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, timeout=120)
    return Result(list(args), proc)


def expect_ok(*args, cwd=None):
    r = run(*args, cwd=cwd)
    check(r.rc == 0 and r.err == "", "expected success: " + r.describe())
    return r


def expect_error(rc, pattern, *args, cwd=None):
    """A failure with exit status `rc` and exactly one stderr line matching `pattern`."""
    r = run(*args, cwd=cwd)
    lines = r.err.splitlines()
    check(r.rc == rc, "expected exit %d: %s" % (rc, r.describe()))
    check(len(lines) == 1 and lines[0].startswith("zanj: "), "expected one 'zanj: ' line: " + r.describe())
    check(re.search(pattern, r.err) is not None, "expected stderr matching %r: %s" % (pattern, r.describe()))
    return r


def normalized_tree(text):
    """ls lines with the padding between pointer and description collapsed."""
    out = []
    for line in text.splitlines():
        m = re.match(r"^( *)(\S+)\s+(.*)$", line)
        out.append("%s%s  %s" % m.groups() if m else line)
    return out


def expect_lines(lines, expected, what):
    for e in expected:
        check(e in lines, "%s: missing line %r in\n%s" % (what, e, "\n".join(lines)))


def same(a, b):
    """Exact equality: same JSON kinds, floats bit-equal (-0.0 differs from 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return struct.pack("<d", a) == struct.pack("<d", b) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


def flatten(nested):
    if isinstance(nested, list):
        return [x for item in nested for x in flatten(item)]
    return [nested]


# ---------------------------------------------------------------------------


def group_usage(work):
    r = expect_ok("--help")
    check("usage: zanj COMMAND" in r.out and "extract" in r.out, "--help lists the commands")
    r = expect_ok("--version")
    check(re.fullmatch(r"zanj \d+\.\d+\.\d+\n", r.out) is not None, "--version prints 'zanj X.Y.Z': %r" % r.out)
    for command in ["ls", "cat", "meta", "verify", "extract"]:
        r = expect_ok(command, "--help")
        check(r.out.startswith("usage: zanj " + command), "%s --help starts with its usage: %r" % (command, r.out[:80]))
        expect_error(2, "missing argument|missing -o", command)
    expect_error(2, "missing command")
    expect_error(2, "unknown command 'frobnicate'", "frobnicate", "x.zanj")
    expect_error(2, "unknown option '--bogus'", "ls", "--bogus", "x.zanj")
    expect_error(2, "unknown option '-q'", "cat", "-q", "x.zanj")
    expect_error(2, "unexpected argument 'extra'", "ls", "x.zanj", "/a", "extra")
    expect_error(2, "unexpected argument", "meta", "x.zanj", "/a")
    expect_error(2, "'--depth' needs a non-negative integer", "ls", "x.zanj", "--depth", "two")
    expect_error(2, "'--max-elements' needs a non-negative integer", "cat", "x.zanj", "-n", "-1")
    expect_error(2, "needs a value", "ls", "x.zanj", "--depth")
    expect_error(2, "given twice", "ls", "-r", "x.zanj", "--recursive")
    expect_error(2, "takes no value", "cat", "--all=yes", "x.zanj")
    expect_error(2, "exclude each other", "cat", "--all", "-n", "5", "x.zanj")
    expect_error(2, "missing -o", "extract", "x.zanj", "/a")
    # Runtime errors: exit 1, one line naming the file.
    missing = os.path.join(work, "missing.zanj")
    expect_error(1, re.escape(missing) + ": cannot open", "ls", missing)
    expect_error(1, re.escape(missing) + ": cannot open", "verify", missing)


def fixture_files(fixtures):
    files = []
    for version in ["v0.5.0", "v0.6.0"]:
        folder = os.path.join(fixtures, version)
        files += [os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.endswith(".zanj")]
    return files


def group_fixtures(work, fixtures):
    if not os.path.isdir(os.path.join(fixtures, "v0.6.0")) or not os.path.isdir(os.path.join(fixtures, "v0.5.0")):
        print("ZANJ_FIXTURES_SKIPPED: no Python reference fixtures at " + fixtures)
        return
    files = fixture_files(fixtures)
    check(len(files) >= 60, "found the fixtures of both versions (%d files)" % len(files))
    for path in files:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
        externals = len([n for n in names if n not in ("__zanj__.json", "__zanj_meta__.json")])
        r = expect_ok("verify", path)
        check(r.out == "OK: %d members, %d external%s\n" % (len(names), externals, "" if externals == 1 else "s"),
              "verify %s: %r" % (path, r.out))
        r = expect_ok("ls", path)
        check(r.out.startswith("/ ") and all(line.strip() for line in r.out.splitlines()), "ls %s: %r" % (path, r.out[:200]))
        r = expect_ok("cat", path)
        json.loads(r.out)  # Python's json accepts NaN / Infinity, as the reference writes them
        r = expect_ok("meta", path)
        expected = json.load(open(path[: -len(".zanj")] + ".expected.json"))
        cfg = json.loads(r.out)["zanj_cfg"]
        check(cfg["external_array_threshold"] == expected["writer_settings"]["external_array_threshold"],
              "meta %s: zanj_cfg.external_array_threshold" % path)

    for version in ["v0.5.0", "v0.6.0"]:
        folder = os.path.join(fixtures, version)
        f = lambda name: os.path.join(folder, name + ".zanj")

        expected = json.load(open(os.path.join(folder, "scalars_json_kinds.expected.json")))["value"]
        got = json.loads(expect_ok("cat", f("scalars_json_kinds")).out)
        check(same(got, expected), "cat scalars_json_kinds (%s) equals expected.json's value" % version)
        got = json.loads(expect_ok("cat", "--compact", f("scalars_json_kinds"), "/floats").out)
        check(same(got, expected["floats"]), "cat --compact /floats (%s)" % version)
        check(expect_ok("cat", f("scalars_json_kinds"), "ints/int64_min").out == "-9223372036854775808\n",
              "cat of one scalar, pointer without leading '/'")

        expected = json.load(open(os.path.join(folder, "array_int64.expected.json")))["value"]
        got = json.loads(expect_ok("cat", f("array_int64")).out)
        for key in ["small_extremes", "small_matrix", "large_vector"]:
            check(flatten(got[key]) == expected[key]["$ndarray"]["data"], "cat array_int64 %s (%s)" % (key, version))
        check(len(got["small_matrix"]) == 3 and len(got["small_matrix"][0]) == 4, "cat keeps the array's shape")

        ls = normalized_tree(expect_ok("ls", f("externals_in_nested_containers")).out)
        expect_lines(ls, [
            "/  object 3 keys",
            "  /a  object 1 key",
            "    /a/b  object 1 key",
            "      /a/b/c  array float64 [300] external 'a/b/c.npy' 2528 bytes, %s compressed"
            % zipfile.ZipFile(f("externals_in_nested_containers")).getinfo("a/b/c.npy").compress_size,
            "  /lst  list 3 items",
            "      /lst/1/2  int64 3",
            "    /mixed/small  array int64 [3] array_list_meta",
        ], "ls externals_in_nested_containers (%s)" % version)
        check(any(l.startswith("    /mixed/big_list  list external 'mixed/big_list.jsonl' 1090 bytes") for l in ls),
              "ls shows the external list with its member size")
        check(not any("/mixed/big_list/" in l for l in ls), "ls does not open .jsonl lists without -r")
        ls_r = normalized_tree(expect_ok("ls", "-r", f("externals_in_nested_containers"), "/mixed").out)
        check(ls_r[0].startswith("/mixed  object 2 keys") and "    /mixed/big_list/299  int64 299" in ls_r,
              "ls -r opens the .jsonl list: %r" % ls_r[-3:])

        expect_lines(normalized_tree(expect_ok("ls", f("dataclass_nested_3_levels")).out), [
            "/  dataclass Tree 4 fields",
            "  /branch  dataclass Branch 3 fields",
            "    /branch/leaf  dataclass Leaf 3 fields",
            "      /branch/leaf/weight  float 0.25",
            "  /top_array  array float32 [2] array_list_meta",
        ], "ls dataclass_nested_3_levels (%s)" % version)
        expect_lines(normalized_tree(expect_ok("ls", f("torch_float32")).out), [
            "  /scalar_0d  tensor torch.float32 [] zero_dim",
            "  /small  tensor float32 [2, 3] array_list_meta",
        ], "ls torch_float32 (%s)" % version)
        expect_lines(normalized_tree(expect_ok("ls", f("array_int64")).out), [
            "  /small_matrix  array int64 [3, 4] array_list_meta",
            "  /large_matrix  array int64 [16, 20] external 'large_matrix.npy' 2688 bytes, %d compressed"
            % zipfile.ZipFile(f("array_int64")).getinfo("large_matrix.npy").compress_size,
        ], "ls array_int64 (%s)" % version)
        check(expect_ok("ls", "--depth", "0", f("array_int64")).out == "/  object 4 keys\n", "ls --depth 0")

        r = expect_ok("meta", f("array_int64"))
        meta = json.loads(r.out)
        check(list(meta)[:1] == ["zanj_cfg"] and "externals_info" in meta, "meta prints zanj_cfg and externals_info")
        check(meta["externals_info"]["large_matrix.npy"]["path"] == ["large_matrix"], "meta externals_info path")
        expect_error(1, r"at /ints/nope: no such key", "cat", f("scalars_json_kinds"), "/ints/nope")


# ---------------------------------------------------------------------------


def write_samples(work):
    subprocess.run([WRITER, work], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(work, "sample.zanj"), os.path.join(work, "stored.zanj")


OWN_TREE = """\
/  dataclass sample 8 fields
  /name  string "cli sample"
  /big  array float64 [1000] external 'big.npy' 8128 bytes, {big} compressed
  /grid  array float32 [300, 300] external 'grid.npy' 360128 bytes, {grid} compressed
  /nested  dataclass inner 2 fields
    /nested/label  string "inner one"
    /nested/small  array int32 [3] array_list_meta
  /layers  list 2 items
    /layers/0  dataclass layer 2 fields
      /layers/0/w  array float32 [300] external 'layers/0/w.npy' 1328 bytes, {w0} compressed
      /layers/0/bias  float 0.25
    /layers/1  dataclass layer 2 fields
      /layers/1/w  array float32 [300] external 'layers/1/w.npy' 1328 bytes, {w1} compressed
      /layers/1/bias  float 1.25
  /records  list external 'records.jsonl' {records} bytes, {records_c} compressed
  /odd_keys  object 2 keys
    /odd_keys/a~1b  int64 1
    /odd_keys/t~0x  int64 2
  /maybe  null"""


def group_own(work):
    sample, stored = write_samples(work)
    z = zipfile.ZipFile(sample)
    size = lambda n: z.getinfo(n).compress_size
    expected = OWN_TREE.format(big=size("big.npy"), grid=size("grid.npy"), w0=size("layers/0/w.npy"),
                               w1=size("layers/1/w.npy"), records=z.getinfo("records.jsonl").file_size,
                               records_c=size("records.jsonl")).splitlines()
    r = expect_ok("ls", sample)
    check(normalized_tree(r.out) == expected, "ls of our sample:\n%s" % r.out)
    # Descriptions start in one column.
    columns = {len(m.group(1)) for m in re.finditer(r"^( *\S+ +)\S", r.out, re.M)}
    check(len(columns) == 1, "ls aligns the descriptions: %r" % columns)
    check(expect_ok("ls", sample).out == r.out, "ls output is stable")

    r = normalized_tree(expect_ok("ls", stored, "/layers").out)
    check(r[0] == "/layers  list 2 items" and
          "    /layers/0/w  array float32 [300] external 'layers/0/w.npy' 1328 bytes, uncompressed" in r,
          "ls of a stored file below a path: %r" % r)
    r = normalized_tree(expect_ok("ls", "-r", sample, "/records").out)
    check(len(r) == 1 + 300 * 3 and r[1] == "  /records/0  dataclass record 2 fields" and
          r[-1] == '    /records/299/tag  string "r299"', "ls -r of an external list: %r" % r[:3])
    r = normalized_tree(expect_ok("ls", "-r", "-d", "1", sample, "/records").out)
    check(len(r) == 301, "ls -r --depth 1: %d lines" % len(r))

    # cat: arrays as nested lists, large ones summarized.
    r = expect_ok("cat", sample, "/grid")
    check(r.out == '"<array float32 [300, 300]: first 0.0, 1.0, 2.0, 3.0, 4.0, '
                  'last 89995.0, 89996.0, 89997.0, 89998.0, 89999.0>"\n', "cat summarizes a large array: %r" % r.out)
    got = json.loads(expect_ok("cat", "--all", sample, "/grid").out)
    check(len(got) == 300 and got[1][:3] == [300.0, 301.0, 302.0] and flatten(got) == [float(i) for i in range(90000)],
          "cat --all prints every element")
    got = json.loads(expect_ok("cat", "-n", "300", sample, "/layers/1/w").out)
    check(got[:2] == [1.0, 1.25] and len(got) == 300, "cat -n 300 prints a 300-element array")
    check(expect_ok("cat", "-n", "299", sample, "/layers/1/w").out.startswith('"<array float32 [300]: first 1.0, 1.25'),
          "cat -n 299 summarizes it")
    r = expect_ok("cat", "--compact", sample, "/nested")
    check(r.out == '{"__muutils_format__": "inner(SerializableDataclass)", "label": "inner one", "small": [1, 2, 3]}\n',
          "cat --compact: %r" % r.out)
    r = expect_ok("cat", sample, "/nested")
    check(r.out == '{\n  "__muutils_format__": "inner(SerializableDataclass)",\n  "label": "inner one",\n'
                   '  "small": [1, 2, 3]\n}\n', "cat pretty: %r" % r.out)
    check(json.loads(expect_ok("cat", sample, "/records/299").out)["tag"] == "r299", "cat inside an external list")
    check(expect_ok("cat", sample, "/odd_keys/a~1b").out == "1\n", "cat with an escaped pointer")
    whole = json.loads(expect_ok("cat", stored).out)
    check(whole["name"] == "cli sample" and len(whole["records"]) == 300 and len(whole["big"]) == 1000 and whole["grid"].startswith("<array float32 [300, 300]"),
          "cat of the whole file")
    expect_error(1, r"sample\.zanj: at /layers/7: index out of range", "cat", sample, "/layers/7")
    meta = json.loads(expect_ok("meta", sample).out)
    check(meta["externals_info"]["grid.npy"]["path"] == ["grid"], "meta of our file")
    check(expect_ok("meta", "--compact", sample).out.count("\n") == 1, "meta --compact is one line")


# ---------------------------------------------------------------------------


def member_data_offset(path, name):
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(name)
    with open(path, "rb") as f:
        f.seek(info.header_offset)
        header = f.read(30)
    n, e = struct.unpack("<HH", header[26:30])
    return info.header_offset + 30 + n + e, info.compress_size


def copy_with(src, dst, replace=None, drop=(), add=None):
    """Rewrites an archive with Python's zipfile: members replaced, dropped, added."""
    with zipfile.ZipFile(src) as s, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as d:
        for info in s.infolist():
            if info.filename in drop:
                continue
            data = s.read(info)
            if replace and info.filename in replace:
                data = replace[info.filename](data)
            d.writestr(info, data)
        for name, data in (add or {}).items():
            d.writestr(name, data)
    return dst


def group_verify(work):
    sample, stored = write_samples(work)
    r = expect_ok("verify", sample)
    check(r.out == "OK: 7 members, 5 externals\n", "verify of an intact file: %r" % r.out)
    expect_ok("verify", stored)
    p = lambda name: os.path.join(work, name)

    # A flipped byte in a stored member: its CRC no longer matches.
    data = bytearray(open(stored, "rb").read())
    offset, _ = member_data_offset(stored, "big.npy")
    data[offset + 500] ^= 0x40
    open(p("flipped.zanj"), "wb").write(data)
    expect_error(1, r"flipped\.zanj: at /big: member 'big\.npy': CRC-32 mismatch", "verify", p("flipped.zanj"))
    expect_ok("ls", p("flipped.zanj"))  # headers only: still lists
    expect_error(1, r"member 'big\.npy': CRC-32 mismatch", "cat", p("flipped.zanj"), "/big")

    # ... and in a deflated one.
    data = bytearray(open(sample, "rb").read())
    offset, size = member_data_offset(sample, "layers/1/w.npy")
    data[offset + size // 2] ^= 0x01
    open(p("flipped_deflate.zanj"), "wb").write(data)
    r = run("verify", p("flipped_deflate.zanj"))
    check(r.rc == 1 and "at /layers/1/w: member 'layers/1/w.npy': " in r.err, "flipped deflated member: " + r.describe())

    # A dangling reference: the document names a member the archive lacks.
    copy_with(sample, p("dangling.zanj"), drop={"big.npy"})
    r = run("verify", p("dangling.zanj"))
    check(r.rc == 1 and "zanj: %s: at /big: member 'big.npy': dangling reference: no such member\n" % p("dangling.zanj")
          in r.err, "dangling reference: " + r.describe())
    copy_with(sample, p("renamed.zanj"),
              replace={"__zanj__.json": lambda d: d.replace(b'"$ref": "grid.npy"', b'"$ref": "nope.npy"')})
    r = run("verify", p("renamed.zanj"))
    check(r.rc == 1 and "at /grid: member 'nope.npy': dangling reference" in r.err and
          "member 'grid.npy': member is not referenced by the document" in r.err, "renamed reference: " + r.describe())

    # A member nobody references.
    copy_with(sample, p("extra.zanj"), add={"stray.txt": b"junk"})
    expect_error(1, r"member 'stray\.txt': member is not referenced by the document", "verify", p("extra.zanj"))

    # A broken .jsonl line, a broken .npy header, a bad externals_info path.
    copy_with(sample, p("badline.zanj"),
              replace={"records.jsonl": lambda d: d.replace(b'"tag": "r7"}', b'"tag": "r7"')})
    expect_error(1, r"at /records/7: member 'records\.jsonl': line 8: invalid JSON", "verify", p("badline.zanj"))
    copy_with(sample, p("badnpy.zanj"), replace={"big.npy": lambda d: d[:-8]})
    expect_error(1, r"at /big: member 'big\.npy': npy: data is shorter", "verify", p("badnpy.zanj"))
    copy_with(sample, p("badshape.zanj"),
              replace={"__zanj__.json": lambda d: d.replace(b"1000\n", b"999\n", 1)})
    expect_error(1, r"at /big: member 'big\.npy': reference states shape \[999\], the \.npy holds \[1000\]",
                 "verify", p("badshape.zanj"))
    copy_with(sample, p("badinfo.zanj"),
              replace={"__zanj_meta__.json": lambda d: d.replace(b'"grid"', b'"gird"')})
    expect_error(1, r"at /gird: member 'grid\.npy': externals_info path \[\"gird\"\] does not lead into the document",
                 "verify", p("badinfo.zanj"))
    copy_with(sample, p("notjson.zanj"), replace={"__zanj__.json": lambda d: d[:-3]})
    r = run("verify", p("notjson.zanj"))
    check(r.rc == 1 and "member '__zanj__.json': invalid JSON" in r.err, "unparseable document: " + r.describe())

    # Damaged files: one line, exit 1, from every command.
    open(p("garbage.zanj"), "wb").write(b"this is not a zip file at all")
    open(p("truncated.zanj"), "wb").write(open(sample, "rb").read()[:5000])
    for name in ["garbage.zanj", "truncated.zanj"]:
        for args in (["ls"], ["cat"], ["meta"], ["verify"], ["extract", "/big", "-o", "out.npy"]):
            expect_error(1, re.escape(p(name)) + ": not a zip archive", args[0], p(name), *args[1:], cwd=work)

    # Random damage never crashes a command, and errors stay one line each
    # (verify prints one line per problem).
    rng = random.Random(1234)
    original = open(sample, "rb").read()
    for i in range(40):
        data = bytearray(original)
        for _ in range(rng.choice([1, 1, 3])):
            data[rng.randrange(len(data))] = rng.randrange(256)
        open(p("fuzz.zanj"), "wb").write(data)
        for args in (["ls", "-r"], ["cat", "--compact"], ["meta"], ["verify"]):
            r = run(args[0], p("fuzz.zanj"), *args[1:])
            lines = r.err.splitlines()
            check(r.rc in (0, 1), "fuzz %d: %s" % (i, r.describe()))
            check(all(l.startswith("zanj: ") for l in lines), "fuzz %d: stderr lines: %s" % (i, r.describe()))
            check(args[0] == "verify" or len(lines) <= 1, "fuzz %d: at most one line: %s" % (i, r.describe()))
            check(r.rc == 0 or lines, "fuzz %d: a failure says why: %s" % (i, r.describe()))


# ---------------------------------------------------------------------------


def group_extract(work):
    sample, stored = write_samples(work)
    p = lambda name: os.path.join(work, name)
    try:
        import numpy
    except ImportError:
        numpy = None
        print("note: no numpy in %s; .npy files are checked by their header only" % sys.executable)

    expect_ok("extract", sample, "/grid", "-o", "grid.npy", cwd=work)
    expect_ok("extract", stored, "/layers/1/w", "-o", "w1.npy", cwd=work)
    expect_ok("extract", sample, "nested/small", "-o", "sub/../small.npy", cwd=work)
    os.makedirs(p("out"), exist_ok=True)
    expect_ok("extract", sample, "/big", "-C", p("out"), "-o", "big.npy")
    expect_ok("extract", sample, "/big", "-C", p("out"), "-o", p("out/big_abs.npy"))
    grid = open(p("grid.npy"), "rb").read()
    check(grid.startswith(b"\x93NUMPY\x01\x00") and b"'descr': '<f4'" in grid and b"(300, 300)" in grid
          and len(grid) == 128 + 300 * 300 * 4, "grid.npy header and size")
    if numpy is not None:
        g = numpy.load(p("grid.npy"))
        check(g.dtype == numpy.float32 and g.shape == (300, 300) and
              (g == numpy.arange(90000, dtype=numpy.float32).reshape(300, 300)).all(), "numpy reads grid.npy equal")
        w = numpy.load(p("w1.npy"))
        check(w.dtype == numpy.float32 and (w == 1 + numpy.arange(300, dtype=numpy.float32) / 4).all(), "w1.npy")
        s = numpy.load(p("small.npy"))
        check(s.dtype == numpy.int32 and s.tolist() == [1, 2, 3], "small.npy (an inline array)")
        b = numpy.load(p("out/big.npy"))
        check(b.dtype == numpy.float64 and (b == numpy.arange(1000) * 0.5).all(), "out/big.npy (with -C)")

    # Never overwrite without --force.
    before = open(p("grid.npy"), "rb").read()
    expect_error(1, r"grid\.npy: file exists \(use --force", "extract", sample, "/big", "-o", "grid.npy", cwd=work)
    check(open(p("grid.npy"), "rb").read() == before, "refused overwrite leaves the file alone")
    expect_ok("extract", sample, "/big", "-o", "grid.npy", "--force", cwd=work)
    check(open(p("grid.npy"), "rb").read() != before, "--force overwrites")

    # Output paths that leave the folder.
    outside = os.path.join(os.path.dirname(work), "x.npy")
    expect_error(2, r"\.\./x\.npy: refusing to write outside", "extract", sample, "/big", "-o", "../x.npy", cwd=work)
    expect_error(2, r"refusing to write outside", "extract", sample, "/big", "-o", "sub/../../x.npy", cwd=work)
    check(not os.path.exists(outside), "nothing written outside")
    tmp_target = "/tmp/zanj-cli-test-%d.npy" % os.getpid()
    expect_error(2, re.escape(tmp_target) + ": refusing to write outside", "extract", sample, "/big", "-o", tmp_target,
                 cwd=work)
    check(not os.path.exists(tmp_target), "nothing written to /tmp")
    expect_error(2, r"refusing to write outside", "extract", sample, "/big", "-C", p("out"), "-o", p("x.npy"))
    os.symlink(os.path.dirname(work), p("uplink"))
    expect_error(2, r"symbolic link", "extract", sample, "/big", "-o", "uplink/x.npy", cwd=work)
    check(not os.path.exists(outside), "nothing written through the link")
    expect_error(2, r"not a file name", "extract", sample, "/big", "-o", ".", cwd=work)
    expect_error(1, r"out: is a folder", "extract", sample, "/big", "-o", "out", cwd=work)
    expect_error(2, r"nosuch: not a folder", "extract", sample, "/big", "-C", p("nosuch"), "-o", "x.npy")

    # Member names never become paths: a member called '../escape.npy' or
    # '/tmp/...npy' is extracted to -o only. Duplicate names are refused.
    abs_member = "/tmp/zanj-cli-member-%d.npy" % os.getpid()
    for evil in ("../escape.npy", abs_member):
        renamed = p("renamed.zanj")
        with zipfile.ZipFile(sample) as s, zipfile.ZipFile(renamed, "w", zipfile.ZIP_STORED) as d:
            for info in s.infolist():
                data = s.read(info)
                if info.filename in ("__zanj__.json", "__zanj_meta__.json"):
                    data = data.replace(b'"big.npy"', json.dumps(evil).encode())
                d.writestr(evil if info.filename == "big.npy" else info.filename, data)
        expect_ok("extract", renamed, "/big", "-o", "renamed.npy", "--force", cwd=work)
        check(open(p("renamed.npy"), "rb").read().startswith(b"\x93NUMPY"), "extracted under the -o name")
        check(not os.path.exists(os.path.join(os.path.dirname(work), "escape.npy")), "nothing written at ../escape.npy")
        check(not os.path.exists(abs_member), "nothing written at the member's absolute name")
    duplicated = p("duplicated.zanj")
    with zipfile.ZipFile(sample) as s, zipfile.ZipFile(duplicated, "w") as d:
        for info in s.infolist():
            d.writestr(info, s.read(info))
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about the duplicate name, which is the point
            d.writestr("big.npy", b"second")
    expect_error(1, r"member 'big\.npy': duplicate member name", "extract", duplicated, "/big", "-o", "dup.npy",
                 cwd=work)
    check(not os.path.exists(p("dup.npy")), "nothing extracted from an archive with duplicate names")

    # What is not an array.
    expect_error(1, r"at /name: not an array: found string", "extract", sample, "/name", "-o", "n.npy", cwd=work)
    expect_error(1, r"at /nope: no such key", "extract", sample, "/nope", "-o", "n.npy", cwd=work)
    check(not os.path.exists(p("n.npy")), "no file left behind after a failed extract")


def group_corrupt(work, corpus):
    """Every file of the corrupt-file corpus: verify's line from the manifest,
    and ls -r / cat fail with one 'zanj: ' line, never a crash."""
    rows = []
    with open(os.path.join(corpus, "MANIFEST.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                rows.append(line.split("\t"))
    check(len(rows) >= 50, "manifest rows: %d" % len(rows))
    for file, broken, read_as, read, archive, verify in rows:
        path = os.path.join(corpus, file)
        if read_as == "npy":
            continue
        what = "%s (%s)" % (file, broken)
        if verify == "ok":
            r = run("verify", path)
            check(r.rc == 0 and r.out.startswith("OK: "), what + ": verify finds nothing: " + r.describe())
        elif verify != "-":
            expected = "zanj: %s: %s" % (path, read if verify == "=" else verify)
            r = run("verify", path)
            check(r.rc == 1 and expected in r.err.splitlines(),
                  what + ": verify prints %r: %s" % (expected, r.describe()))
            check(all(l.startswith("zanj: ") for l in r.err.splitlines()), what + ": verify lines: " + r.describe())
        for args in (["ls", "-r"], ["cat", "--compact"]):
            r = run(args[0], path, *args[1:])
            lines = r.err.splitlines()
            check(r.rc in (0, 1) and len(lines) <= 1 and all(l.startswith("zanj: ") for l in lines),
                  what + ": " + r.describe())


def main():
    global ZANJ, WRITER
    parser = argparse.ArgumentParser()
    parser.add_argument("--zanj", required=True)
    parser.add_argument("--writer", required=True)
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--corrupt", required=True)
    parser.add_argument("--group", required=True, choices=["usage", "fixtures", "own", "verify", "extract", "corrupt"])
    args = parser.parse_args()
    ZANJ, WRITER = args.zanj, args.writer
    work = os.path.abspath(os.path.join(args.work, args.group))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    if args.group == "usage":
        group_usage(work)
    elif args.group == "corrupt":
        group_corrupt(work, args.corrupt)
    elif args.group == "fixtures":
        group_fixtures(work, args.fixtures)
    else:
        globals()["group_" + args.group](work)
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
