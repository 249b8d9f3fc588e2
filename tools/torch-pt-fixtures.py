"""Writes test/fixtures/torch-pt/*.pt, the inputs of test/export/torchPickle.test.ts (attn's reader of
torch.save files, src/workflows/export/torchPickle.ts), and expected.json with the tensors the good
ones hold. Needs PyTorch (Debian: python3-torch); run from the repository root:

    /usr/bin/python3 tools/torch-pt-fixtures.py
"""
import collections
import io
import json
import os
import pickle
import zipfile

import torch

OUT = os.path.join("test", "fixtures", "torch-pt")
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(0)


def save(name, obj):
    torch.save(obj, os.path.join(OUT, name))


def rezip(src, dst, compression):
    """The same archive with another compression (torch itself always stores)."""
    with zipfile.ZipFile(os.path.join(OUT, src)) as z, zipfile.ZipFile(os.path.join(OUT, dst), "w", compression) as w:
        for info in z.infolist():
            w.writestr(info.filename, z.read(info.filename))


def handmade(name, pkl):
    """A torch.save-shaped archive whose data.pkl is the given bytes."""
    with zipfile.ZipFile(os.path.join(OUT, name), "w", zipfile.ZIP_STORED) as w:
        w.writestr("archive/data.pkl", pkl)
        w.writestr("archive/version", "3\n")


# A real state_dict (OrderedDict with _metadata, via BUILD): Linear + LayerNorm + a 3-D parameter.
module = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.LayerNorm(2))
module.register_parameter("cube", torch.nn.Parameter(torch.randn(2, 1, 3)))
state = module.state_dict()
save("state_dict.pt", state)
# A plain dict of tensors sharing one storage (offsets), and a 0-d tensor.
base = torch.arange(10, dtype=torch.float32) / 4
save("shared.pt", {"first": base[:4].view(2, 2), "rest": base[4:], "scalar": torch.tensor(2.5)})
rezip("state_dict.pt", "deflated.pt", zipfile.ZIP_DEFLATED)
# ZIP64 records (torch writes them for archives past 4 GiB): the same archive, every entry forced to ZIP64.
with zipfile.ZipFile(os.path.join(OUT, "state_dict.pt")) as z, zipfile.ZipFile(os.path.join(OUT, "zip64.pt"), "w", zipfile.ZIP_STORED) as w:
    for info in z.infolist():
        with w.open(zipfile.ZipInfo(info.filename), "w", force_zip64=True) as f:
            f.write(z.read(info.filename))
expected = {
    "state_dict.pt": {k: {"shape": list(v.shape), "data": v.flatten().tolist()} for k, v in state.items()},
    "shared.pt": {"first": {"shape": [2, 2], "data": base[:4].tolist()}, "rest": {"shape": [6], "data": base[4:].tolist()}, "scalar": {"shape": [], "data": [2.5]}},
}
json.dump(expected, open(os.path.join(OUT, "expected.json"), "w"), indent=1)

# Refused: float64, a non-contiguous view, an nn.Parameter (another global), a list, an unknown opcode.
save("float64.pt", {"w": torch.ones(2, dtype=torch.float64)})
save("transposed.pt", {"w": torch.arange(6, dtype=torch.float32).view(2, 3).t()})
save("parameter.pt", {"w": torch.nn.Parameter(torch.ones(2))})
save("list.pt", {"w": [1.5, 2.5]})
handmade("opcode.pt", b"\x80\x02}q\x00X\x01\x00\x00\x00wq\x01U\x03abcq\x02s.")  # SHORT_BINSTRING
