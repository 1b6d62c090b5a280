"""Russian named entities with natasha (its models ship in the navec and slovnet packages).

The models load once, on first use (about 0.7 s); nothing is downloaded.
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["russian_entities"]


@functools.cache
def _models() -> tuple[Any, Any]:
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    return Segmenter(), NewsNERTagger(NewsEmbedding())


def russian_entities(text: str) -> list[tuple[str, int, int]]:
    """(type, start, stop) of each PER, LOC and ORG entity natasha finds in ``text``.

    Examples
    --------
    >>> russian_entities("Литва запретила транзит в Калининград")
    [('LOC', 0, 5), ('LOC', 26, 37)]
    """
    from natasha import Doc

    segmenter, tagger = _models()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    return [(span.type, span.start, span.stop) for span in doc.spans]
