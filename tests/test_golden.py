"""Rendered Markdown of a few representative pages, compared with reviewed golden files.

After an intended change to templates or content, regenerate them with
``PAPERWIKI_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.model import Site
from generator.render import render_site

GOLDEN = Path(__file__).parent / "golden"
PAGES = [
    "papers/b-coder-value-based-deep-reinforcement-learning-for-program-synthesis.md",  # math
    "papers/damo-data-mixing-optimizer-in-fine-tuning-multimodal-llms-for-mobile-phone.md",  # org
    "papers/skill-targeted-adaptive-training.md",  # no metadata in its listing
    "topics/knowledge-distillation.md",
    "listings/knowledge-distillation.md",
]


@pytest.fixture(scope="module")
def rendered(site_model: Site) -> dict[str, str]:
    return render_site(site_model)


@pytest.mark.parametrize("page", PAGES)
def test_page_matches_golden_file(rendered: dict[str, str], page: str) -> None:
    golden = GOLDEN / page.replace("/", "__")
    if os.environ.get("PAPERWIKI_UPDATE_GOLDEN"):
        golden.write_text(rendered[page], "utf-8")
    assert rendered[page] == golden.read_text("utf-8")
