"""The GeoJSON scan for CRS links GDAL would fetch: every spelling GDAL accepts is found, wherever it sits and
however the file is cut into chunks; CRS names and look-alike properties are left alone."""

import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from layers.io.geojson_crs import crs_link

ADDRESS = "http://example.invalid/crs.wkt"
FEATURE = '{"type": "Feature", "properties": {"crs": "EPSG:4326", "name": "pole"}, ' \
          '"geometry": {"type": "Point", "coordinates": [113.3, 23.1]}}'


def _key(spelling: list[str]) -> str:
    """"crs" with each letter as given: 'l' lower, 'u' upper, 'e' a \\u escape of the lower-case letter."""
    letters = []
    for letter, how in zip("crs", spelling, strict=True):
        letters.append({"l": letter, "u": letter.upper(), "e": f"\\u{ord(letter):04x}"}[how])
    return '"' + "".join(letters) + '"'


def _document(crs_type: str, spelling: list[str], padding: int, before: int, after: int, where: str) -> str:
    crs = json.dumps({"type": crs_type, "properties": {"href": ADDRESS, "name": "EPSG:4326", "code": 4326}})
    member = _key(spelling) + " " * padding + ":" + " " * padding + crs
    features = [FEATURE] * before + [FEATURE] * after
    if where == "geometry":
        geometry = '{"type": "Point", "coordinates": [113.3, 23.1], ' + member + "}"
        features.insert(before, '{"type": "Feature", "properties": {}, "geometry": ' + geometry + "}")
        return '{"type": "FeatureCollection", "features": [' + ", ".join(features) + "]}"
    head = ", ".join([FEATURE] * before)
    tail = ", ".join([FEATURE] * after)
    return '{"type": "FeatureCollection", "features": [' + head + "], " + member + ', "more": [' + tail + "]}"


def _read_in_pieces(text: str, piece: int):
    stream = io.BytesIO(text.encode())
    return lambda size: stream.read(min(size, piece))


@settings(max_examples=150, deadline=None)
@given(crs_type=st.sampled_from(["link", "LINK", "Link", "url", "URL", "linked", "name", "EPSG", "OGC", "crs"]),
       spelling=st.lists(st.sampled_from("lue"), min_size=3, max_size=3),
       padding=st.integers(0, 40), before=st.integers(0, 30), after=st.integers(0, 30),
       where=st.sampled_from(["top", "geometry"]), piece=st.integers(1, 4096))
def test_a_link_is_found_in_any_spelling_place_and_chunking(crs_type, spelling, padding, before, after, where,
                                                            piece):
    text = _document(crs_type, spelling, padding, before, after, where)
    json.loads(text)                                   # the generated document is valid JSON
    expected = ADDRESS if crs_type.upper().startswith(("URL", "LINK")) else None
    assert crs_link(io.BytesIO(text.encode()).read) == expected
    assert crs_link(_read_in_pieces(text, piece)) == expected


def test_a_link_after_megabytes_of_features_is_found():
    text = _document("link", list("lll"), 0, 20_000, 0, "top")
    assert len(text) > 2_000_000                       # beyond the scan's 1 MB chunks
    assert crs_link(io.BytesIO(text.encode()).read) == ADDRESS


def test_a_crs_member_padded_past_what_can_be_checked_counts_as_a_link():
    text = '{"type": "FeatureCollection", "crs": {"type": "name",' + " " * 70_000 + '"properties": {}}, "features": []}'
    assert crs_link(io.BytesIO(text.encode()).read) is not None


def test_a_crs_member_nested_thousands_deep_counts_as_a_link_not_a_crash():
    text = b'{"crs": ' + b'{"a": ' * 10_000 + b"1" + b"}" * 10_000 + b', "features": []}'
    assert crs_link(io.BytesIO(text).read) is not None


def test_geojson_without_a_crs_link_passes():
    plain = '{"type": "FeatureCollection", "features": [' + FEATURE + "]}"
    assert crs_link(io.BytesIO(plain.encode()).read) is None
    assert crs_link(io.BytesIO(b"").read) is None
