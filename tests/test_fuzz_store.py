"""Property-based fuzz of the store loader: whatever the file holds, opening it, reading every
entry and writing it back gives a store or a `StoreError`, never a traceback. Bounded by FUZZ."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.errors import StoreError
from readlist.store import open_store

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)
_PART = st.one_of(
    _JSON,
    st.dictionaries(st.sampled_from(["1", "2", "x"]), _JSON, max_size=2),
    st.just({"1": {"schema": 1}}),
    st.just({"1": {"schema": 10**21}}),
)
_ENTRY = st.fixed_dictionaries(
    {"key": st.one_of(st.text(max_size=4), _JSON), "title": st.one_of(st.text(max_size=4), _JSON)},
    optional={"authors": _JSON, "tags": _JSON, "notes": _JSON, "log": _JSON, "sightings": _JSON, "status": _JSON},
)


@st.composite
def store_files(draw: st.DrawFn) -> bytes:
    if draw(st.booleans()):
        return draw(st.binary(max_size=40))
    data = {
        "meta": draw(st.one_of(st.just({"1": {"schema": 1}}), _PART)),
        "entries": draw(st.one_of(st.dictionaries(st.sampled_from(["1", "2"]), _ENTRY, max_size=2), _PART)),
    }
    if draw(st.booleans()):
        data["removed"] = draw(st.one_of(st.dictionaries(st.sampled_from(["1", "2"]), _JSON, max_size=2), _PART))
    return json.dumps(data).encode()


@FUZZ
@given(content=store_files())
def test_the_store_loader_never_raises_anything_but_a_store_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fuzz-store.json"
    path.write_bytes(content)
    try:
        with open_store(path) as store:
            store.entries()
            store.removed_papers()
        with open_store(path, write=True) as store:
            store.remove(store.keys()[:1], "2024-01-01T00:00:00+00:00")
    except StoreError:
        pass
