#!/usr/bin/python3
"""Opens the torch modules saved from C++ (write_torch_models) the way the
Python reference's `MyNN.read(path)` does, runs them in PyTorch and compares
their output with the one LibTorch computed.

    check_torch_models.py [--writer PATH_TO_write_torch_models] FOLDER

The Python zanj package is not installed here (and cannot be: no network),
so this script stands in for it, following FORMAT.md: externals are loaded
through `__zanj_meta__.json`'s externals_info and put into the tree at their
paths (§10.1, `$ref` checked); the model object is read as
ConfiguredModel.load does (§9): the config from `zanj_model_config`, a
torch.nn.Module of the same structure built from it, then
`load_state_dict(strict=True)` with the tensors of `state_dict` decoded as
the reference's torch.Tensor loader decodes them (§10.2). Uses zipfile, json,
numpy and torch; prints ZANJ_INTEROP_SKIPPED and exits 0 when numpy or torch
is missing. Prints one line per model, then "N passed, M failed".
"""

import argparse
import base64
import io
import json
import pathlib
import subprocess
import sys
import zipfile

FMT = "__muutils_format__"
MODEL_KEYS = ["zanj_model_config", "meta", "training_records", "state_dict", FMT]

np = None
torch = None


class Failure(Exception):
    pass


def walk(tree, path):
    """FORMAT.md 10.1 step 3: the node at `path`, stepping into the `data` of
    an :external node (an external list already loaded) before each element."""
    node = tree
    for element in path:
        if isinstance(node, dict) and str(node.get(FMT, "")).endswith(":external"):
            node = node["data"]
        node = node[element]
    return node


def read_tree(path):
    """The document with every external member's payload under its "data"."""
    with zipfile.ZipFile(path) as zf:
        meta = json.loads(zf.read("__zanj_meta__.json"))
        tree = json.loads(zf.read("__zanj__.json"))
        for name, info in sorted(meta["externals_info"].items(), key=lambda kv: len(kv[1]["path"])):
            raw = zf.read(name)
            if info["item_type"] == "npy":
                payload = np.load(io.BytesIO(raw), allow_pickle=False)
            else:
                payload = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
            node = walk(tree, info["path"])
            if node.get("$ref") != name:
                raise Failure(f"externals_info {name!r} points at a node whose $ref is {node.get('$ref')!r}")
            node["data"] = payload
    return tree


# The reference's torch dtype table (FORMAT.md 5.3): torch names and numpy names.
def torch_dtype(name):
    table = {
        "bool": torch.bool, "int8": torch.int8, "int16": torch.int16, "int32": torch.int32, "int64": torch.int64,
        "uint8": torch.uint8, "float16": torch.float16, "float32": torch.float32, "float64": torch.float64,
        "complex64": torch.complex64, "complex128": torch.complex128,
    }
    key = name[len("torch."):] if name.startswith("torch.") else name
    if key not in table:
        raise Failure(f"dtype {name!r} is not in the reference's torch table")
    return table[key]


def to_tensor(node, where):
    """The reference's torch.Tensor loader: decode by the format's suffix,
    check the shape, convert to the named dtype."""
    fmt = node.get(FMT, "")
    if not fmt.startswith("torch.Tensor:"):
        raise Failure(f"{where}: format {fmt!r}, expected a torch.Tensor form")
    mode = fmt.split(":", 1)[1]
    dtype = torch_dtype(node["dtype"])
    numpy_dtype = torch.empty((), dtype=dtype).numpy().dtype
    shape = tuple(node["shape"])
    if mode == "array_list_meta":
        arr = np.array(node["data"], dtype=numpy_dtype)
    elif mode in ("array_hex_meta", "array_b64_meta"):
        raw = bytes.fromhex(node["data"]) if mode == "array_hex_meta" else base64.b64decode(node["data"])
        arr = np.frombuffer(raw, dtype=numpy_dtype).reshape(shape)
    elif mode == "zero_dim":
        arr = np.array(node["data"], dtype=numpy_dtype)
    elif mode == "external":
        arr = node["data"]
        if not node["dtype"].startswith("torch."):
            raise Failure(f"{where}: external tensor with dtype {node['dtype']!r}, the reference writes torch.*")
    else:
        raise Failure(f"{where}: unknown tensor format {fmt!r}")
    if arr.shape != shape:
        raise Failure(f"{where}: data of shape {arr.shape}, the object says {shape}")
    return torch.tensor(arr, dtype=dtype)


# --- the model classes, as a Python user of the reference defines them ------


def build_mynn(cfg):
    """The reference README's MyNN: net = Sequential(Linear, act_fn(), Linear)."""
    class MyNN(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.net = torch.nn.Sequential(
                torch.nn.Linear(cfg["input_dim"], cfg["hidden_dim"]),
                getattr(torch.nn, cfg["act_fn"])(),  # the config's loading_fn
                torch.nn.Linear(cfg["hidden_dim"], cfg["output_dim"]),
            )

        def forward(self, x):
            return self.net(x)
    return MyNN()


def build_rich(cfg):
    """tests/torch_models.hpp's Rich, in PyTorch."""
    width = cfg["width"]

    class Rich(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = torch.nn.Parameter(torch.ones(3))
            self.register_buffer("step", torch.zeros((), dtype=torch.int64))
            self.body = torch.nn.Sequential(
                torch.nn.Linear(3, width), torch.nn.BatchNorm1d(width), torch.nn.ReLU(),
                torch.nn.Linear(width, 2, bias=False))
            self.head = torch.nn.Linear(2, 1)

        def forward(self, x):
            return self.head(self.body(x * self.scale))
    return Rich()


MODELS = {"MyNN": ("MyNNConfig", build_mynn), "Rich": ("RichConfig", build_rich)}


def read_model(path):
    """ConfiguredModel.read: the module built from the stored config, its
    state_dict loaded strictly. Returns (module, the stored object)."""
    obj = read_tree(path)
    if list(obj) != MODEL_KEYS:
        raise Failure(f"keys {list(obj)}, expected {MODEL_KEYS} in this order")
    class_name = obj[FMT]
    if class_name not in MODELS:
        raise Failure(f"unknown model class {class_name!r}")
    config_class, build = MODELS[class_name]
    cfg = obj["zanj_model_config"]
    if cfg.get(FMT) != f"{config_class}(SerializableDataclass)":
        raise Failure(f"zanj_model_config format {cfg.get(FMT)!r}")
    model = build(cfg)
    state = {name: to_tensor(node, f"state_dict/{name}") for name, node in obj["state_dict"].items()}
    model.load_state_dict(state, strict=True)  # raises on missing / unexpected keys and wrong shapes
    for name, tensor in model.state_dict().items():
        if tensor.dtype != state[name].dtype:
            raise Failure(f"{name}: stored {state[name].dtype}, the module has {tensor.dtype}")
    if list(model.state_dict()) != list(obj["state_dict"]):
        raise Failure(f"state_dict order {list(obj['state_dict'])}, PyTorch's is {list(model.state_dict())}")
    return model, obj


def check(path):
    model, obj = read_model(path)
    probe = read_tree(path.with_name(path.name[:-len(".zanj")] + ".probe.zanj"))
    x = to_tensor(probe["input"], "probe/input")
    expected = to_tensor(probe["output"], "probe/output")
    model.eval()
    with torch.no_grad():
        y = model(x)
    if y.shape != expected.shape:
        raise Failure(f"output of shape {tuple(y.shape)}, C++ gave {tuple(expected.shape)}")
    error = (y - expected).abs().max().item()
    if not error <= 1e-6:
        raise Failure(f"max |PyTorch - LibTorch| = {error}")
    externals = sum(1 for node in obj["state_dict"].values() if node[FMT].endswith(":external"))
    return (f"{obj[FMT]}, {len(obj['state_dict'])} tensors ({externals} external), "
            f"records {json.dumps(obj['training_records'])}, max |PyTorch - LibTorch| = {error:.3g}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writer", help="run this write_torch_models binary into FOLDER first")
    parser.add_argument("folder", type=pathlib.Path)
    args = parser.parse_args()

    global np, torch
    try:
        import numpy
        import torch as torch_module
    except ImportError as e:
        print(f"ZANJ_INTEROP_SKIPPED: {sys.executable} cannot import {e.name} (install python3-numpy, python3-torch)")
        return 0
    np, torch = numpy, torch_module

    if args.writer:
        run = subprocess.run([args.writer, str(args.folder)], capture_output=True, text=True)
        if run.returncode != 0:
            print(f"write_torch_models failed (exit {run.returncode}):\n{run.stdout}{run.stderr}")
            print("0 passed, 1 failed")
            return 1
    models = sorted(p for p in args.folder.glob("*.zanj") if not p.name.endswith(".probe.zanj"))
    if not models:
        print(f"no models in {args.folder}")
        print("0 passed, 1 failed")
        return 1
    passed = failed = 0
    for path in models:
        try:
            summary = check(path)
            passed += 1
            print(f"ok   {path.name}: {summary}")
        except Exception as e:  # a failed check, or the reference's own reader raising
            failed += 1
            print(f"FAIL {path.name}: {type(e).__name__}: {e}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
