"""Saving a large ONNX model as files that each stay under a size cap (the repository's 100 MiB per file).

ONNX keeps tensors over 2 GB, or any chosen ones, in external data files named relative to the model; ONNX Runtime
opens them from the model's folder. One file would be too big for the quantized SmolLM2 bundle (~135 MB), so the
tensors are spread first-fit over as many files as needed.
"""
from __future__ import annotations

import os

import onnx


def save_split(model: onnx.ModelProto, path: str, max_file_bytes: int = 95 * 2**20) -> list[str]:
    """Saves the graph to `path` and its large tensors to `<path>.data0`, `.data1`, ... each under the cap
    (first-fit, largest tensors first). -> the data file names, which ONNX Runtime finds beside the model."""
    from onnx.external_data_helper import set_external_data
    base, folder = os.path.basename(path), os.path.dirname(path) or "."
    files: list[dict] = []
    try:
        for t in sorted(model.graph.initializer, key=lambda t: -len(t.raw_data)):
            size = len(t.raw_data)
            if size < 1024:
                continue
            if size > max_file_bytes:
                raise ValueError(f"tensor {t.name} alone is {size} bytes, over the {max_file_bytes}-byte cap")
            f = next((f for f in files if f["used"] + size <= max_file_bytes), None)
            if f is None:
                name = f"{base}.data{len(files)}"
                f = {"name": name, "used": 0, "handle": open(os.path.join(folder, name), "wb")}
                files.append(f)
            set_external_data(t, location=f["name"], offset=f["used"], length=size)
            f["handle"].write(t.raw_data)
            t.ClearField("raw_data")
            t.data_location = onnx.TensorProto.EXTERNAL
            f["used"] += size
    finally:
        for f in files:
            f["handle"].close()
    onnx.save_model(model, path)
    return [f["name"] for f in files]
