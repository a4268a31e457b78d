"""Parse a Wikipedia article's HTML into a Document.

Three kinds of page are read:

* rendered pages in the Vector 2010 skin (``<h2><span class="mw-headline">``)
  and the Vector 2022 skin (``<div class="mw-heading"><h2>``);
* Parsoid HTML (``<body class="mw-parser-output">`` with nested ``<section>``s);
* pages saved from a browser ("Save page as"), with all the page chrome.

The article is the outermost ``.mw-parser-output`` inside ``#mw-content-text``.
Everything in it that is not prose (navboxes, references, edit links, hatnotes,
images...) is removed first; the blocks left are then read in document order.
"""

import re
from urllib.parse import unquote

from bs4 import BeautifulSoup, CData, NavigableString, Tag

from .document import Document, IngestError, ListBlock, Paragraph, Section, Table

NO_CONTENT = "no article content found (expected #mw-content-text or .mw-parser-output)"

# Removed from the article before it is read: none of these is prose.
DROP_SELECTORS = (
    # Code and styling (TemplateStyles puts <style> inside the content).
    "script",
    "style",
    "noscript",
    # Edit links; before 2013 the Vector skin called them .editsection.
    ".mw-editsection",
    ".editsection",
    # Citation markers and the reference lists they point to (Parsoid: sup.mw-ref).
    "sup.reference",
    "sup.mw-ref",
    ".reflist",
    ".references",
    "ol.references",
    ".mw-references-wrap",
    ".mw-ext-cite-error",
    # Print-hidden bits: [citation needed], portal boxes, "edit on Wikidata"...
    ".noprint",
    "sup.noprint",
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
# lookups so that one pass over the tree finds them. soupsieve's general matcher
# took 22 s on a 5 MB page for the same job.
SIMPLE_SELECTOR = re.compile(
    r"^(?P<tag>[a-z][a-z0-9]*)?(?:\.(?P<cls>[\w-]+))?(?:#(?P<id>[\w-]+))?"
    r"(?:\[(?P<attr>[\w-]+)=(?P<value>[\w-]+)\])?$"
)


def compile_selectors(selectors):
    """{'tag'|'class'|'id'|'attr': {key: {tag names it needs, None for any}}}."""
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

# Sections of apparatus rather than prose; dropped with their subsections.
DROPPED_SECTIONS = frozenset(
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
    }
)

HEADING_LEVELS = {"h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
LIST_TAGS = ("ul", "ol")

# Tags that flow within a line of text; any other tag starts a new block.
# fmt: off
INLINE_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em",
    "font", "i", "img", "ins", "kbd", "mark", "q", "rp", "rt", "ruby", "s", "samp",
    "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
})
# fmt: on

# Citation markers and maintenance tags that survive as plain text (mirrors and
# saved pages sometimes lose the classes that let them be dropped as elements):
# [12], [a], [note 3], [nb 1], [edit], [citation needed], [clarification needed]...
LEFTOVER_MARKER_RE = re.compile(
    r"\[\s*(?:\d{1,4}|[a-z]{1,2}|(?:note|nb|n) ?\d{1,4}|edit(?: source)?"
    r"|[a-z][a-z ]{0,30}needed|dubious\s*[–-]\s*discuss|failed verification"
    r"|(?:according to whom|by whom|when|who|which|unreliable source)\?)\s*\]"
)
# Soft hyphens, zero-width spaces and byte-order marks: invisible, never words.
INVISIBLE_RE = re.compile("[\u00ad\u200b\ufeff]")
WHITESPACE_RE = re.compile(r"\s+")
TITLE_SUFFIX_RE = re.compile(r"\s+[-–—]\s+Wikipedia(?:, the free encyclopedia)?\s*$")


def parse_html(text: str, source: str) -> Document:
    """Parse one Wikipedia page (rendered, Parsoid or browser-saved) into a Document."""
    soup = BeautifulSoup(text, "lxml")
    if soup.select_one("#mw-content-text .noarticletext"):
        raise IngestError(source, "Wikipedia has no article with this title (noarticletext)")
    roots = content_roots(soup)
    if not roots:
        raise IngestError(source, NO_CONTENT)
    for root in roots:
        drop_furniture(root)
    target = redirect_target(roots)
    if target:
        raise IngestError(source, f"page is a redirect to {target!r}, not an article")

    doc = Document(source=source, title=page_title(soup), infobox=infobox_pairs(roots))
    builder = Builder(doc)
    for root in roots:
        read_blocks(root, builder)
        builder.flush()
    if not (doc.lead or doc.sections or doc.infobox):
        raise IngestError(source, "article content is empty")
    return doc


# -- Finding the article ----------------------------------------------------


def content_roots(soup: BeautifulSoup) -> list[Tag]:
    """The elements holding the article, in document order (empty if none)."""
    container = soup.select_one("#mw-content-text")
    if container is not None:
        # Indicators and popups carry their own .mw-parser-output outside the
        # content, and templates can nest one inside it: take the outermost.
        return outermost(container.select(".mw-parser-output")) or [container]
    roots = outermost(soup.select(".mw-parser-output"))
    if roots:
        return roots
    if soup.body is not None and is_parsoid(soup):
        return [soup.body]
    # Pages from before 2012 had neither #mw-content-text nor .mw-parser-output.
    body_content = soup.select_one("#bodyContent")
    return [body_content] if body_content is not None else []


def outermost(elements: list[Tag]) -> list[Tag]:
    """The elements not nested inside another element of the list."""
    ids = {id(element) for element in elements}
    return [e for e in elements if not any(id(parent) in ids for parent in e.parents)]


def is_parsoid(soup: BeautifulSoup) -> bool:
    body = soup.body
    return "parsoid-body" in body.get("class", []) or bool(
        soup.select_one("section[data-mw-section-id], link[rel~='dc:isVersionOf']")
    )


def is_furniture(element: Tag) -> bool:
    def wanted(tags):
        return None in tags or element.name in tags

    if element.name in DROP["tag"]:
        return True
    if (key := element.get("id")) in DROP["id"] and wanted(DROP["id"][key]):
        return True
    if any(c in DROP["class"] and wanted(DROP["class"][c]) for c in element.get("class", ())):
        return True
    return any(
        element.get(attr) == value and wanted(tags) for (attr, value), tags in DROP["attr"].items()
    )


def drop_furniture(root: Tag) -> None:
    for element in root.find_all(True):
        if not element.decomposed and is_furniture(element):  # decomposed: went with an ancestor
            element.decompose()


def redirect_target(roots: list[Tag]) -> str | None:
    """The target title when the page is only a redirect (rendered or Parsoid)."""
    for root in roots:
        link = root.select_one(".redirectText a")
        if link is not None:
            return node_text(link)
        link = root.select_one("link[rel~='mw:PageProp/redirect']")
        if link is not None:
            return unquote(link.get("href", "")).removeprefix("./").replace("_", " ")
    return None


def page_title(soup: BeautifulSoup) -> str | None:
    """#firstHeading's text, else <title> without " - Wikipedia", else the first <h1>."""
    for element in (soup.select_one("#firstHeading"), soup.title, soup.find("h1")):
        text = node_text(element) if element is not None else ""
        if text:
            return TITLE_SUFFIX_RE.sub("", text)
    return None


# -- Text --------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Strip leftover markers and invisible characters; collapse whitespace."""
    text = INVISIBLE_RE.sub("", text)
    text = LEFTOVER_MARKER_RE.sub("", text)
    return WHITESPACE_RE.sub(" ", text).strip()


def node_text(node: Tag, skip: tuple[str, ...] = ()) -> str:
    """The clean text of an element, leaving out descendants named in ``skip``."""
    parts: list[str] = []
    collect_text(node, parts, skip)
    return clean_text("".join(parts))


def collect_text(node: Tag, parts: list[str], skip: tuple[str, ...] = ()) -> None:
    # get_text() would glue "a<br>b" or "<li>a</li><li>b</li>" into one word:
    # line breaks and block boundaries become spaces instead.
    for child in node.children:
        if isinstance(child, Tag):
            if child.name in skip:
                continue
            if child.name == "br":
                parts.append(" ")
            elif child.name in INLINE_TAGS:
                collect_text(child, parts, skip)
            else:
                parts.append(" ")
                collect_text(child, parts, skip)
                parts.append(" ")
        elif is_text(child):
            parts.append(child)


def is_text(node) -> bool:
    # Comments, doctypes and the text of <script>/<style> are NavigableString
    # subclasses too; only plain strings (and CDATA) are words on the page.
    return type(node) in (NavigableString, CData)


def has_class(tag: Tag, name: str) -> bool:
    return name in (tag.get("class") or [])


# -- Blocks ------------------------------------------------------------------


class Builder:
    """Puts blocks into the lead or the current section, in document order."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.pending: list[str] = []  # inline text waiting for its block to end
        self.skip_level: int | None = None  # inside a dropped section at this level

    def heading(self, level: int, text: str) -> None:
        if self.skip_level is not None and level > self.skip_level:
            return  # a subsection of a dropped section
        self.skip_level = None
        if text.casefold() in DROPPED_SECTIONS:
            self.skip_level = level
        elif text:
            self.doc.sections.append(Section(heading=text, level=level))

    def add(self, block: Paragraph | ListBlock | Table) -> None:
        if self.skip_level is not None:
            return
        if self.doc.sections:
            self.doc.sections[-1].blocks.append(block)
        else:
            self.doc.lead.append(block)

    def inline(self, text: str) -> None:
        self.pending.append(text)

    def flush(self) -> None:
        """End the current run of inline text; a non-empty one is a paragraph."""
        text = clean_text("".join(self.pending))
        self.pending = []
        if text:
            self.add(Paragraph(text))


def read_blocks(node: Tag, builder: Builder) -> None:
    """Feed the children of ``node`` to the builder, descending into containers."""
    for child in node.children:
        if not isinstance(child, Tag):
            if is_text(child):
                builder.inline(child)
            continue
        if child.name == "br" or child.name in INLINE_TAGS:
            # Text outside any <p> (old pages, blockquotes) is prose too.
            parts: list[str] = [" "] if child.name == "br" else []
            collect_text(child, parts)
            builder.inline("".join(parts))
            continue
        builder.flush()
        if child.name in HEADING_LEVELS:
            builder.heading(HEADING_LEVELS[child.name], heading_text(child))
        elif child.name in LIST_TAGS:
            items = list_items(child)
            if items:
                builder.add(ListBlock(items))
        elif has_class(child, "infobox"):
            pass  # read by infobox_pairs()
        elif child.name == "table" and has_class(child, "wikitable"):
            table = read_table(child)
            if table.header or table.rows:
                builder.add(table)
        else:
            # <p>, <div>, <section>, <blockquote>, <dl>, layout tables...
            read_blocks(child, builder)
            builder.flush()


def heading_text(heading: Tag) -> str:
    headline = heading.select_one(".mw-headline")  # Vector 2010 skin
    return node_text(headline if headline is not None else heading)


def list_items(list_tag: Tag) -> list[str]:
    """Item texts of a list; items of nested lists follow their parent item."""
    items = []
    for item in list_tag.find_all("li", recursive=False):
        text = node_text(item, skip=LIST_TAGS)
        if text:
            items.append(text)
        for nested in item.find_all(LIST_TAGS, recursive=False):
            items.extend(list_items(nested))
    return items


# -- Tables ------------------------------------------------------------------


def own_rows(table: Tag) -> list[Tag]:
    """Rows of this table, not of tables nested in its cells."""
    return table.select(
        ":scope > tr, :scope > thead > tr, :scope > tbody > tr, :scope > tfoot > tr"
    )


def span(cell: Tag, attribute: str, limit: int) -> int:
    """A rowspan/colspan value, tolerating junk such as "2;" or "0"."""
    match = re.match(r"\s*(\d+)", cell.get(attribute) or "")
    return min(max(int(match.group(1)), 1), limit) if match else 1


def table_grid(table: Tag) -> list[list[tuple[bool, str]]]:
    """The table as rows of (is header cell, text), spans repeated into every slot."""
    grid = []
    carried: dict[int, tuple[int, tuple[bool, str]]] = {}  # column -> (rows left, cell)
    for tr in own_rows(table):
        row: list[tuple[bool, str]] = []
        for td in tr.find_all(["th", "td"], recursive=False):
            fill_carried(row, carried)
            cell = (td.name == "th", node_text(td))
            rowspan = span(td, "rowspan", 500)
            for _ in range(span(td, "colspan", 50)):
                if rowspan > 1:
                    carried[len(row)] = (rowspan - 1, cell)
                row.append(cell)
        fill_carried(row, carried)
        grid.append(row)
    return grid


def fill_carried(row: list, carried: dict) -> None:
    """Put cells spanning down from rows above into the next free slots of ``row``."""
    while len(row) in carried:
        left, cell = carried.pop(len(row))
        if left > 1:
            carried[len(row)] = (left - 1, cell)
        row.append(cell)


def read_table(table: Tag) -> Table:
    """A wikitable: the leading all-<th> rows are the header, the rest are rows."""
    grid = [row for row in table_grid(table) if any(text for _, text in row)]
    header_rows = []
    while grid and all(is_header for is_header, _ in grid[0]):
        header_rows.append([text for _, text in grid.pop(0)])
    return Table(header=merge_header(header_rows), rows=[[t for _, t in row] for row in grid])


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


# -- Infobox -----------------------------------------------------------------


def infobox_pairs(roots: list[Tag]) -> list[tuple[str, str]]:
    """(label, value) pairs of the first infobox.

    Rows with a <th> label and <td> data give (label, data). A <th> spanning the
    whole row is a group header ("Envoy"): the unlabelled cells below it give
    (group, cell) pairs, one per cell, so a bilateral infobox yields one pair per
    country. The title row, images and captions are skipped.
    """
    boxes = [box for root in roots for box in root.select("table.infobox")]
    if not boxes:
        return []
    box = boxes[0]
    pairs = []
    group = None
    for index, tr in enumerate(own_rows(box)):
        label = tr.find("th", recursive=False)
        cells = [
            td
            for td in tr.find_all("td", recursive=False)
            if not any(has_class(td, c) for c in ("infobox-image", "infobox-below"))
        ]
        if label is not None and cells:
            key = node_text(label) or group
            value = " ".join(filter(None, (node_text(td) for td in cells)))
            if key and value:
                pairs.append((key, value))
        elif label is not None:
            is_title = index == 0 or has_class(label, "infobox-above")
            group = None if is_title else node_text(label) or None
        elif group:
            pairs.extend((group, text) for text in map(node_text, cells) if text)
    return pairs
