#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into <out>/<target>/.

Usage: make_seeds.py <out> [<fixtures dir> | <corrupt-file corpus dir>...]

From each .zanj fixture (if the folder exists): the whole archive for
fuzz_zip_directory, its .npy members for fuzz_npy_header, its __zanj__.json
for fuzz_document_load (also a copy with every external's payload put
inline under "data", which the document target can load without the
archive). From the corrupt-file corpus (tests/corrupt, a folder with a
MANIFEST.tsv): its .zanj files for fuzz_zip_directory, its .npy files for
fuzz_npy_header. Plus hand-made seeds for each target. Standard library only
(numpy, when present, only for the inline copies of .npy payloads)."""
import hashlib
import io
import json
import pathlib
import struct
import sys
import zipfile

OUT = pathlib.Path(sys.argv[1])
TARGETS = ("fuzz_zip_directory", "fuzz_npy_header", "fuzz_document_load")


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = OUT / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def npy(descr, shape, payload=b"", version=1, fortran=False, extra_space=0):
    text = "{'descr': %r, 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)
    text += " " * extra_space
    head = b"\x93NUMPY" + bytes([version, 0])
    length_size = 2 if version == 1 else 4
    total = len(head) + length_size + len(text) + 1
    text += " " * (-total % 64) + "\n"
    fmt = "<H" if version == 1 else "<I"
    return head + struct.pack(fmt, len(text)) + text.encode("latin1" if version < 3 else "utf8") + payload


def inline_payloads(node, archive):
    """The document with each external's payload under "data"."""
    if isinstance(node, list):
        return [inline_payloads(x, archive) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: inline_payloads(v, archive) for k, v in node.items()}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref in archive.namelist():
        raw = archive.read(ref)
        if ref.endswith(".jsonl"):
            out["data"] = [json.loads(line) for line in raw.decode().splitlines() if line.strip()]
        elif ref.endswith(".npy"):
            try:
                import numpy
                out["data"] = numpy.load(io.BytesIO(raw), allow_pickle=False).tolist()
            except Exception:
                pass
    return out


def from_fixtures(folder):
    for path in sorted(pathlib.Path(folder).glob("*.zanj")):
        put("fuzz_zip_directory", path.read_bytes())
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith(".npy"):
                    put("fuzz_npy_header", archive.read(name))
            if "__zanj__.json" in archive.namelist():
                text = archive.read("__zanj__.json")
                put("fuzz_document_load", text)
                try:
                    inlined = json.dumps(inline_payloads(document := json.loads(text), archive), indent="\t")
                    if len(inlined) <= 64 * 1024 and document:  # big seeds only slow the fuzzer down
                        put("fuzz_document_load", inlined)
                except Exception:
                    pass


def hand_made():
    # .npy: versions 1-3, byte orders, Fortran order, 0-d, empty, bool, complex.
    put("fuzz_npy_header", npy("<f8", (2,), struct.pack("<2d", 1.5, -2.0)))
    put("fuzz_npy_header", npy(">i4", (2, 3), struct.pack(">6i", *range(6))))
    put("fuzz_npy_header", npy("<i2", (2, 3), struct.pack("<6h", *range(6)), fortran=True))
    put("fuzz_npy_header", npy("<f4", (), struct.pack("<f", 3.25)))
    put("fuzz_npy_header", npy("|b1", (0, 4)))
    put("fuzz_npy_header", npy("|u1", (3,), b"\x00\x01\xff", version=2))
    put("fuzz_npy_header", npy("<c8", (1,), struct.pack("<2f", 1.0, -1.0), version=3))
    put("fuzz_npy_header", npy("<f2", (2, 1, 1), b"\x00\x3c\x00\xc0", version=2, extra_space=70000))

    # __zanj__.json documents: every value kind and inline array encoding.
    documents = [
        {"name": "x", "count": 3, "flag": True, "labels": ["a", "b"], "groups": {"g": [1, 2]}, "note": None,
         "inner": {"depth": 1, "tag": "t", "weights": [0.5, 1e300], "where": {"x": 1.0, "y": -0.0}},
         "items": [{"depth": 2, "tag": "u", "weights": [], "where": None}]},
        [1.0, 2.5, -3, 18446744073709551615],
        {"__muutils_format__": "numpy.ndarray:array_list_meta", "data": [[1.0, 2.0], [3.0, 4.0]],
         "shape": [2, 2], "dtype": "float32", "n_elements": 4},
        {"__muutils_format__": "numpy.ndarray:zero_dim", "data": 1.5, "shape": [], "dtype": "float64",
         "n_elements": 1},
        {"__muutils_format__": "numpy.ndarray:array_hex_meta", "data": "0000803f00000040", "shape": [2],
         "dtype": "float32", "n_elements": 2},
        {"__muutils_format__": "numpy.ndarray:array_b64_meta", "data": "AACAPwAAAEA=", "shape": [2],
         "dtype": "float32", "n_elements": 2},
        {"__muutils_format__": "numpy.ndarray:external", "$ref": "a.npy", "shape": [2], "dtype": "float32",
         "n_elements": 2, "data": [1.0, 2.0]},
        {"__muutils_format__": "pandas.DataFrame:external", "$ref": "t.jsonl", "len(data)": 2,
         "columns": ["a", "b"], "data": [{"a": 1, "b": "x"}, {"a": None, "b": "y"}]},
        {"__muutils_format__": "list:external", "$ref": "l.jsonl", "data": [1, 2, 3]},
    ]
    for document in documents:
        put("fuzz_document_load", json.dumps(document, indent="\t"))
    put("fuzz_document_load", '{"a": NaN, "b": -Infinity, "c": "\\ud800", "a": 1e999}')

    # Archives: stored and deflated members, Zip64 extras, a .jsonl member.
    main = json.dumps({"v": {"__muutils_format__": "numpy.ndarray:external", "$ref": "v.npy", "shape": [2],
                             "dtype": "float64", "n_elements": 2},
                       "l": {"__muutils_format__": "list:external", "$ref": "l.jsonl"}}, indent="\t")
    for method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        for force_zip64 in (False, True):
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", compression=method) as archive:
                archive.writestr("__zanj_meta__.json", "{}")
                archive.writestr("__zanj__.json", main)
                with archive.open("v.npy", "w", force_zip64=force_zip64) as member:
                    member.write(npy("<f8", (2,), struct.pack("<2d", 1.0, 2.0)))
                archive.writestr("l.jsonl", '1\n"two"\n[3]\n')
            put("fuzz_zip_directory", buffer.getvalue())


def from_corrupt_corpus(folder):
    for path in sorted(pathlib.Path(folder).iterdir()):
        if path.suffix == ".zanj":
            put("fuzz_zip_directory", path.read_bytes())
        elif path.suffix == ".npy":
            put("fuzz_npy_header", path.read_bytes())


for arg in sys.argv[2:]:
    if (pathlib.Path(arg) / "MANIFEST.tsv").is_file():
        from_corrupt_corpus(arg)
    elif pathlib.Path(arg).is_dir():
        from_fixtures(arg)
hand_made()
for target in TARGETS:
    print(f"seeds: {target}: {len(list((OUT / target).iterdir()))}")
