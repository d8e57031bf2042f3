"""A style element of a workbook by what it shows: the form two fonts, fills, alignments
or protections share when they show alike, however they are spelled.

Attributes and children in any order, a flag spelled ``1``, ``true`` or left bare, a size
spelled ``10`` or ``10.0``, a value the element may leave out (no bold, no indent, a
cell locked) given or not: each is read as openpyxl reads it, so that two elements of
one form are ones openpyxl reads as equal, and the part-by-part write reuses a format a
workbook has (``xlsx_styles``) where a whole save would. What openpyxl does not read
(an attribute or child it does not know) is kept as it is spelled: an element that
differs there is taken for another, and a format the write needs is then added, never
one that shows otherwise reused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from xml.etree.ElementTree import Element

from syncer.backends.xlsx_spelling import number_text

Shown = tuple[object, ...]
"""An element by what it shows: hashable, equal for elements that show alike."""
_Read = Callable[[str | None], object]


def flag(text: str | None) -> object:
    """openpyxl's reading of a flag (anything but ``false``, ``f``, ``0`` or nothing is
    set); a bare flag element (``<b/>``) is set."""
    if text is None:
        return True
    return False if text in ("false", "f", "0") else bool(text)


def _choice(text: str | None) -> object:
    return None if text == "none" else text


def _underline(text: str | None) -> object:
    return "single" if text is None else _choice(text)


def _text(text: str | None) -> object:
    return text


def _number(kind: Callable[[str], object]) -> _Read:
    def read(text: str | None) -> object:
        try:
            return None if text is None else kind(text)
        except ValueError:
            return text

    return read


_int, _float = _number(int), _number(float)
_FONT: dict[str, tuple[_Read, object]] = {
    "name": (_text, None),
    "charset": (_int, None),
    "family": (_float, None),
    "sz": (_float, None),
    "b": (flag, False),
    "i": (flag, False),
    **{name: (flag, None) for name in ("strike", "outline", "shadow", "condense", "extend")},
    "u": (_underline, None),
    "vertAlign": (_choice, None),
    "scheme": (_choice, None),
}
"""A font's children (each with its value in ``val``): how openpyxl reads the value, and
the value it reads when the child is not there."""
_ALIGNMENT: dict[str, tuple[_Read, object]] = {
    "horizontal": (_choice, None),
    "vertical": (_choice, None),
    "textRotation": (_int, 0),
    "wrapText": (flag, False),
    "shrinkToFit": (flag, False),
    "indent": (_float, 0),
    "relativeIndent": (_float, 0),
    "justifyLastLine": (flag, False),
    "readingOrder": (_float, 0),
}
_PROTECTION: dict[str, tuple[_Read, object]] = {"locked": (flag, True), "hidden": (flag, False)}
_NO_COLOUR: Shown = ("rgb", "00000000", 0.0)
"""What a pattern fill's colour is when it gives none (black, as openpyxl reads it)."""


def shown(el: Element) -> Shown:
    """What a font, fill, alignment or protection element shows."""
    tag = _local(el.tag)
    if tag == "font":
        return (tag, *_children(el, _FONT))
    if tag == "fill" and len(el) and _local(el[0].tag) == "patternFill":
        return (tag, _pattern(el[0]))
    if tag == "alignment":
        return (tag, *_attributes(el, _ALIGNMENT))
    if tag == "protection":
        return (tag, *_attributes(el, _PROTECTION))
    return _spelled(el)


def _children(el: Element, spec: Mapping[str, tuple[_Read, object]]) -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    for child in el:
        tag = _local(child.tag)
        if tag == "color":
            found.append((tag, _colour(child)))
        elif tag in spec:
            read, default = spec[tag]
            value = read(child.get("val"))
            if value != default:
                found.append((tag, value))
        else:
            found.append((tag, _spelled(child)))
    return sorted(found, key=lambda item: item[0])


def _attributes(el: Element, spec: Mapping[str, tuple[_Read, object]]) -> list[tuple[str, object]]:
    """Attributes by what they show (openpyxl drops those of other namespaces, and an
    alignment's ``mergeCell``, which no spreadsheet reads)."""
    found: list[tuple[str, object]] = []
    for name, text in el.attrib.items():
        if name.startswith("{") or name == "mergeCell":
            continue
        read, default = spec.get(name, (_text, ...))
        value = read(text)
        if value != default:
            found.append((name, value))
    return sorted(found, key=lambda item: item[0])


def _pattern(el: Element) -> Shown:
    kind = _choice(el.get("patternType"))
    others = tuple(sorted((k, v) for k, v in el.attrib.items() if k != "patternType"))
    colours = {_local(child.tag): child for child in el}
    fg, bg = (colours.pop(name, None) for name in ("fgColor", "bgColor"))
    return (
        kind,
        _NO_COLOUR if fg is None else _colour(fg),
        _NO_COLOUR if bg is None else _colour(bg),
        others,
        tuple(sorted((_spelled(child) for child in colours.values()), key=repr)),
    )


def _colour(el: Element) -> Shown:
    """A colour as openpyxl keeps it: one of its index, theme, auto or RGB (in that order
    of precedence, the others dropped), and its tint."""
    attrs = {k: v for k, v in el.attrib.items() if not k.startswith("{")}
    tint = _float(attrs.pop("tint", "0"))
    chosen: tuple[str, object] | None = None
    for kind, read in (("indexed", _int), ("theme", _int), ("auto", flag)):
        if kind in attrs:
            chosen = (kind, read(attrs[kind]))
            break
    if chosen is None:
        rgb = attrs.get("rgb", "00000000")
        chosen = ("rgb", "00" + rgb if len(rgb) == 6 else rgb)
    known = ("indexed", "theme", "auto", "rgb", "type")
    others = tuple(sorted((k, v) for k, v in attrs.items() if k not in known))
    return (*chosen, tint, *others)


def _spelled(el: Element) -> Shown:
    """An element openpyxl has no reading of here, as it is spelled (in any order)."""
    children = sorted((_spelled(child) for child in el), key=lambda item: str(item[0]))
    text = (el.text or "").strip()
    return (_local(el.tag), tuple(sorted(el.attrib.items())), text, *children)


def attributes_xml(tag: str, items: Iterable[tuple[str, object]]) -> bytes:
    """An element of attributes only (an alignment, a protection) as its form gives them."""
    attrs = "".join(f' {name}="{attribute_text(value)}"' for name, value in items)
    return f"<{tag}{attrs} />".encode()


def attribute_text(value: object) -> str:
    """A value as an attribute spells it: a flag as 1 or 0, a number as openpyxl writes it."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return number_text(value)
    text = str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]
