"""The seed text format (and mirror copies, rewritten by mirror_text) -> Document.

The format: an optional ``= Title =`` line; an ``Infobox`` line followed by
``- Key: Value`` lines; headings ``== H ==`` / ``=== H ===`` (spaces optional);
one paragraph per line; ``-``/``*`` bullet lists; pipe tables whose first row is
the header. A text with no heading markup at all (an essay, a copied page) has
bare headings: short, title-like lines without end punctuation, found by rule.
"""

import re

from .document import (
    Document,
    IngestError,
    ListBlock,
    Paragraph,
    Section,
    Table,
    clean_inline,
    without_apparatus,
)
from .mirror_text import is_mirror_copy, unmirror

# What str.splitlines() breaks lines at but a file does not: a vertical tab, a form feed
# (a page break), the file, group and record separators.
NOT_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e"
TITLE = re.compile(r"^=\s*([^=].*?)\s*=$")
HEADING = re.compile(r"^(={2,6})\s*(.*?)\s*\1$")
INFOBOX_START = re.compile(r"^infobox$", re.IGNORECASE)
INFOBOX_FIELD = re.compile(r"^[-*]\s*([^:]{1,60}?)\s*:\s*(.*)$")
BULLET = re.compile(r"^[-*•]\s+(.*)$")
TABLE_ROW = re.compile(r"^\|.*\|$")
TABLE_SEPARATOR = re.compile(r"^\|[\s:|-]*-{3,}[\s:|-]*\|$")


# Bare headings: title-like lines. Small words may stay lower case in a title.
SMALL_WORDS = {
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of",
    "on", "or", "the", "to", "vs", "with", "within", "without",
}  # fmt: skip
MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 90
END_PUNCTUATION = tuple(".!?,;:\"”'’…")


def looks_like_heading(line):
    """A bare heading: short, starts with a capital, title case, no end punctuation."""
    words = line.split()
    if not words or len(words) > MAX_HEADING_WORDS or len(line) > MAX_HEADING_CHARS:
        return False
    if not line[0].isupper() or line.endswith(END_PUNCTUATION):
        return False
    significant = [w for w in words if w.lower() not in SMALL_WORDS]
    capitalised = [w for w in significant if w[0].isupper() or w[0].isdigit() or w[0] == "("]
    return len(capitalised) >= max(1, 0.75 * len(significant))


def split_row(line):
    return [clean_inline(cell) for cell in line.strip().strip("|").split("|")]


def parse_text(text, source):
    """Parse the seed text format into a Document; IngestError if nothing usable."""
    # Lines end at a line break (Unicode's too), not at every break str.splitlines() knows:
    # a form feed (a page break) or a vertical tab inside a paragraph is a space.
    if any(map(text.__contains__, NOT_LINE_BREAKS)):  # str's search: a regex's is slower
        text = text.translate(dict.fromkeys(map(ord, NOT_LINE_BREAKS), " "))
    lines = [line.strip() for line in text.splitlines()]
    if is_mirror_copy(lines):
        lines = unmirror(lines)
    has_markup = any(HEADING.match(line) for line in lines)
    doc = Document(source=str(source), bare_headings=not has_markup)
    blocks = doc.lead
    index = 0
    last_text = max((i for i, line in enumerate(lines) if line), default=-1)

    def is_standalone(i):
        # A bare heading stands alone: blank (or nothing) before it and after it, with
        # text still to come.
        before = i == 0 or not lines[i - 1]
        after = i + 1 < len(lines) and not lines[i + 1]
        return before and after and i < last_text

    while index < len(lines):
        line = lines[index]
        if not line:
            index += 1
            continue
        if doc.title is None and not doc.sections and not blocks and (m := TITLE.match(line)):
            doc.title = clean_inline(m.group(1))
            index += 1
        elif m := HEADING.match(line):
            doc.sections.append(Section(heading=clean_inline(m.group(2)), level=len(m.group(1))))
            blocks = doc.sections[-1].blocks
            index += 1
        elif INFOBOX_START.match(line) and index + 1 < len(lines):
            index += 1
            while index < len(lines) and (m := INFOBOX_FIELD.match(lines[index])):
                doc.infobox.append((clean_inline(m.group(1)), clean_inline(m.group(2))))
                index += 1
        elif TABLE_ROW.match(line):
            rows = []
            while index < len(lines) and TABLE_ROW.match(lines[index]):
                if not TABLE_SEPARATOR.match(lines[index]):
                    rows.append(split_row(lines[index]))
                index += 1
            if rows:  # not only separator lines
                header, *body = rows
                width = len(header)
                blocks.append(Table(header, [(r + [""] * width)[:width] for r in body]))
        elif BULLET.match(line):
            items = []
            while index < len(lines) and (m := BULLET.match(lines[index])):
                if item := clean_inline(m.group(1)):
                    items.append(item)
                index += 1
            blocks.append(ListBlock(items=items))
        elif doc.bare_headings and is_standalone(index) and looks_like_heading(line):
            doc.sections.append(Section(heading=clean_inline(line), level=2))
            blocks = doc.sections[-1].blocks
            index += 1
        else:
            if paragraph := clean_inline(line):
                blocks.append(Paragraph(text=paragraph))
            index += 1

    doc.sections = without_apparatus(doc.sections)
    if not doc.paragraphs():
        raise IngestError(source, "no paragraphs found")
    return doc
