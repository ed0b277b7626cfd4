"""README.md stays true: the two commands come first and every setting is documented."""

from __future__ import annotations

from pathlib import Path

from indexes.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_starts_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    head = text[: text.index("## ")]
    assert "make run" in head and "make test" in head


def test_every_setting_is_documented() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`KMS_{name.upper()}`" not in text]
    assert not missing, f"settings missing from README.md: {missing} (run: python -m indexes.settings)"


def test_every_setting_has_a_description() -> None:
    assert all(f.description for f in Settings.model_fields.values())
