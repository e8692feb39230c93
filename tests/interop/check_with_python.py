#!/usr/bin/python3
"""Reads every .zanj in a folder the way the Python reference reader does and
compares what it finds with the <name>.expect.json written beside it by
write_samples (see the top of write_samples.cpp for the expectation format).

    check_with_python.py [--writer PATH_TO_write_samples] FOLDER

With --writer, FOLDER is first filled by running the writer. Uses only the
standard library, numpy and Info-ZIP's `unzip`, and pandas when installed (for
the DataFrame samples); prints ZANJ_INTEROP_SKIPPED and exits 0 when numpy or
unzip is missing (ctest then reports the test skipped).
Prints one line per file, then "N passed, M failed"; exits 1 on any failure.
"""

import argparse
import base64
import io
import json
import pathlib
import re
import shutil
import struct
import subprocess
import sys
import zipfile

FMT = "__muutils_format__"
META_MEMBER = "__zanj_meta__.json"
MAIN_MEMBER = "__zanj__.json"
ARRAY_KEYS = [FMT, "data", "shape", "dtype", "n_elements"]
EXTERNAL_KEYS = [FMT, "$ref", "shape", "dtype", "n_elements"]

np = None  # imported in main(), so that a missing numpy can mean "skipped"
pd = None  # pandas, when installed: frames are then also read with pandas


class Failure(Exception):
    """One check that did not hold; `where` names the path inside the file."""

    def __init__(self, where, message):
        super().__init__(f"{where}: {message}")


def path_text(path):
    return "/" + "/".join(str(p) for p in path)


def member_name(path, item_type):
    """The member name the reference derives from an object path (FORMAT.md 6.2)."""
    return "/".join(str(p) for p in path) + "." + item_type


def strict_object(pairs):
    """json.loads hook: keeps key order and refuses duplicate keys."""
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def parse_json(text, where):
    try:
        # json.loads accepts NaN / Infinity / -Infinity by default, as Python's reader does.
        return json.loads(text, object_pairs_hook=strict_object)
    except ValueError as e:
        raise Failure(where, f"invalid JSON: {e}")


def is_external_with_data(node):
    return isinstance(node, dict) and isinstance(node.get(FMT), str) and node[FMT].endswith(":external") and "data" in node


def walk(tree, path, where):
    """FORMAT.md 10.1 step 3: follow `path`, stepping into the `data` of an
    :external node (an external list already loaded) before each element."""
    node = tree
    for depth, element in enumerate(path):
        if isinstance(node, dict) and isinstance(node.get(FMT), str) and node[FMT].endswith(":external"):
            if "data" not in node:
                raise Failure(where, f"external node at {path_text(path[:depth])} has no data yet")
            node = node["data"]
        if isinstance(element, str):
            if not isinstance(node, dict) or element not in node:
                raise Failure(where, f"no key {element!r} at {path_text(path[:depth])}")
        elif isinstance(element, int) and not isinstance(element, bool):
            if not isinstance(node, list) or not 0 <= element < len(node):
                raise Failure(where, f"no index {element} at {path_text(path[:depth])}")
        else:
            raise Failure(where, f"path element {element!r} is neither a key nor an index")
        node = node[element]
    return node


# --- zip level ---------------------------------------------------------------


def check_zip(archive, expect, fails):
    """unzip and zipfile must both accept the archive; returns {name: bytes}."""
    run = subprocess.run(["unzip", "-tq", str(archive)], capture_output=True, text=True)
    if run.returncode != 0:
        fails.append(f"unzip -tq exited {run.returncode}: {(run.stdout + run.stderr).strip()}")
    with zipfile.ZipFile(archive) as zf:
        bad = zf.testzip()
        if bad is not None:
            fails.append(f"zipfile.testzip(): bad CRC in member {bad!r}")
        infos = zf.infolist()
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            fails.append("duplicate member names")
        if names[:2] != [META_MEMBER, MAIN_MEMBER]:
            fails.append(f"first members are {names[:2]}, expected [{META_MEMBER!r}, {MAIN_MEMBER!r}]")
        stored = set(expect.get("stored_members", []))
        for info in infos:
            if info.filename.endswith("/"):
                fails.append(f"{info.filename}: directory entry")
            deflated = expect["compress"] and info.filename not in stored
            method = zipfile.ZIP_DEFLATED if deflated else zipfile.ZIP_STORED
            if info.compress_type != method:
                fails.append(f"{info.filename}: compression method {info.compress_type}, expected {method}")
            utf8_flag = bool(info.flag_bits & 0x800)
            if utf8_flag != (not info.filename.isascii()):
                fails.append(f"{info.filename}: UTF-8 flag is {utf8_flag}")
        return names, {name: zf.read(name) for name in names}


# --- arrays ------------------------------------------------------------------


def check_nesting(data, shape, where):
    """`data` is nested lists mirroring `shape` (up to the first empty axis)."""
    if not shape:
        if isinstance(data, list):
            raise Failure(where, "list where an element was expected")
        return
    if not isinstance(data, list) or len(data) != shape[0]:
        got = f"length {len(data)}" if isinstance(data, list) else type(data).__name__
        raise Failure(where, f"nested lists do not match shape {shape}: {got} at an axis of {shape[0]}")
    for item in data:
        check_nesting(item, shape[1:], where)


def from_nested(data, dtype, shape, where, notes):
    """The reference's array_list_meta decode: np.array(data, dtype), shape checked."""
    arr = np.array(data, dtype=dtype)
    if arr.shape != tuple(shape):
        if 0 in shape and arr.size == 0:
            # Nested lists cannot carry axes after an empty one ([0, 3] -> []);
            # the reference writes the same and fails its own shape check.
            notes.append(f"{where}: empty {shape} does not survive nested lists (reference quirk)")
            return np.zeros(shape, dtype=dtype)
        raise Failure(where, f"np.array(data) has shape {list(arr.shape)}, expected {shape}")
    return arr


def decode_array(node, want, where, notes):
    """Builds the ndarray a reference reader gets from `node` in form `want['form']`."""
    form, dtype, shape = want["form"], want["dtype"], want["shape"]
    n_elements = 1
    for d in shape:
        n_elements *= d
    if form == "list":
        check_nesting(node, shape, where)
        return from_nested(node, dtype, shape, where, notes)
    if form == "bare_scalar":  # a 0-d array in list mode (muutils 0.9)
        if isinstance(node, (dict, list)):
            raise Failure(where, f"expected a bare scalar, found {type(node).__name__}")
        return np.array(node, dtype=dtype)
    if not isinstance(node, dict):
        raise Failure(where, f"expected an array object, found {type(node).__name__}")
    # A model's state_dict holds torch tensors, with torch's dtype names where
    # torch writes them (FORMAT.md §9: external and zero_dim).
    tensor = want.get("tensor", False)
    expected_fmt = ("torch.Tensor:" if tensor else "numpy.ndarray:") + form
    if node.get(FMT) != expected_fmt:
        raise Failure(where, f"format {node.get(FMT)!r}, expected {expected_fmt!r}")
    keys = [k for k in node if k != "data"] if form == "external" else list(node)
    if keys != (EXTERNAL_KEYS if form == "external" else ARRAY_KEYS):
        raise Failure(where, f"keys {keys}")
    json_dtype = "torch." + dtype if tensor and form in ("external", "zero_dim") else dtype
    if node["dtype"] != json_dtype:
        raise Failure(where, f"JSON dtype {node['dtype']!r}, expected {json_dtype!r}")
    if node["shape"] != shape:
        raise Failure(where, f"JSON shape {node['shape']}, expected {shape}")
    if node["n_elements"] != n_elements or isinstance(node["n_elements"], bool):
        raise Failure(where, f"n_elements {node['n_elements']!r}, expected {n_elements}")
    if "data" not in node:
        raise Failure(where, "no data (an external that was never loaded into the tree)")
    data = node["data"]
    if form == "external":
        ref = member_name(want["path"], "npy")
        if node["$ref"] != ref:
            raise Failure(where, f"$ref {node['$ref']!r}, expected {ref!r}")
        if not isinstance(data, np.ndarray):
            raise Failure(where, "external array was not resolved to an ndarray")
        if data.dtype != np.dtype(dtype):
            raise Failure(where, f".npy dtype {data.dtype}, expected {dtype}")
        if data.shape != tuple(shape):
            raise Failure(where, f".npy shape {list(data.shape)}, expected {shape}")
        return data
    if form == "array_list_meta":
        check_nesting(data, shape, where)
        return from_nested(data, dtype, shape, where, notes)
    if form == "zero_dim":
        arr = np.array(data, dtype=dtype)
        if arr.shape != ():
            raise Failure(where, f"zero_dim data has shape {list(arr.shape)}")
        return arr
    if not isinstance(data, str):
        raise Failure(where, f"{form} data is {type(data).__name__}, expected a string")
    if form == "array_hex_meta":
        if not re.fullmatch(r"[0-9a-f]*", data):
            raise Failure(where, "hex data is not lower-case hex")
        raw = bytes.fromhex(data)
    elif form == "array_b64_meta":
        try:
            raw = base64.b64decode(data, validate=True)
        except ValueError as e:
            raise Failure(where, f"invalid base64: {e}")
        if base64.b64encode(raw).decode("ascii") != data:
            raise Failure(where, "base64 data is not in canonical padded form")
    else:
        raise Failure(where, f"unknown form {form!r} in the expectation")
    return np.frombuffer(raw, dtype=dtype).reshape(shape)


def weighted_checksum(raw):
    """sum(b[i] * (i % 65521 + 1)) mod 2**64 -- the same sum write_samples computes."""
    b = np.frombuffer(raw, dtype=np.uint8).astype(np.uint64)
    weights = np.arange(len(b), dtype=np.uint64) % np.uint64(65521) + np.uint64(1)
    return int((b * weights).sum(dtype=np.uint64))


def check_array(tree, want, where, notes):
    arr = decode_array(walk(tree, want["path"], where), want, where, notes)
    if arr.dtype != np.dtype(want["dtype"]) or arr.shape != tuple(want["shape"]):
        raise Failure(where, f"decoded {arr.dtype} {list(arr.shape)}, expected {want['dtype']} {want['shape']}")
    raw = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
    if len(raw) != want["nbytes"]:
        raise Failure(where, f"{len(raw)} bytes of elements, expected {want['nbytes']}")
    for index, bits in want["probes"]:
        got = raw[index * arr.itemsize:(index + 1) * arr.itemsize].hex()
        if got != bits:
            raise Failure(where, f"element {index}: bits {got}, expected {bits} (value {arr.reshape(-1)[index]!r})")
    checksum = f"{weighted_checksum(raw):016x}"
    if checksum != want["checksum"]:
        raise Failure(where, f"element checksum {checksum}, expected {want['checksum']}")


# --- JSON values -------------------------------------------------------------


def same_json(got, want):
    """Equality that tells ints from floats and compares floats bit for bit."""
    if type(got) is not type(want):
        return False
    if isinstance(want, float):
        return struct.pack("<d", got) == struct.pack("<d", want)
    if isinstance(want, list):
        return len(got) == len(want) and all(same_json(g, w) for g, w in zip(got, want))
    if isinstance(want, dict):
        return list(got) == list(want) and all(same_json(got[k], want[k]) for k in want)
    return got == want


def same_cell(got, want):
    """A pandas cell against the expected JSON cell: null is any missing value
    (None, NaN); an int may come back as a float in a column with NaNs."""
    if want is None or (isinstance(want, float) and want != want):
        return bool(pd.isna(got))
    if pd.isna(got):
        return False
    if isinstance(want, bool):
        return isinstance(got, (bool, np.bool_)) and bool(got) == want
    if isinstance(want, int):
        return not isinstance(got, (bool, np.bool_)) and float(got) == float(want) and (
            not isinstance(got, (int, np.integer)) or int(got) == want)
    if isinstance(want, float):
        return isinstance(got, (float, np.floating)) and struct.pack("<d", float(got)) == struct.pack("<d", want)
    return got == want


def check_frame(tree, members, want, where, notes):
    """The DataFrame node (inline at the root, else external), read as the
    reference does -- pandas.DataFrame(records) -- and with pandas.read_json."""
    node = walk(tree, want["path"], where)
    columns, rows = want["columns"], json.loads(want["rows"])
    if want["path"]:
        ref = member_name(want["path"], "jsonl")
        if not isinstance(node, dict) or node.get(FMT) != "pandas.DataFrame:external" or node.get("$ref") != ref:
            raise Failure(where, f"expected a pandas.DataFrame:external node with $ref {ref!r}")
        if node.get("columns") != columns or node.get("len(data)") != len(rows):
            raise Failure(where, f"ref lists columns {node.get('columns')} and len(data) {node.get('len(data)')}")
    elif not isinstance(node, dict) or node.get(FMT) != "pandas.DataFrame" or node.get("columns") != columns:
        raise Failure(where, "expected an inline pandas.DataFrame node with the columns")
    records = node.get("data")
    if not isinstance(records, list) or len(records) != len(rows):
        raise Failure(where, f"expected {len(rows)} records")
    for i, (record, row) in enumerate(zip(records, rows)):
        if list(record) != columns or not same_json(list(record.values()), row):
            raise Failure(where, f"record {i} is {json.dumps(record)[:200]}, expected cells {json.dumps(row)[:200]}")
    if pd is None:
        notes.append(f"{where}: pandas is not installed; frame checked as JSON records only")
        return
    frames = [("pandas.DataFrame(records)", pd.DataFrame(records))]
    if want["path"]:
        # precise_float: pandas' default float parser is not correctly rounded.
        frames.append(("pandas.read_json", pd.read_json(io.BytesIO(members[ref]), lines=True, precise_float=True)))
    for label, df in frames:
        if len(rows) and (list(df.columns) != columns or len(df) != len(rows)):
            raise Failure(where, f"{label}: columns {list(df.columns)}, {len(df)} rows")
        for i, row in enumerate(rows):
            for column, expected in zip(columns, row):
                got = df[column].iloc[i]
                if not same_cell(got, expected):
                    raise Failure(where, f"{label}: row {i} column {column!r} is {got!r}, expected {expected!r}")


def check_expectations(tree, expect, name, notes, members=None):
    fails = []

    def attempt(section, entry, check):
        where = f"{name}:{path_text(entry['path'])}"
        try:
            check(where)
        except Failure as e:
            fails.append(f"[{section}] {e}")
        except Exception as e:  # a reader crash is a failure of this entry, not of the run
            fails.append(f"[{section}] {where}: {type(e).__name__}: {e}")

    for want in expect["arrays"]:
        attempt("array", want, lambda where, want=want: check_array(tree, want, where, notes))

    def check_list(where, want):
        node = walk(tree, want["path"], where)
        ref = member_name(want["path"], "jsonl")
        if not isinstance(node, dict) or node.get(FMT) != "list:external" or node.get("$ref") != ref:
            raise Failure(where, f"expected a list:external node with $ref {ref!r}")
        if not isinstance(node.get("data"), list) or len(node["data"]) != want["length"]:
            raise Failure(where, f"external list does not hold {want['length']} items")

    for want in expect["lists"]:
        attempt("list", want, lambda where, want=want: check_list(where, want))

    def check_value(where, want):
        got = walk(tree, want["path"], where)
        expected = json.loads(want["json"])
        if not same_json(got, expected):
            raise Failure(where, f"value {json.dumps(got)[:200]}, expected {want['json'][:200]}")

    for want in expect["values"]:
        attempt("value", want, lambda where, want=want: check_value(where, want))

    def check_string(where, want):
        got = walk(tree, want["path"], where)
        if not isinstance(got, str):
            raise Failure(where, f"expected a string, found {type(got).__name__}")
        expected = bytes.fromhex(want["utf8_hex"])
        try:
            got_bytes = got.encode("utf-8")
        except UnicodeEncodeError as e:  # lone surrogates from a bad \u escape
            raise Failure(where, f"string is not valid Unicode: {e}")
        if got_bytes != expected:
            raise Failure(where, f"string {got!r}, expected {expected.decode('utf-8')!r}")

    for want in expect["strings"]:
        attempt("string", want, lambda where, want=want: check_string(where, want))

    def check_keys(where, want):
        got = walk(tree, want["path"], where)
        if not isinstance(got, dict) or list(got) != want["keys"]:
            raise Failure(where, f"keys {list(got) if isinstance(got, dict) else got!r}, expected {want['keys']}")

    for want in expect["keys"]:
        attempt("keys", want, lambda where, want=want: check_keys(where, want))

    for want in expect.get("frames", []):
        attempt("frame", want, lambda where, want=want: check_frame(tree, members, want, where, notes))
    return fails


# --- one file ----------------------------------------------------------------


def load_member(name, item_type, data):
    """Step 2 of FORMAT.md 10.1; also checks the npy bytes are numpy's own."""
    if item_type == "npy":
        arr = np.load(io.BytesIO(data), allow_pickle=False)
        stream = io.BytesIO(data)
        version = np.lib.format.read_magic(stream)
        if version != (1, 0):
            raise Failure(name, f"npy version {version}, expected (1, 0)")
        _, fortran_order, _ = np.lib.format.read_array_header_1_0(stream)
        if fortran_order:
            raise Failure(name, "fortran_order is True for a C-order array")
        again = io.BytesIO()
        np.save(again, arr, allow_pickle=False)
        if again.getvalue() != data:
            ours = data[:data.find(b"\n") + 1]
            numpys = again.getvalue()[:again.getvalue().find(b"\n") + 1]
            raise Failure(name, f"bytes differ from numpy.save's: header {ours!r} vs {numpys!r}")
        return arr
    if item_type == "jsonl":
        text = data.decode("utf-8")
        if not text:
            return []
        if not text.endswith("\n"):
            raise Failure(name, "last line has no newline")
        items = []
        for number, line in enumerate(text[:-1].split("\n")):
            if not line:
                raise Failure(name, f"blank line {number}")
            if not line.isascii():
                raise Failure(name, f"line {number} is not pure ASCII")
            items.append(parse_json(line, f"{name} line {number}"))
        return items
    raise Failure(name, f"unknown item_type {item_type!r}")


def check_file(archive, expect):
    """All failures of one archive, as strings naming file and path; and notes."""
    name = archive.name
    fails, notes = [], []
    names, members = check_zip(archive, expect, fails)
    for member in (META_MEMBER, MAIN_MEMBER):
        if member not in members:
            return fails + [f"{name}: no member {member}"], notes
        if not members[member].isascii():
            fails.append(f"{name}:{member}: not pure ASCII")
    meta = parse_json(members[META_MEMBER].decode("utf-8"), f"{name}:{META_MEMBER}")
    tree = parse_json(members[MAIN_MEMBER].decode("utf-8"), f"{name}:{MAIN_MEMBER}")

    cfg = meta.get("zanj_cfg", {})
    if cfg.get("compress") != (8 if expect["compress"] else 0):
        fails.append(f"{name}:{META_MEMBER}: zanj_cfg.compress is {cfg.get('compress')!r}")
    if cfg.get("array_mode") != expect["array_mode"]:
        fails.append(f"{name}:{META_MEMBER}: zanj_cfg.array_mode is {cfg.get('array_mode')!r}")

    # Which externals exist: meta, archive and expectation must agree.
    info = meta.get("externals_info")
    if not isinstance(info, dict):
        return fails + [f"{name}:{META_MEMBER}: no externals_info object"], notes
    in_archive = set(names) - {META_MEMBER, MAIN_MEMBER}
    expected = set(expect["externals"])
    for label, found in (("externals_info", set(info)), ("archive", in_archive)):
        for missing in sorted(expected - found):
            fails.append(f"{name}: {missing} expected but not in {label}")
        for extra in sorted(found - expected):
            fails.append(f"{name}: {extra} in {label} but not expected")
    # A nested external is registered, hence written, before its parent list.
    position = {n: i for i, n in enumerate(names)}
    for parent in (n for n in names if n.endswith(".jsonl")):
        prefix = parent[:-len(".jsonl")] + "/"
        for child in names:
            if child.startswith(prefix) and position[child] > position[parent]:
                fails.append(f"{name}: {child} is written after its parent {parent}")

    # FORMAT.md 10.1 steps 2-3: load each external, then insert it by path.
    loaded = []
    for member, entry in info.items():
        try:
            item_type, path = entry["item_type"], entry["path"]
            if not path or not all(isinstance(p, str) or (isinstance(p, int) and not isinstance(p, bool)) for p in path):
                raise Failure(member, f"bad path {path!r}")
            if member_name(path, item_type) != member:
                raise Failure(member, f"path {path!r} gives member {member_name(path, item_type)!r}")
            if member not in members:
                raise Failure(member, "member listed in externals_info is missing")
            loaded.append((path, member, load_member(member, item_type, members[member])))
        except Failure as e:
            fails.append(f"{name}: {e}")
        except Exception as e:
            fails.append(f"{name}: {member}: {type(e).__name__}: {e}")
    for path, member, payload in sorted(loaded, key=lambda item: len(item[0])):
        try:
            node = walk(tree, path, f"{name}:{member}")
            if not isinstance(node, dict) or node.get("$ref") != member:
                raise Failure(f"{name}:{path_text(path)}", f"node's $ref is not {member!r}")
            node["data"] = payload
        except Failure as e:
            fails.append(str(e))

    fails += check_expectations(tree, expect, name, notes, members)
    return fails, notes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writer", help="run this write_samples binary into FOLDER first")
    parser.add_argument("folder", type=pathlib.Path)
    args = parser.parse_args()

    global np
    try:
        import numpy
        np = numpy
    except ImportError:
        print(f"ZANJ_INTEROP_SKIPPED: {sys.executable} has no numpy (install python3-numpy)")
        return 0
    global pd
    try:
        import pandas
        pd = pandas
    except ImportError:
        pass  # frames are then checked as JSON only, with a note
    if shutil.which("unzip") is None:
        print("ZANJ_INTEROP_SKIPPED: unzip is not installed")
        return 0

    if args.writer:
        run = subprocess.run([args.writer, str(args.folder)], capture_output=True, text=True)
        if run.returncode != 0:
            print(f"write_samples failed (exit {run.returncode}):\n{run.stdout}{run.stderr}")
            print("0 passed, 1 failed")
            return 1

    archives = sorted(args.folder.glob("*.zanj"))
    if not archives:
        print(f"no .zanj files in {args.folder}")
        print("0 passed, 1 failed")
        return 1
    passed = failed = 0
    for archive in archives:
        expect_file = archive.with_name(archive.name[:-len(".zanj")] + ".expect.json")
        try:
            expect = json.loads(expect_file.read_text(encoding="utf-8"))
            fails, notes = check_file(archive, expect)
            summary = (f"{len(expect['arrays'])} arrays, {len(expect['lists'])} lists, "
                       f"{len(expect['values']) + len(expect['strings'])} values, {len(expect['keys'])} key orders, "
                       f"{len(expect.get('frames', []))} frames")
        except Exception as e:  # unreadable expectation, zip or JSON: the file fails
            fails, notes, summary = [f"{archive.name}: {type(e).__name__}: {e}"], [], "not checked"
        if fails:
            failed += 1
            print(f"FAIL {archive.name} ({summary})")
            for line in fails[:40]:
                print(f"    {line}")
            if len(fails) > 40:
                print(f"    ... and {len(fails) - 40} more")
        else:
            passed += 1
            print(f"ok   {archive.name} ({summary}, {len(expect['externals'])} externals)")
        for line in notes:
            print(f"    note: {line}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
