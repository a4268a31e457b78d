"""The Document model every parser produces and every extractor reads.

Plain dataclasses: a parser (seed text, Wikipedia HTML, mirror text) returns a
Document; ``writer.py`` writes it. Sections are a flat list in document order;
``level`` (2 for ``==``, 3 for ``===``...) gives the tree, so parents are derived
when loading rather than stored twice.
"""

import re
from dataclasses import dataclass, field

# Citation markers and maintenance tags that copies of Wikipedia carry into the text as
# plain text (a saved page may lose the classes that drop them as elements): [12], [a],
# [note 3], [nb 1], [edit], [edit source], [citation needed], [when?], [dubious – discuss],
# in either case ([A], [Note 3], [Citation needed]) but for two letters ([ab] only).
# Up to three digits: a bracketed year, "[1921]", is text.
CITATION_MARKER = re.compile(
    r"\[\s*(?:\d{1,3}|[a-z]{2}|(?i:[a-z]|(?:note|nb|n) ?\d{1,4}"
    r"|edit(?: source)?|[a-z][a-z ]{0,30}needed|dubious\s*[–-]\s*discuss|failed verification"
    r"|(?:according to whom|by whom|when|who|which|unreliable source)\?))\s*\]"
)
# Soft hyphens, zero-width spaces, byte-order marks and control characters (not those
# str.split() takes for spaces): invisible, never words.
INVISIBLE = re.compile("[\u00ad\u200b\ufeff\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
# A terminal's escape sequence ("ESC[31m", a colour), whole: not "[31m" left as a word.
ESCAPE_SEQUENCE = re.compile("\x1b\\[[0-?]*[ -/]*[@-~]")
# Sections of apparatus rather than prose: every reader drops them with their subsections.
APPARATUS_SECTIONS = frozenset(
    {
        "references",
        "notes",
        "notes and references",
        "references and notes",
        "footnotes",
        "citations",
        "sources",
        "bibliography",
        "external links",
        "further reading",
        "works cited",
        "cited works",
        "cited sources",
        "general references",
        "general and cited references",
        "explanatory notes",
        "notes and citations",
    }
)


class ApparatusFilter:
    """Asked heading by heading in document order, whether a section is kept: not one of
    APPARATUS_SECTIONS, nor a subsection of one. A reader that streams (parse_html) asks
    as it goes, so that it never holds a dropped section's content."""

    def __init__(self):
        self.dropped_level = None  # the level of the apparatus section being dropped

    def keeps(self, level, heading):
        if self.dropped_level is not None and level > self.dropped_level:
            return False
        self.dropped_level = level if heading.casefold() in APPARATUS_SECTIONS else None
        return self.dropped_level is None


def without_apparatus(sections):
    """The sections but those of APPARATUS_SECTIONS and their subsections."""
    apparatus = ApparatusFilter()
    return [section for section in sections if apparatus.keeps(section.level, section.heading)]


def before_spaces(text, position):
    """len(text[:position].rstrip()), without copying the text before position (a long
    paragraph has many years, a page may be megabytes)."""
    while position and text[position - 1].isspace():
        position -= 1
    return position


def clean_inline(text):
    """Inline text as a Document holds it, whichever reader found it: no citation
    markers or invisible characters, single spaces."""
    if "\x1b" in text:  # seldom: the regex alone would cost every text more
        text = ESCAPE_SEQUENCE.sub("", text)
    # str.split() splits where the regex \s+ would, at a fraction of the cost.
    return " ".join(CITATION_MARKER.sub("", INVISIBLE.sub("", text)).split())


class IngestError(Exception):
    """Bad input: carries the file and a one-line, human-readable reason."""

    def __init__(self, path, reason):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason

    def __reduce__(self):  # crosses process boundaries from the parsing workers
        return IngestError, (self.path, self.reason)


@dataclass
class Paragraph:
    text: str


@dataclass
class ListBlock:
    items: list[str]


def column_names(header):
    """["Date", "Location", "Location", ""] -> ["Date", "Location", "Location 2", "column 4"]."""
    names = []
    for position, name in enumerate(header, start=1):
        name = name or f"column {position}"
        unique, number = name, 2
        while unique in names:
            unique, number = f"{name} {number}", number + 1
        names.append(unique)
    return names


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]

    def __post_init__(self):
        # Every column keeps its cells in records(): a name given twice ("Location" over
        # two cells), or none, gets one of its own.
        self.header = column_names(self.header)

    def records(self):
        """Rows as dicts keyed by the header's column names."""
        return [dict(zip(self.header, row)) for row in self.rows]


Block = Paragraph | ListBlock | Table


@dataclass
class Section:
    heading: str
    level: int
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    source: str
    title: str | None = None
    infobox: list[tuple[str, str]] = field(default_factory=list)
    # Blocks before the first heading (the lead).
    lead: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    # True when the text had no heading markup and headings were found by rule.
    bare_headings: bool = False
    # What the reader noticed and the build tells the user ("the page may be cut off").
    notes: list[str] = field(default_factory=list)
    # The address and the licence the page gives of itself (a saved Wikipedia page);
    # sources.yml's url and license say otherwise where they are given.
    url: str | None = None
    license: str | None = None

    def all_blocks(self):
        """(section index or None, block) pairs in document order."""
        for block in self.lead:
            yield None, block
        for index, section in enumerate(self.sections):
            for block in section.blocks:
                yield index, block

    def paragraphs(self):
        return [b.text for _, b in self.all_blocks() if isinstance(b, Paragraph)]
