"""Parse a Wikipedia article's HTML into a Document, in one streaming pass.

Three kinds of page are read:

* rendered pages in the Vector 2010 skin (``<h2><span class="mw-headline">``)
  and the Vector 2022 skin (``<div class="mw-heading"><h2>``);
* Parsoid HTML (``<body class="mw-parser-output">`` with nested ``<section>``s);
* pages saved from a browser ("Save page as"), with all the page chrome.

The article is the outermost ``.mw-parser-output`` inside ``#mw-content-text``.
Everything in it that is not prose (navboxes, references, edit links, hatnotes,
images...) is skipped; the blocks left are read in document order.

No tree is built: lxml's HTML parser calls PageReader for every start tag, run
of text and end tag; furniture is skipped as it opens, and each block (a
paragraph, a heading, a list item, a table row) becomes text as its element
closes. Memory holds the Document being built and the block being read, never
the page's tree, and time is linear in the page's size.
"""

import re
from functools import partial
from urllib.parse import unquote

from lxml import etree

from .document import (
    ApparatusFilter,
    Document,
    IngestError,
    ListBlock,
    Paragraph,
    Section,
    Table,
    before_spaces,
    clean_inline,
)

# A page saved whole that opens with <html> ends with </html>; one cut off (an interrupted
# download) does not. Content without the wrapper (?action=render) ends as it will.
PAGE_START = re.compile(r"<html[\s>]", re.IGNORECASE)
PAGE_END = re.compile(r"</html\s*>", re.IGNORECASE)
PAGE_EDGE = 4096  # characters from the start or the end where each is looked for
CUT_OFF = "the page ends before </html>: it may be cut off (an interrupted download?); what it holds was read"
NO_CONTENT = "no article content found (expected #mw-content-text or .mw-parser-output)"

# Skipped, with all they hold, wherever the page has them: none of these is prose.
DROP_SELECTORS = (
    # Code and styling (TemplateStyles puts <style> inside the content).
    "script",
    "style",
    "noscript",
    "template",
    # Edit links; before 2013 the Vector skin called them .editsection.
    ".mw-editsection",
    ".editsection",
    # Citation markers and the reference lists they point to (Parsoid: sup.mw-ref).
    "sup.reference",
    "sup.mw-ref",
    ".reflist",
    ".references",
    ".mw-references-wrap",
    ".mw-ext-cite-error",
    # Print-hidden bits: [citation needed], portal boxes, "edit on Wikidata"...
    ".noprint",
    # Navigation: navboxes, sidebars, the table of contents, show/hide toggles.
    ".navbox",
    ".navbox-styles",
    ".vertical-navbox",
    "[role=navigation]",
    ".navbar",
    ".sidebar",
    "#toc",
    ".toc",
    ".mw-collapsible-toggle",
    # Notes about the article rather than its subject.
    ".hatnote",
    "div[role=note]",
    ".ambox",
    ".metadata",
    ".shortdescription",
    ".mw-empty-elt",
    # Coordinates (the title-bar ones and their hidden alternatives).
    "#coordinates",
    ".geo",
    ".geo-inline-hidden",
    ".geo-nondefault",
    ".geo-multi-punct",
    # Images and their captions.
    "figure",
    ".thumb",
    ".gallery",
    # Hidden sort keys of old sortable tables ({{sort}}, {{dts}}).
    ".sortkey",
    # Chrome that pre-2017 skins put inside the content area.
    "#siteSub",
    "#contentSub",
    "#contentSub2",
    "#jump-to-nav",
    ".mw-jump-link",
    ".printfooter",
    "#catlinks",
    ".catlinks",
    ".visualClear",
)
# Simple selectors only (tag, .class, #id, tag.class, [attr=value]): compiled into
# lookups, so that each element is checked with a few dict lookups as the parser
# meets it (soupsieve's general matcher took 22 s on a 5 MB page for the same job).
SIMPLE_SELECTOR = re.compile(
    r"^(?P<tag>[a-z][a-z0-9]*)?"
    r"(?:\.(?P<cls>[\w-]+)|#(?P<id>[\w-]+)|\[(?P<attr>[\w-]+)=(?P<value>[\w-]+)\])?$"
)


def compile_selectors(selectors):
    """{'tag'|'class'|'id'|'attr': {key: {tag names it needs, None for any}}}: a tag, a
    class, an id or an attribute value, each with or without a tag; no combinations."""
    lookups = {"tag": {}, "class": {}, "id": {}, "attr": {}}
    for selector in selectors:
        match = SIMPLE_SELECTOR.match(selector)
        if not match or not any(match.groups()):
            raise ValueError(f"not a simple selector: {selector!r}")
        tag = match["tag"]
        if match["cls"]:
            kind, key = "class", match["cls"]
        elif match["id"]:
            kind, key = "id", match["id"]
        elif match["attr"]:
            kind, key = "attr", (match["attr"], match["value"])
        else:
            kind, key, tag = "tag", tag, None
        lookups[kind].setdefault(key, set()).add(tag)
    return lookups


DROP = compile_selectors(DROP_SELECTORS)


HEADING_LEVELS = {"h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
LIST_TAGS = ("ul", "ol")
ROW_GROUPS = ("thead", "tbody", "tfoot")
CELL_TAGS = ("th", "td")
# Tables of data, not of layout: today's class, and what older pages and tools wrote.
DATA_TABLE_CLASSES = {"wikitable", "prettytable", "sortable"}

# Tags that flow within a line of text; any other tag starts a new block.
# fmt: off
INLINE_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em",
    "font", "i", "img", "ins", "kbd", "mark", "q", "rp", "rt", "ruby", "s", "samp",
    "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
})
# fmt: on

SPAN_RE = re.compile(r"\s*(\d+)")
TITLE_SUFFIX_RE = re.compile(r"\s+[-–—]\s+Wikipedia(?:, the free encyclopedia)?\s*$")

CHUNK_CHARS = 1 << 16  # the page goes to the parser one slice at a time


def parse_html(text: str, source: str) -> Document:
    """Parse one Wikipedia page (rendered, Parsoid or browser-saved) into a Document."""
    page = PageReader()
    parser = etree.HTMLParser(target=page, encoding="utf-8")
    # Slices, so that only one slice at a time is copied into UTF-8; "replace"
    # turns lone surrogates (never in a decoded file) into "?" instead of failing.
    for start in range(0, max(len(text), 1), CHUNK_CHARS):
        parser.feed(text[start : start + CHUNK_CHARS].encode("utf-8", "replace"))
    parser.close()
    doc = page.document(source)
    opened = PAGE_START.search(text, 0, PAGE_EDGE)
    end = before_spaces(text, len(text))
    if opened and not PAGE_END.search(text, max(0, end - PAGE_EDGE), end):
        doc.notes.append(CUT_OFF)
    return doc


# -- Text --------------------------------------------------------------------


def class_list(attrs) -> list[str]:
    return (attrs.get("class") or "").split()


def is_furniture(tag: str, attrs, classes: list[str]) -> bool:
    def wanted(tags):
        return None in tags or tag in tags

    if tag in DROP["tag"]:
        return True
    if (key := attrs.get("id")) in DROP["id"] and wanted(DROP["id"][key]):
        return True
    if any(c in DROP["class"] and wanted(DROP["class"][c]) for c in classes):
        return True
    return any(
        attrs.get(attr) == value and wanted(tags) for (attr, value), tags in DROP["attr"].items()
    )


# -- Reading one element's content --------------------------------------------
#
# A handler reads the content of an open element: open(tag, attrs) is called for
# each child element and returns (handler for that child's content, function to
# call when the child closes, or None); data(text) gets the element's own text.
# A Subtree keeps the stack of handlers from one element down to the innermost
# open one.


class Subtree:
    """Feeds the content of one element, from its start tag to its end tag, to handlers."""

    def __init__(self, handler, on_close=None):
        self.stack = [(handler, on_close)]

    def start(self, tag: str, attrs) -> None:
        self.stack.append(self.stack[-1][0].open(tag, attrs))

    def data(self, text: str) -> None:
        self.stack[-1][0].data(text)

    def end(self) -> bool:
        """Close the innermost open element; True when that was the subtree's own."""
        _, on_close = self.stack.pop()
        if on_close is not None:
            on_close()
        return not self.stack


class Ignore:
    """Content that is neither text nor structure where it stands (a list's stray <div>)."""

    def open(self, tag, attrs):
        return self, None

    def data(self, text):
        pass


IGNORE = Ignore()


class Text:
    """The text of an element, with <br> and the edges of nested blocks as spaces.

    Joining its strings alone would glue "a<br>b" or "<li>a</li><li>b</li>" into
    one word.
    """

    def __init__(self, parts: list[str] | None = None):
        self.parts = [] if parts is None else parts

    def open(self, tag, attrs):
        if tag in INLINE_TAGS:
            return self, None
        self.parts.append(" ")
        return self, (None if tag == "br" else self.space)

    def data(self, text):
        self.parts.append(text)

    def space(self):
        self.parts.append(" ")

    def text(self) -> str:
        return clean_inline("".join(self.parts))


class Builder:
    """Puts blocks into the lead or the current section, in document order."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.pending: list[str] = []  # inline text waiting for its block to end
        self.apparatus = ApparatusFilter()
        self.keeping = True  # False inside a section of apparatus: its blocks are dropped

    def heading(self, level: int, text: str) -> None:
        self.keeping = self.apparatus.keeps(level, text)
        if self.keeping and text:
            self.doc.sections.append(Section(heading=text, level=level))

    def add(self, block: Paragraph | ListBlock | Table) -> None:
        if not self.keeping:
            return
        if self.doc.sections:
            self.doc.sections[-1].blocks.append(block)
        else:
            self.doc.lead.append(block)

    def flush(self) -> None:
        """End the current run of inline text; a non-empty one is a paragraph."""
        text = clean_inline("".join(self.pending))
        self.pending.clear()  # in place: the article's inline Text writes into it
        if text:
            self.add(Paragraph(text))


# -- The article ----------------------------------------------------------------


class Article:
    """Reads one candidate for the article's content into a Document.

    It is the handler of the root element and of every container in it (<div>,
    <section>, <p>, <blockquote>, layout tables...): a child that flows inline
    adds to the current paragraph, any other child ends it and is read as a
    heading, a list, a table, the infobox or, failing those, another container.
    """

    def __init__(self):
        self.doc = Document(source="")
        self.builder = Builder(self.doc)
        self.inline = Text(self.builder.pending)
        self.roots = 0  # elements read as the article's content so far
        self.root: Subtree | None = None  # the one being read
        self.infobox_read = False
        self.redirect: str | None = None  # the target, when the page is only a redirect

    def enter(self) -> Subtree:
        self.roots += 1
        self.root = Subtree(self, self.leave)
        return self.root

    def leave(self) -> None:
        self.builder.flush()
        self.root = None

    def open(self, tag, attrs):
        if tag == "br" or tag in INLINE_TAGS:
            # Text outside any <p> (old pages, blockquotes) is prose too.
            return self.inline.open(tag, attrs)
        builder = self.builder
        builder.flush()
        classes = class_list(attrs)
        if tag in HEADING_LEVELS:
            heading = Heading(builder, HEADING_LEVELS[tag])
            return heading, heading.close
        if tag in LIST_TAGS:
            items: list[str] = []
            return ListItems(items), partial(self.add_list, items)
        if "infobox" in classes:
            if tag != "table" or self.infobox_read:
                return IGNORE, None  # only the first infobox table is read
            self.infobox_read = True
            return Rows(Infobox(self.doc.infobox).add_row), None
        if tag == "table" and DATA_TABLE_CLASSES.intersection(classes):
            table = Wikitable(builder)
            return Rows(table.add_row), table.close
        return self, builder.flush

    def data(self, text):
        self.builder.pending.append(text)

    def add_list(self, items: list[str]) -> None:
        if items:
            self.builder.add(ListBlock(items))


class Heading(Text):
    """A heading; in the Vector 2010 skin only its .mw-headline is the heading's text."""

    def __init__(self, builder: Builder, level: int):
        super().__init__()
        self.builder = builder
        self.level = level
        self.headline: Text | None = None

    def open(self, tag, attrs):
        if self.headline is None and "mw-headline" in class_list(attrs):
            self.headline = Text()
            return self.headline, None
        return super().open(tag, attrs)

    def close(self):
        text = (self if self.headline is None else self.headline).text()
        self.builder.heading(self.level, text)


class ListItems:
    """A <ul>/<ol>: appends the text of each item to ``items``."""

    def __init__(self, items: list[str]):
        self.items = items

    def open(self, tag, attrs):
        if tag != "li":
            return IGNORE, None
        item = ListItem(self.items)
        return item, item.close

    def data(self, text):
        pass


class ListItem(Text):
    """An <li>: its own text is one item; the items of lists inside it follow it."""

    def __init__(self, items: list[str]):
        super().__init__()
        self.items = items
        self.nested: list[str] = []

    def open(self, tag, attrs):
        if tag in LIST_TAGS:
            return ListItems(self.nested), None
        return super().open(tag, attrs)

    def close(self):
        text = self.text()
        if text:
            self.items.append(text)
        self.items.extend(self.nested)


# -- Tables ------------------------------------------------------------------


class Cell(Text):
    def __init__(self, tag: str, attrs):
        super().__init__()
        self.is_header = tag == "th"
        self.classes = class_list(attrs)
        self.rowspan = span(attrs.get("rowspan"), 500)
        self.colspan = span(attrs.get("colspan"), 50)


class Rows:
    """A table's own rows, not those of tables in its cells.

    Each <tr> goes to ``on_row`` as its list of Cells when it closes, so a table
    is never held whole.
    """

    def __init__(self, on_row, in_group: bool = False):
        self.on_row = on_row
        self.in_group = in_group  # inside a <thead>, <tbody> or <tfoot>

    def open(self, tag, attrs):
        if tag == "tr":
            row = Row(self.on_row)
            return row, row.close
        if tag in ROW_GROUPS and not self.in_group:
            return Rows(self.on_row, in_group=True), None
        return IGNORE, None  # captions, stray text

    def data(self, text):
        pass


class Row:
    def __init__(self, on_row):
        self.on_row = on_row
        self.cells: list[Cell] = []

    def open(self, tag, attrs):
        if tag not in CELL_TAGS:
            return IGNORE, None
        cell = Cell(tag, attrs)
        self.cells.append(cell)
        return cell, None

    def data(self, text):
        pass

    def close(self):
        self.on_row(self.cells)


def span(value: str | None, limit: int) -> int:
    """A rowspan/colspan value, tolerating junk such as "2;" or "0"."""
    if not value:
        return 1
    match = SPAN_RE.match(value)
    return min(max(int(match.group(1)), 1), limit) if match else 1


class Wikitable:
    """A wikitable: the leading all-<th> rows are the header (or, without one, the first
    row), the rest are rows.

    A cell spanning several rows or columns is repeated into every slot. A row below the
    header made of one <th> across the table ("2000s", "Visits to Mongolia") labels the
    rows under it: it is no row of its own, which would read as a visit by "2000s".
    """

    def __init__(self, builder: Builder):
        self.builder = builder
        self.carried: dict[int, tuple[int, tuple[bool, str]]] = {}  # column -> (rows left, cell)
        self.header_rows: list[list[str]] = []
        self.rows: list[list[str]] = []

    def add_row(self, cells: list[Cell]) -> None:
        row: list[tuple[bool, str]] = []
        for cell in cells:
            self.fill_carried(row)
            slot = (cell.is_header, cell.text())
            for _ in range(cell.colspan):
                if cell.rowspan > 1:
                    self.carried[len(row)] = (cell.rowspan - 1, slot)
                row.append(slot)
        self.fill_carried(row)
        if not any(text for _, text in row):
            return
        texts = [text for _, text in row]
        all_header = all(is_header for is_header, _ in row)
        if not self.rows and all_header:
            self.header_rows.append(texts)
        elif not (all_header and self.labels_rows_below(cells, row)):
            self.rows.append(texts)

    def labels_rows_below(self, cells: list[Cell], row: list) -> bool:
        """Whether a row below the header is one cell across the table (see the class)."""
        width = max((len(texts) for texts in self.header_rows), default=0)
        return len(cells) == 1 and len(row) > 1 and len(row) >= width

    def fill_carried(self, row: list) -> None:
        """Put cells spanning down from rows above into the next free slots of ``row``."""
        while len(row) in self.carried:
            left, slot = self.carried.pop(len(row))
            if left > 1:
                self.carried[len(row)] = (left - 1, slot)
            row.append(slot)

    def close(self):
        if not self.header_rows and self.rows:
            # No <th> row: the first row names the columns (older pages bolded <td>s).
            self.header_rows.append(self.rows.pop(0))
        table = Table(header=merge_header(self.header_rows), rows=self.rows)
        if table.header or table.rows:
            self.builder.add(table)


def merge_header(header_rows: list[list[str]]) -> list[str]:
    """One name per column; stacked header rows are joined ("Visit" + "Date")."""
    width = max((len(row) for row in header_rows), default=0)
    header = []
    for column in range(width):
        names: list[str] = []
        for row in header_rows:
            if column < len(row) and row[column] and row[column] not in names:
                names.append(row[column])
        header.append(" ".join(names))
    return header


class Infobox:
    """(label, value) pairs of the infobox, appended to ``pairs`` row by row.

    Rows with a <th> label and <td> data give (label, data). A <th> spanning the
    whole row is a group header ("Envoy"): the unlabelled cells below it give
    (group, cell) pairs, one per cell, so a bilateral infobox yields one pair per
    country. The title row, images and captions are skipped.
    """

    def __init__(self, pairs: list[tuple[str, str]]):
        self.pairs = pairs
        self.group: str | None = None
        self.first_row = True

    def add_row(self, cells: list[Cell]) -> None:
        label = next((cell for cell in cells if cell.is_header), None)
        values = [
            cell.text()
            for cell in cells
            if not cell.is_header
            and not any(c in cell.classes for c in ("infobox-image", "infobox-below"))
        ]
        if label is not None and values:
            key = label.text() or self.group
            value = " ".join(filter(None, values))
            if key and value:
                self.pairs.append((key, value))
        elif label is not None:
            is_title = self.first_row or "infobox-above" in label.classes
            self.group = None if is_title else label.text() or None
        elif self.group:
            self.pairs.extend((self.group, text) for text in values if text)
        self.first_row = False


# -- The page --------------------------------------------------------------------

# Where the article can be, best first. Which one a page has is known only at its
# end (a saved page has an indicator's .mw-parser-output before #mw-content-text),
# so each is read until a better one turns up.
CANDIDATES = (
    "in_content_text",  # the outermost .mw-parser-output elements in #mw-content-text
    "content_text",  # #mw-content-text itself, when it has no .mw-parser-output (2010-2013)
    "parser_output",  # the outermost .mw-parser-output elements, without #mw-content-text
    "body",  # the <body> of Parsoid HTML that has no .mw-parser-output
    "body_content",  # #bodyContent: pages from before 2012 had neither of the first two
)
TITLE_SOURCES = ("firstHeading", "title", "h1")  # best first
# Where a page gives its own address, best first: the canonical link of a rendered or saved
# page, Parsoid's dc:isVersionOf, the permanent link of "Retrieved from" (.printfooter).
ADDRESS_SOURCES = ("canonical", "dc:isVersionOf", "printfooter")
# A Creative Commons licence as a rel="license" link names it: ".../licenses/by-sa/4.0/".
CC_LICENSE_URL = re.compile(r"creativecommons\.org/licenses/(?P<code>[a-z-]+)/(?P<version>\d\.\d)")
# Wikipedia's licence as its footer names it: "... Attribution-ShareAlike License 4.0",
# "... Attribution-ShareAlike 4.0 License", or, before 4.0 (2023), with no version.
CC_BY_SA_TEXT = re.compile(
    r"Creative Commons Attribution-ShareAlike(?: License)?(?: (?P<version>\d\.\d))?"
)


class PageReader:
    """The parser target: sees every start tag, run of text and end tag of the page.

    It skips furniture, feeds the open subtrees (the article candidates being
    read and the title elements), starts new ones as their elements open, and
    notes what tells the kind of page (Parsoid, missing article).
    """

    def __init__(self):
        self.furniture_depth = 0  # > 0 inside furniture: everything is skipped
        self.depth = 0
        self.subtrees: list[Subtree] = []  # fed every event until their element closes
        self.candidates = {name: Article() for name in CANDIDATES}
        self.content_text_depth: int | None = None  # while #mw-content-text is open
        self.redirect_text_depth: int | None = None  # while a .redirectText is open
        self.seen_content_text = False
        self.seen_body_content = False
        self.parsoid = False
        self.missing_article = False
        self.titles: dict[str, Text] = {}
        self.addresses: dict[str, str] = {}  # ADDRESS_SOURCES -> the first address each gave
        self.in_printfooter = False  # in the furniture being skipped, .printfooter
        self.license_links: list[str] = []  # hrefs of rel="license" links
        self.copyright: Text | None = None  # the footer's licence statement

    # lxml calls start, data, end and close.

    def start(self, tag: str, attrs) -> None:
        if self.furniture_depth:
            self.furniture_depth += 1
            if tag == "a" and self.in_printfooter:
                self.note_address("printfooter", attrs.get("href"))
            return
        attrs = attrs or {}  # lxml's own empty mapping is slow to query
        classes = class_list(attrs)
        if is_furniture(tag, attrs, classes):
            self.furniture_depth = 1
            self.in_printfooter = "printfooter" in classes
            return
        self.depth += 1
        for subtree in self.subtrees:
            subtree.start(tag, attrs)
        self.note_page_kind(tag, attrs, classes)
        if tag in ("a", "link") or "redirectText" in classes:
            self.note_redirect(tag, attrs, classes)
            self.note_link(tag, attrs)
        if attrs.get("id") == "footer-info-copyright" and self.copyright is None:
            self.copyright = Text()
            self.subtrees.append(Subtree(self.copyright))
        if attrs.get("id") == "firstHeading":
            self.read_title("firstHeading")
        if tag in ("title", "h1"):
            self.read_title(tag)
        self.open_candidates(tag, attrs, classes)

    def data(self, text: str) -> None:
        if not self.furniture_depth:
            for subtree in self.subtrees:
                subtree.data(text)

    def end(self, tag: str) -> None:
        if self.furniture_depth:
            self.furniture_depth -= 1
            return
        if self.depth == self.content_text_depth:
            self.content_text_depth = None
        if self.depth == self.redirect_text_depth:
            self.redirect_text_depth = None
        self.depth -= 1
        closed = [subtree for subtree in self.subtrees if subtree.end()]
        if closed:
            self.subtrees = [subtree for subtree in self.subtrees if subtree not in closed]

    def close(self) -> None:
        pass

    def note_page_kind(self, tag, attrs, classes) -> None:
        if (
            (tag == "body" and "parsoid-body" in classes)
            or (tag == "section" and "data-mw-section-id" in attrs)
            or (tag == "link" and "dc:isVersionOf" in (attrs.get("rel") or "").split())
        ):
            self.parsoid = True
        if "noarticletext" in classes and self.content_text_depth is not None:
            self.missing_article = True

    def note_redirect(self, tag, attrs, classes) -> None:
        """A redirect page names its target in the first link of its .redirectText
        (rendered) or in a mw:PageProp/redirect <link> (Parsoid)."""
        if "redirectText" in classes and self.redirect_text_depth is None:
            self.redirect_text_depth = self.depth
        elif tag == "a" and self.redirect_text_depth is not None:
            link = Text()
            self.subtrees.append(Subtree(link, lambda: self.set_redirect(link.text())))
        elif tag == "link" and "mw:PageProp/redirect" in (attrs.get("rel") or "").split():
            href = unquote(attrs.get("href") or "")
            self.set_redirect(href.removeprefix("./").replace("_", " "))

    def note_link(self, tag, attrs) -> None:
        """The page's own address and licence, as its <link>s and rel="license" links give them."""
        rels = (attrs.get("rel") or "").split()
        if tag == "link":
            for rel in ("canonical", "dc:isVersionOf"):
                if rel in rels:
                    self.note_address(rel, attrs.get("href"))
        if "license" in rels and attrs.get("href"):
            self.license_links.append(attrs["href"])

    def note_address(self, source: str, href: str | None) -> None:
        """The first absolute address (http, https, or "//host/...") each source gives."""
        if not href or source in self.addresses:
            return
        url = f"https:{href}" if href.startswith("//") else href
        if url.startswith(("https://", "http://")):
            self.addresses[source] = url

    def license(self) -> str | None:
        """ "CC BY-SA 4.0" and the like, from a rel="license" link to a Creative Commons deed,
        else from the footer's statement; None when the page names neither."""
        for href in self.license_links:
            if deed := CC_LICENSE_URL.search(href):
                return f"CC {deed['code'].upper()} {deed['version']}"
        statement = CC_BY_SA_TEXT.search(self.copyright.text() if self.copyright else "")
        if statement:
            return " ".join(filter(None, ("CC BY-SA", statement["version"])))
        return None

    def set_redirect(self, target: str) -> None:
        """Tell the candidates being read (the redirect is in their content)."""
        for article in self.candidates.values():
            if article.root is not None and article.redirect is None:
                article.redirect = target

    def read_title(self, source: str) -> None:
        if source not in self.titles:
            self.titles[source] = Text()
            self.subtrees.append(Subtree(self.titles[source]))

    def open_candidates(self, tag, attrs, classes) -> None:
        if attrs.get("id") == "mw-content-text" and not self.seen_content_text:
            self.seen_content_text = True
            self.content_text_depth = self.depth
            self.rule_out("parser_output", "body", "body_content")
            self.read_as("content_text")
        elif "mw-parser-output" in classes:
            # Templates nest one inside another: only the outermost is a root.
            self.rule_out("body", "body_content")
            if self.content_text_depth is not None:
                self.rule_out("content_text")
                self.read_as("in_content_text")
            elif not self.seen_content_text:
                self.read_as("parser_output")
        elif tag == "body":
            self.read_as("body")
        elif attrs.get("id") == "bodyContent" and not self.seen_body_content:
            self.seen_body_content = True
            self.read_as("body_content")

    def read_as(self, name: str) -> None:
        """Read the element just opened as content of the named candidate, if still one."""
        article = self.candidates.get(name)
        if article is not None and article.root is None:
            self.subtrees.append(article.enter())

    def rule_out(self, *names: str) -> None:
        for name in names:
            article = self.candidates.pop(name, None)
            if article is not None and article.root is not None:
                self.subtrees.remove(article.root)

    def document(self, source: str) -> Document:
        """The Document of the best candidate, or IngestError saying why there is none."""
        if self.missing_article:
            raise IngestError(source, "Wikipedia has no article with this title (noarticletext)")
        if not self.parsoid:
            self.rule_out("body")
        article = next((a for a in self.candidates.values() if a.roots), None)
        if article is None:
            raise IngestError(source, NO_CONTENT)
        if article.redirect:
            raise IngestError(source, f"page is a redirect to {article.redirect!r}, not an article")
        doc = article.doc
        doc.source = source
        doc.title = self.title()
        doc.url = next((self.addresses[s] for s in ADDRESS_SOURCES if s in self.addresses), None)
        doc.license = self.license()
        if not (doc.lead or doc.sections or doc.infobox):
            raise IngestError(source, "article content is empty")
        return doc

    def title(self) -> str | None:
        """#firstHeading's text, else <title> without " - Wikipedia", else the first <h1>."""
        for source in TITLE_SOURCES:
            text = self.titles[source].text() if source in self.titles else ""
            if text:
                return TITLE_SUFFIX_RE.sub("", text)
        return None
