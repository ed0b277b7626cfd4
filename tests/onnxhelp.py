"""Tiny real ONNX embedding models for the ONNX tests: an embedding table as a graph (``Gather``,
then the attention mask applied, as a transformer's ``last_hidden_state``) and a word-level
``tokenizer.json``, so pooling, tokenisation and export handling are checked exactly, without torch."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np


def save_embedding_model(table: np.ndarray, path: Path) -> Path:
    """Write ``last_hidden_state = table[input_ids] * attention_mask`` as an ONNX model at ``path``."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes = [
        helper.make_node("Gather", ["table", "input_ids"], ["emb"]),
        helper.make_node("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["maskf", "axis"], ["mask3"]),
        helper.make_node("Mul", ["emb", "mask3"], ["last_hidden_state"]),
    ]
    dim = int(table.shape[1])
    graph = helper.make_graph(
        nodes,
        "tiny",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"]),
        ],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", dim])],
        initializer=[
            numpy_helper.from_array(table, "table"),
            numpy_helper.from_array(np.array([2], dtype=np.int64), "axis"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save_model(model, str(path))
    return path


def save_word_tokenizer(folder: Path, words: Sequence[str]) -> Path:
    """A whitespace word-level ``tokenizer.json`` in ``folder`` (ids in the order of ``words``)."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    folder.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    path = folder / "tokenizer.json"
    tok.save(str(path))
    return path
