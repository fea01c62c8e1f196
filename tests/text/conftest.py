"""Generated corpora for the word-discovery tests (nothing is downloaded)."""

from __future__ import annotations

import pytest

from unsup.datasets import planted_lexicon_corpus


@pytest.fixture(scope="module")
def planted():
    return planted_lexicon_corpus()
