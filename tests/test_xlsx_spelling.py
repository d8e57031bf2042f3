"""The part-by-part write's own spelling of what openpyxl spells (``xlsx_spelling``, the
number formats of ``xlsx_styles``) and its reading of style elements (``xlsx_shown``), held
to openpyxl's own over generated inputs: a cell it writes must read back as openpyxl would
have left it, and a format it reuses must be one openpyxl reads as the one it wanted."""

from __future__ import annotations

import random
import re
import string
from datetime import datetime, timedelta
from xml.etree.ElementTree import Element, fromstring, tostring

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.styles.colors import Color
from openpyxl.styles.fills import Fill
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, to_excel

from syncer.backends import xlsx_spelling, xlsx_styles
from syncer.backends.xlsx_shown import shown


def _same(ours, theirs, *args):
    """Both give the same answer, or both refuse (ValueError)."""
    try:
        expected = theirs(*args)
    except ValueError:
        with pytest.raises(ValueError):
            ours(*args)
        return
    assert ours(*args) == expected


def test_column_letters_are_openpyxls_for_every_column():
    for index in range(1, xlsx_spelling.MAX_COLUMN + 1):
        letters = get_column_letter(index)
        assert xlsx_spelling.column_letter(index) == letters
        assert xlsx_spelling.column_index(letters) == index
    for index in (0, -1, xlsx_spelling.MAX_COLUMN + 1):
        _same(xlsx_spelling.column_letter, get_column_letter, index)


@given(st.text(string.ascii_letters + "0$:[ ", max_size=5))
def test_column_names_read_as_openpyxl_reads_them(text):
    _same(xlsx_spelling.column_index, column_index_from_string, text)


_ref = st.one_of(
    st.from_regex(r"\A\$?[A-Za-z]{0,3}\$?[0-9]{0,7}(:\$?[A-Za-z]{0,3}\$?[0-9]{0,7})?\Z"),
    st.text("AZaz019:$ \n", max_size=12),
)


@given(_ref)
def test_ranges_read_as_openpyxl_reads_them(text):
    _same(xlsx_spelling.range_bounds, range_boundaries, text)


@given(st.one_of(st.floats(), st.integers(-(10**20), 10**20)))
def test_numbers_are_spelled_as_openpyxl_spells_them(number):
    assert xlsx_spelling.number_text(number) == safe_string(number)


_moment = st.datetimes(datetime(1899, 12, 31), datetime(2100, 1, 1))


@given(
    st.one_of(_moment, _moment.map(datetime.date), st.times(), st.timedeltas(-timedelta(days=999))),
    st.sampled_from([WINDOWS_EPOCH, MAC_EPOCH]),
)
def test_date_serials_count_as_openpyxls_from_the_workbooks_first_day(value, epoch):
    assert xlsx_spelling.excel_serial(value, epoch) == to_excel(value, epoch)


@given(st.text(st.characters(max_codepoint=0x7F)))
def test_the_characters_a_cell_cannot_hold_are_openpyxls(text):
    assert xlsx_spelling.ILLEGAL_CHARACTERS.sub("", text) == ILLEGAL_CHARACTERS_RE.sub("", text)


@given(st.one_of(st.sampled_from(list(BUILTIN_FORMATS.values())), st.text('dmyhs0#.;"[]\\_ @')))
def test_date_formats_are_openpyxls(code):
    assert xlsx_styles.is_date_format(code) == is_date_format(code)


def test_the_built_in_formats_are_openpyxls():
    assert xlsx_styles.BUILTIN_FORMATS == BUILTIN_FORMATS


# --- style elements by what they show --------------------------------------------------------

_COLOURS = [Color(), Color("FF0000"), Color("00FF0000"), Color(theme=1), Color(theme=1, tint=0.5),
            Color(indexed=8), Color(auto=True)]  # fmt: skip
_FONTS = {
    "name": [None, "Arial", "Calibri"],
    "sz": [None, 10, 12],
    "b": [None, True, False],
    "i": [None, True],
    "strike": [None, True, False],
    "u": [None, "single", "double"],
    "color": [None, *_COLOURS],
    "scheme": [None, "minor"],
    "family": [None, 2],
}
_FILLS = {"patternType": [None, "solid", "gray125"], "fgColor": _COLOURS, "bgColor": _COLOURS}
_ALIGNMENTS = {
    "horizontal": [None, "center", "general"],
    "vertical": [None, "top", "center"],
    "wrap_text": [None, True, False],
    "indent": [0, 1],
    "textRotation": [0, 90],
}
_PROTECTIONS = {"locked": [True, False], "hidden": [True, False]}
_DEFAULTS = {
    "font": {"i": "0", "b": "false", "u": "none", "vertAlign": "none"},
    "alignment": {"textRotation": "0", "indent": "0", "wrapText": "0", "readingOrder": "0"},
    "protection": {"locked": "1", "hidden": "0"},
}
"""What a spreadsheet may spell out that openpyxl reads as not being there."""


def _respelled(el: Element, rng: random.Random) -> Element:
    """``el`` as another program may write it: attributes and children in another order,
    flags spelled otherwise, numbers with a decimal point, defaults spelled out."""
    tag = el.tag.rpartition("}")[2]
    attrs = dict(el.attrib)
    for name, value in _DEFAULTS.get(tag, {}).items():
        if name not in attrs and rng.random() < 0.5 and tag != "font":
            attrs[name] = value
    if "val" in attrs and attrs["val"] == "1" and rng.random() < 0.5:
        attrs["val"] = rng.choice(["true", "1"])
    for name, value in attrs.items():
        decimal = (tag, name) in (("sz", "val"), ("family", "val"), ("alignment", "indent"))
        if decimal and re.fullmatch(r"-?\d+", value) and rng.random() < 0.5:
            attrs[name] = value + ".0"
        elif value in ("1", "true") and name in ("wrapText", "locked", "hidden", "auto"):
            attrs[name] = rng.choice(["1", "true"])
    items = list(attrs.items())
    rng.shuffle(items)
    new = Element(el.tag, dict(items))
    children = [_respelled(child, rng) for child in el]
    if tag == "font":
        present = {child.tag for child in children}
        children += [
            Element(name, val=value)
            for name, value in _DEFAULTS["font"].items()
            if name not in present and rng.random() < 0.5
        ]
    rng.shuffle(children)
    new.extend(children)
    return new


def _spelled_both_ways(item, rng: random.Random) -> tuple[bytes, bytes]:
    el = item.to_tree()
    return tostring(el), tostring(_respelled(el, rng))


@pytest.mark.parametrize(
    "kind, fields, reader",
    [
        (Font, _FONTS, Font.from_tree),
        (PatternFill, _FILLS, Fill.from_tree),
        (Alignment, _ALIGNMENTS, Alignment.from_tree),
        (Protection, _PROTECTIONS, Protection.from_tree),
    ],
    ids=["font", "fill", "alignment", "protection"],
)
@given(data=st.data())
def test_two_style_elements_show_alike_exactly_when_openpyxl_reads_them_alike(
    kind, fields, reader, data
):
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    values = {name: data.draw(st.sampled_from(options)) for name, options in fields.items()}
    other = dict(values)  # the same but for one field, often: the differences that matter
    changed = data.draw(st.sampled_from(sorted(fields)))
    other[changed] = data.draw(st.sampled_from(fields[changed]))
    first, second = kind(**values), kind(**other)
    spellings = [*_spelled_both_ways(first, rng), *_spelled_both_ways(second, rng)]
    read = [reader(fromstring(xml)) for xml in spellings]
    assert read[0] == read[1] and read[2] == read[3]  # the respelling changes nothing
    forms = [shown(fromstring(xml)) for xml in spellings]
    assert forms[0] == forms[1] and forms[2] == forms[3]
    assert (forms[0] == forms[2]) == (read[0] == read[2])
