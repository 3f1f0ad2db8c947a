"""A small ONNX interpreter in numpy, the oracle for the export parity tests where onnxruntime's Python package is not
installed (Debian 12 has none). It runs the operators the exported compact models use, with ONNX's semantics
(https://onnx.ai/onnx/operators/), and raises on any other."""

from __future__ import annotations

import numpy as np
import onnx
from numpy.lib.stride_tricks import sliding_window_view
from onnx import numpy_helper


def _attrs(node) -> dict:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _conv(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, a: dict) -> np.ndarray:
    dims = w.ndim - 2
    if a.get("group", 1) != 1 or any(d != 1 for d in a.get("dilations", [1] * dims)):
        raise NotImplementedError("grouped or dilated Conv")
    pads = a.get("pads", [0] * 2 * dims)
    strides = a.get("strides", [1] * dims)
    x = np.pad(x, [(0, 0), (0, 0)] + [(pads[i], pads[i + dims]) for i in range(dims)])
    windows = sliding_window_view(x, w.shape[2:], axis=tuple(range(2, 2 + dims)))
    windows = windows[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in strides)]
    # windows: (N, Cin, *out, *kernel); contract Cin and the kernel axes with w (Cout, Cin, *kernel)
    axes_x = [1] + list(range(2 + dims, 2 + 2 * dims))
    out = np.tensordot(windows, w, axes=(axes_x, [1] + list(range(2, 2 + dims))))  # (N, *out, Cout)
    out = np.moveaxis(out, -1, 1)
    return out + b.reshape((1, -1) + (1,) * dims) if b is not None else out


def _pad(x: np.ndarray, pads: np.ndarray, value, mode: str) -> np.ndarray:
    n = x.ndim
    widths = [(int(pads[i]), int(pads[i + n])) for i in range(n)]
    if mode == "edge":
        return np.pad(x, widths, mode="edge")
    if mode == "constant":
        return np.pad(x, widths, mode="constant", constant_values=0 if value is None else value)
    raise NotImplementedError(f"Pad mode {mode}")


def _reshape(x: np.ndarray, shape: np.ndarray) -> np.ndarray:
    target = [x.shape[i] if int(s) == 0 else int(s) for i, s in enumerate(shape)]
    return x.reshape(target)


def _slice(x, starts, ends, axes=None, steps=None):
    axes = range(len(starts)) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    index = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        index[int(a)] = slice(int(s), int(min(e, np.iinfo(np.int64).max)), int(st))
    return x[tuple(index)]


def _div(a, b):
    return a // b if np.issubdtype(np.asarray(a).dtype, np.integer) else a / b


def run(path: str, inputs: dict[str, np.ndarray]) -> list[np.ndarray]:
    """Runs the ONNX model at ``path`` on ``inputs`` (float64 arithmetic for float tensors); returns its outputs."""
    model = onnx.load(path)
    values: dict[str, np.ndarray] = {t.name: numpy_helper.to_array(t).astype(np.float64)
                                     if numpy_helper.to_array(t).dtype == np.float32 else numpy_helper.to_array(t)
                                     for t in model.graph.initializer}
    values.update({k: v.astype(np.float64) for k, v in inputs.items()})
    for node in model.graph.node:
        a = _attrs(node)
        ins = [values[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Constant":
            out = numpy_helper.to_array(a["value"])
            out = out.astype(np.float64) if out.dtype == np.float32 else out
        elif op == "Conv":
            out = _conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)
        elif op == "Shape":
            out = np.array(ins[0].shape, dtype=np.int64)
        elif op == "Gather":
            out = np.take(ins[0], ins[1], axis=a.get("axis", 0))
        elif op == "Unsqueeze":
            out = ins[0]
            for axis in sorted(int(v) % (out.ndim + len(ins[1])) for v in ins[1]):
                out = np.expand_dims(out, axis)
        elif op == "Concat":
            out = np.concatenate([np.atleast_1d(v) for v in ins], axis=a["axis"])
        elif op == "Cast":
            out = ins[0].astype({1: np.float64, 6: np.int32, 7: np.int64, 9: np.bool_, 11: np.float64}[a["to"]])
        elif op == "Reshape":
            out = _reshape(ins[0], ins[1])
        elif op == "Transpose":
            out = np.transpose(ins[0], a.get("perm"))
        elif op == "Slice":
            out = _slice(*ins)
        elif op == "Add":
            out = ins[0] + ins[1]
        elif op == "Mul":
            out = ins[0] * ins[1]
        elif op == "Div":
            out = _div(ins[0], ins[1])
        elif op == "Sigmoid":
            out = 1.0 / (1.0 + np.exp(-ins[0]))
        elif op == "ReduceSum":
            axes = tuple(int(v) for v in ins[1]) if len(ins) > 1 and ins[1] is not None else None
            out = np.sum(ins[0], axis=axes, keepdims=bool(a.get("keepdims", 1)))
        elif op == "ConstantOfShape":
            value = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
            out = np.full(tuple(int(v) for v in ins[0]), value.reshape(-1)[0], dtype=value.dtype)
        elif op == "Pad":
            out = _pad(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a.get("mode", b"constant").decode()
                       if isinstance(a.get("mode", b"constant"), bytes) else a.get("mode"))
        else:
            raise NotImplementedError(f"ONNX operator {op}")
        values[node.output[0]] = out
    return [values[o.name] for o in model.graph.output]
