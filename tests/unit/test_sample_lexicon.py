"""The sample shop's own colloquial file: 바로마켓's customers call its 적립금 포인트."""

from __future__ import annotations

from pathlib import Path

from ingest.sample import SAMPLE_LEXICON, install_sample_lexicon
from korean.lexicon import load_lexicon


def test_the_sample_file_groups_points_with_its_reward_money() -> None:
    lexicon = load_lexicon(SAMPLE_LEXICON)
    assert any({"포인트", "적립금"} <= group for group in lexicon.synonyms)
    # the bundled lexicon alone leaves them apart (many shops run both)
    assert not any({"포인트", "적립금"} <= group for group in load_lexicon(None).synonyms)


def test_it_is_installed_once_and_never_over_the_owners_file(tmp_path: Path) -> None:
    target = tmp_path / "data" / "colloquial.tsv"
    assert install_sample_lexicon(target)
    assert target.read_bytes() == SAMPLE_LEXICON.read_bytes()
    target.write_text("=\t후기\n", encoding="utf-8")
    assert not install_sample_lexicon(target)
    assert target.read_text(encoding="utf-8") == "=\t후기\n"
