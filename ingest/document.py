"""The Document model every parser produces and every extractor reads.

Plain dataclasses: a parser (seed text, Wikipedia HTML, mirror text) returns a
Document; ``writer.py`` writes it. Sections are a flat list in document order;
``level`` (2 for ``==``, 3 for ``===``...) gives the tree, so parents are derived
when loading rather than stored twice.
"""

from dataclasses import dataclass, field


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


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]

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

    def all_blocks(self):
        """(section index or None, block) pairs in document order."""
        for block in self.lead:
            yield None, block
        for index, section in enumerate(self.sections):
            for block in section.blocks:
                yield index, block

    def paragraphs(self):
        return [b.text for _, b in self.all_blocks() if isinstance(b, Paragraph)]
