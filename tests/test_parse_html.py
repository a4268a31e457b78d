"""Tests for ingest.parse_html against hand-written pages in tests/fixtures/html/.

The four Wikipedia fixtures hold the same article (Mongolia–United States
relations, text from seeds/003) in four markups, so most expectations are
shared: what differs is only the page structure around the prose.
"""

import html
import re
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.document import IngestError, ListBlock, Paragraph, Table
from ingest.parse_html import compile_selectors, parse_html

from .conftest import ARTICLE_URL, PERMALINK, query, run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "html"
WIKIPEDIA_FIXTURES = ["vector_2010", "vector_2022", "parsoid", "saved_page"]

TITLE = "Mongolia–United States relations"

OUTLINE = [
    (2, "History"),
    (3, "Early relations"),
    (3, "Modern era"),
    (3, "High level visits"),
    (2, "Development assistance"),
    (2, "Defense"),
    (2, "Migration"),
    (2, "Economic interests"),
    (2, "Diplomatic missions"),
    (2, "See also"),
]

INFOBOX = [
    ("Diplomatic relations", "January 27, 1987"),
    ("Diplomatic mission", "Embassy of Mongolia, Washington, D.C."),
    ("Diplomatic mission", "Embassy of the United States, Ulaanbaatar"),
    ("Envoy", "Ambassador Batbayar Ulziidelger"),
    ("Envoy", "Ambassador Richard Buangan"),
]

FIRST_PARAGRAPH = (
    "Bilateral relations between Mongolia and the United States formalized in 1987 with the "
    "establishment of diplomatic relations. Since then, the United States has become a key "
    "third neighbor to Mongolia, and in 2019 this relationship was upgraded to a strategic "
    "partnership. Ties focus on education, development assistance, and defense."
)

# (section heading or None for the lead, first words of the paragraph, last words)
PARAGRAPHS = [
    (None, "Bilateral relations between", "development assistance, and defense."),
    (None, "According to a 2017 survey", '(1% "strongly" and 9% "somewhat" unfavorable).'),
    (
        "Early relations",
        "Several American travelers",
        "(denj referring to a hill) starting around 1909.",
    ),
    ("Modern era", "The United States recognized", "in the White House Treaty Room."),
    ("Development assistance", "The Peace Corps started", "community development activities."),
    ("Defense", "Mongolia contributed personnel", "recognized as a NATO global partner in 2012."),
    ("Migration", "Some immigrants came", "living in the United States in 2019."),
    ("Economic interests", "As of 2022, total bilateral trade", "exports totaling $26 million."),
    (
        "Diplomatic missions",
        "Mongolia maintains an embassy",
        "maintains an embassy in Ulaanbaatar.",
    ),
]

VISITS = [
    ("July 1944", "Henry A. Wallace", "Vice President of the United States", "Ulaanbaatar"),
    ("May 1990", "Dashiin Byambasüren", "Prime Minister of Mongolia", "Washington, D.C."),
    ("August 1990", "James Baker", "United States Secretary of State", "Ulaanbaatar"),
    (
        "January 22 – 24, 1991",
        "Punsalmaagiin Ochirbat",
        "President of Mongolia",
        "Washington, D.C.",
    ),
    ("July 1991", "James Baker", "United States Secretary of State", "Ulaanbaatar"),
    ("May 1998", "Madeleine Albright", "United States Secretary of State", "Ulaanbaatar"),
    ("November 2001", "Nambaryn Enkhbayar", "Prime Minister of Mongolia", "Washington, D.C."),
    ("July 14 – 21, 2004", "Natsagiin Bagabandi", "President of Mongolia", "Washington, D.C."),
    ("November 21, 2005", "George W. Bush", "President of the United States", "Ulaanbaatar"),
    ("October 21 – 23, 2007", "Nambaryn Enkhbayar", "President of Mongolia", "Washington, D.C."),
    ("June 16, 2011", "Tsakhiagiin Elbegdorj", "President of Mongolia", "Washington, D.C."),
    ("August 22, 2011", "Joe Biden", "Vice President of the United States", "Ulaanbaatar"),
    ("July 9, 2012", "Hillary Clinton", "United States Secretary of State", "Ulaanbaatar"),
    ("September 2018", "Ukhnaagiin Khürelsükh", "Prime Minister of Mongolia", "Washington, D.C."),
    (
        "July 30 – August 2, 2019",
        "Khaltmaagiin Battulga",
        "President of Mongolia",
        "Washington, D.C.",
    ),
    (
        "August 2 – 6, 2023",
        "Luvsannamsrain Oyun-Erdene",
        "Prime Minister of Mongolia",
        "Washington, D.C.",
    ),
]
VISIT_RECORDS = [dict(zip(["Date", "Person", "Office", "Location"], visit)) for visit in VISITS]

SEE_ALSO = ["Diluwa Khutugtu Jamsrangjab", "John Gombojab Hangin"]

# Text that only occurs in what must be dropped: markers, navboxes, reference
# lists, hatnotes, captions, maintenance boxes, coordinates and page chrome.
NOT_PROSE = [
    "[",
    "]",
    "edit]",
    "citation needed",
    "↑",
    "^",
    "Foreign relations of Mongolia",  # navbox title (and a hatnote target)
    "Vietnam",  # navbox list
    "Retrieved",  # reference list
    "Bilateral Relations Fact Sheet",  # reference list
    "U.S. Embassy in Ulaanbaatar",  # External links section
    "Main article",  # hatnote
    "For the embassy building",  # hatnote with a nested .mw-parser-output
    "Mike Pompeo",  # figure caption
    "honor guard",  # old-style thumbnail caption
    "Map indicating",  # infobox image caption
    "Politics of Mongolia",  # sidebar
    "additional citations",  # ambox
    "47°55′N",  # coordinates
    "Diplomatic relations between Mongolia and the United States of America",  # short description
    "Contents",  # table of contents
    "From Wikipedia",  # siteSub
    "Jump to",  # skip links
    "This page was last edited",  # footer
    "semi-protected",  # indicator
    "Injected by a gadget",  # script
    "mw-parser-output",  # TemplateStyles CSS
    "portal",  # See also portal box
    "Modern Mongolia: A Concise History",  # Further reading section
    "Categories",  # category links
]


def load(name):
    path = FIXTURES / f"{name}.html"
    return parse_html(path.read_text(encoding="utf-8"), str(path))


@pytest.fixture(scope="module", params=WIKIPEDIA_FIXTURES)
def doc(request):
    return load(request.param)


def section(doc, heading):
    (match,) = [s for s in doc.sections if s.heading == heading]
    return match


def all_texts(doc):
    """Every string the document holds: paragraphs, list items, table cells, infobox."""
    texts = [doc.title or ""]
    texts += [f"{key} {value}" for key, value in doc.infobox]
    texts += [s.heading for s in doc.sections]
    for _, block in doc.all_blocks():
        if isinstance(block, Paragraph):
            texts.append(block.text)
        elif isinstance(block, ListBlock):
            texts += block.items
        else:
            texts += block.header + [cell for row in block.rows for cell in row]
    return texts


# -- The four Wikipedia markups ---------------------------------------------


def test_title(doc):
    assert doc.title == TITLE


def test_outline(doc):
    assert [(s.level, s.heading) for s in doc.sections] == OUTLINE


def test_infobox(doc):
    assert doc.infobox == INFOBOX


def test_first_paragraph(doc):
    assert doc.lead[0] == Paragraph(FIRST_PARAGRAPH)


def test_paragraphs_in_place_once_each(doc):
    headings = [s.heading for s in doc.sections]
    found = [
        (None if index is None else headings[index], block.text)
        for index, block in doc.all_blocks()
        if isinstance(block, Paragraph)
    ]
    assert [where for where, _ in found] == [where for where, _, _ in PARAGRAPHS]
    for (_, text), (_, start, end) in zip(found, PARAGRAPHS):
        assert text.startswith(start) and text.endswith(end), text


def test_paragraph_text_is_clean(doc):
    for text in doc.paragraphs():
        assert text == " ".join(text.split()), "whitespace not collapsed"
        for marker in NOT_PROSE:
            assert marker not in text, f"{marker!r} in paragraph {text[:60]!r}"


def test_nothing_but_article_text(doc):
    for text in all_texts(doc):
        for marker in NOT_PROSE:
            assert marker not in text, f"{marker!r} in {text[:60]!r}"


def test_visits_table(doc):
    blocks = section(doc, "High level visits").blocks
    assert len(blocks) == 1 and isinstance(blocks[0], Table)
    assert sorted(blocks[0].header) == ["Date", "Location", "Office", "Person"]
    assert blocks[0].records() == VISIT_RECORDS


def test_see_also(doc):
    assert section(doc, "See also").blocks == [ListBlock(SEE_ALSO)]


def test_only_list_is_see_also(doc):
    lists = [block for _, block in doc.all_blocks() if isinstance(block, ListBlock)]
    assert lists == [ListBlock(SEE_ALSO)]


def test_columns_in_different_orders():
    headers = {name: load_table_header(name) for name in WIKIPEDIA_FIXTURES}
    assert headers["vector_2010"] == ["Date", "Person", "Office", "Location"]
    assert headers["parsoid"] == ["Person", "Office", "Date", "Location"]
    assert headers["saved_page"] == ["Location", "Date", "Person", "Office"]


def load_table_header(name):
    (table,) = [b for _, b in load(name).all_blocks() if isinstance(b, Table)]
    return table.header


# -- Pages that are not articles ----------------------------------------------


def test_not_wikipedia_page_is_rejected():
    with pytest.raises(IngestError) as raised:
        load("not_wikipedia")
    assert raised.value.reason.startswith("no article content found")
    assert raised.value.path.endswith("not_wikipedia.html")
    assert "\n" not in raised.value.reason


MISSING_PAGE = (
    '<div id="mw-content-text"><div class="noarticletext mw-content-ltr"><p>Wikipedia '
    "does not have an article with this exact name.</p></div></div>"
)
REDIRECT_PAGE = (
    '<div id="mw-content-text"><div class="mw-parser-output"><div class="redirectMsg">'
    '<p>Redirect to:</p><ul class="redirectText"><li><a href="/wiki/Foreign_relations_of_'
    'Mongolia">Foreign relations of Mongolia</a></li></ul></div></div></div>'
)
PARSOID_REDIRECT = (
    '<html><head><link rel="dc:isVersionOf" href="//en.wikipedia.org/wiki/MN"/></head>'
    '<body class="parsoid-body"><link rel="mw:PageProp/redirect" '
    'href="./Mongolia%E2%80%93United_States_relations"/></body></html>'
)


@pytest.mark.parametrize(
    "page, reason",
    [
        ("", "no article content found"),
        ("<html><body><p>Just a page.</p></body></html>", "no article content found"),
        ('<div class="mw-parser-output"><p> </p></div>', "article content is empty"),
        (MISSING_PAGE, "Wikipedia has no article"),
        (REDIRECT_PAGE, "page is a redirect to 'Foreign relations of Mongolia'"),
        (PARSOID_REDIRECT, f"page is a redirect to '{TITLE}'"),
    ],
)
def test_rejected_pages(page, reason):
    with pytest.raises(IngestError) as raised:
        parse_html(page, "page.html")
    assert raised.value.reason.startswith(reason)


# -- Smaller structures ----------------------------------------------------------


def wrap(content):
    return f'<div id="mw-content-text"><div class="mw-parser-output">{content}</div></div>'


@pytest.mark.parametrize(
    "name, url, license",
    [
        ("parsoid", ARTICLE_URL, None),  # dc:isVersionOf, "//en.wikipedia.org/..."; no footer
        ("saved_page", ARTICLE_URL, "CC BY-SA 4.0"),  # canonical link before the printfooter's
        ("vector_2010", f"{PERMALINK}1180000000", None),  # "Retrieved from" only
        ("vector_2022", f"{PERMALINK}1252000000", "CC BY-SA 4.0"),
    ],
)
def test_a_page_gives_its_own_address_and_licence(name, url, license):
    doc = load(name)
    assert (doc.url, doc.license) == (url, license)


FOOTER = '<ul><li id="footer-info-copyright">Text is available under the {}.</li></ul>'


@pytest.mark.parametrize(
    "head, footer, url, license",
    [
        ('<link rel="license" href="//creativecommons.org/licenses/by-sa/3.0/">', "", None, "CC BY-SA 3.0"),
        ("", FOOTER.format("<a>Creative Commons Attribution-ShareAlike License</a>"), None, "CC BY-SA"),
        ("", FOOTER.format("Creative Commons Attribution-ShareAlike 4.0 License"), None, "CC BY-SA 4.0"),
        ("", FOOTER.format("GNU Free Documentation License"), None, None),
        ('<link href="http://example.org/a" rel="canonical">', "", "http://example.org/a", None),
        ('<link rel="canonical" href="/wiki/Relative">', "", None, None),  # no host: no address
        ('<link rel="canonical" href="javascript:alert(1)">', "", None, None),
    ],
)  # fmt: skip
def test_the_address_and_licence_a_page_gives(head, footer, url, license):
    page = f"<html><head>{head}</head><body>{wrap('<p>Prose.</p>')}{footer}</body></html>"
    doc = parse_html(page, "page.html")
    assert (doc.url, doc.license, doc.paragraphs()) == (url, license, ["Prose."])


def test_nested_parser_output_is_read_once():
    # Only the outermost .mw-parser-output is a root; a nested one is part of it.
    page = wrap(
        '<p>Outer.</p><div class="excerpt"><div class="mw-parser-output"><p>Inner.</p></div>'
        "</div><p>After.</p>"
    )
    assert parse_html(page, "nested.html").paragraphs() == ["Outer.", "Inner.", "After."]


def test_pre_2012_page_without_content_wrappers():
    # Vector in 2010: no #mw-content-text, edit links before the headline.
    page = """<html><head><title>Mongolia–United States relations - Wikipedia, the free
    encyclopedia</title></head><body><div id="content"><h1 id="firstHeading" class="firstHeading">
    Mongolia–United States relations</h1><div id="bodyContent"><h3 id="siteSub">From Wikipedia,
    the free encyclopedia</h3><div id="contentSub"></div><div id="jump-to-nav">Jump to: <a
    href="#column-one">navigation</a></div><!-- start content --><p>Relations were formalized in
    1987.<sup id="cite_ref-0" class="reference"><a href="#cite_note-0">[1]</a></sup></p>
    <h2><span class="editsection">[<a href="/w/index.php?action=edit&amp;section=1">edit</a>]
    </span> <span class="mw-headline" id="History">History</span></h2><p>Knox travelled.</p>
    <!-- end content --><div class="printfooter">Retrieved from "x"</div><div id="catlinks">
    Categories</div></div></div></body></html>"""
    doc = parse_html(page, "old.html")
    assert doc.title == TITLE
    assert parse_html(page.replace("firstHeading", "h"), "old.html").title == TITLE  # <title>
    assert doc.paragraphs() == ["Relations were formalized in 1987.", "Knox travelled."]
    assert [(s.level, s.heading) for s in doc.sections] == [(2, "History")]


def test_rowspan_and_colspan_repeat_the_cell():
    doc = parse_html(
        wrap(
            '<h2>Visits</h2><table class="wikitable"><tr><th rowspan="2">Date</th>'
            '<th colspan="2">Visitor</th></tr><tr><th>Person</th><th>Office</th></tr>'
            '<tr><td rowspan="2">2005</td><td>George W. Bush</td><td rowspan="3">President</td></tr>'
            '<tr><td>Laura Bush</td></tr><tr><td colspan="2">unknown</td></tr></table>'
        ),
        "spans.html",
    )
    (table,) = doc.sections[0].blocks
    assert table.header == ["Date", "Visitor Person", "Visitor Office"]
    assert table.rows == [
        ["2005", "George W. Bush", "President"],
        ["2005", "Laura Bush", "President"],
        ["unknown", "unknown", "President"],
    ]


@pytest.mark.parametrize(
    "table, header, rows",
    [
        # One header over two columns: both keep their cells.
        (
            (
                '<table class="wikitable"><tr><th>Date</th><th colspan="2">Location</th></tr>'
                "<tr><td>2005</td><td>Ulaanbaatar</td><td>Mongolia</td></tr></table>"
            ),
            ["Date", "Location", "Location 2"],
            [{"Date": "2005", "Location": "Ulaanbaatar", "Location 2": "Mongolia"}],
        ),
        # No <th> row: the first row names the columns.
        (
            (
                '<table class="wikitable"><tr><td><b>Year</b></td><td><b>Aid</b></td></tr>'
                "<tr><td>2017</td><td>US$300 million</td></tr></table>"
            ),
            ["Year", "Aid"],
            [{"Year": "2017", "Aid": "US$300 million"}],
        ),
        # A data table of an older class, not wikitable.
        (
            (
                '<table class="sortable"><tr><th>Date</th><th>Person</th></tr>'
                "<tr><td>12 July 2010</td><td>Naoto Kan</td></tr></table>"
            ),
            ["Date", "Person"],
            [{"Date": "12 July 2010", "Person": "Naoto Kan"}],
        ),
    ],
)
def test_every_column_of_a_data_table_keeps_its_cells(table, header, rows):
    doc = parse_html(wrap(f"<h2>Visits</h2>{table}<p>After.</p>"), "table.html")
    (found,) = [block for block in doc.sections[0].blocks if isinstance(block, Table)]
    assert (found.header, found.records()) == (header, rows)
    assert doc.paragraphs() == ["After."]


def test_nested_lists_and_text_outside_paragraphs():
    doc = parse_html(
        wrap(
            "Loose <b>text</b> before a list<br>on two lines.<ul><li>One<ul><li>One a</li></ul>"
            "</li><li>Two</li></ul><blockquote>A quote.</blockquote>"
            "<h2>Notes</h2><p>Dropped.</p><h3>Sub</h3><p>Dropped too.</p><h2>After</h2><p>Kept.</p>"
        ),
        "lists.html",
    )
    assert doc.lead == [
        Paragraph("Loose text before a list on two lines."),
        ListBlock(["One", "One a", "Two"]),
        Paragraph("A quote."),
    ]
    assert [(s.heading, s.blocks) for s in doc.sections] == [("After", [Paragraph("Kept.")])]


def test_leftover_markers_are_stripped_but_other_brackets_kept():
    doc = parse_html(
        wrap("<p>Ties grew.[12][a] Trade rose[citation needed] [sic] under the [US] plan.</p>"),
        "x.html",
    )
    assert doc.paragraphs() == ["Ties grew. Trade rose [sic] under the [US] plan."]


# -- No prose lost ------------------------------------------------------------

# Letters, digits, punctuation, symbols and spaces from any script; no square
# brackets, which the parser deliberately strips when they look like "[12]".
PROSE = st.text(
    alphabet=st.one_of(
        st.characters(categories=["L", "N", "P", "S", "Zs"], exclude_characters="[]"),
        st.sampled_from(" \n\t"),
    ),
    max_size=200,
)


@given(PROSE)
def test_no_prose_lost(text):
    page = wrap(f"<p>{html.escape(text)}</p>")
    try:
        doc = parse_html(page, "generated.html")
    except IngestError:
        assert not text.split(), "rejected a page with prose in it"
        return
    words = " ".join(doc.paragraphs()).split()
    for word in text.split():
        assert word in words
    assert " ".join(doc.paragraphs()) == re.sub(r"\s+", " ", text).strip()


def test_furniture_selectors_shared_by_tags_drop_every_tag():
    html = (
        '<div id="mw-content-text"><div class="mw-parser-output">'
        '<p>Kept prose.<span class="noprint">[hidden]</span><sup class="noprint">x</sup></p>'
        '<div class="references">ref one</div><ol class="references"><li>ref two</li></ol>'
        '<div role="note">A hatnote.</div><span role="note">Kept note.</span>'
        "</div></div>"
    )
    doc = parse_html(html, "furniture.html")
    assert doc.paragraphs() == ["Kept prose.", "Kept note."]


# -- Structures the streaming reader must get right ------------------------------


def test_every_parser_output_in_the_content_is_read_and_no_other():
    page = (
        '<div class="mw-indicators"><div class="mw-parser-output"><p>Indicator.</p></div></div>'
        '<div id="mw-content-text"><p>Outside.</p><div class="mw-parser-output"><h2>One</h2>'
        '<p>First.</p></div><div class="mw-parser-output"><p>Second.</p></div></div>'
        '<div class="mwe-popups"><div class="mw-parser-output"><p>Popup.</p></div></div>'
    )
    doc = parse_html(page, "roots.html")
    assert [(s.heading, s.blocks) for s in doc.sections] == [
        ("One", [Paragraph("First."), Paragraph("Second.")])
    ]
    assert doc.lead == []


def test_content_text_without_parser_output_is_the_article():
    # 2010-2013: #mw-content-text held the article directly.
    page = '<div id="bodyContent"><div id="mw-content-text"><p>Prose.</p></div><p>Footer.</p></div>'
    assert parse_html(page, "old.html").paragraphs() == ["Prose."]


def test_lists_nested_at_any_depth_in_an_item_keep_their_items():
    doc = parse_html(
        wrap("<ul><li>One<div><ul><li>Deep</li></ul></div> tail</li><li>Two</li></ul>"), "l.html"
    )
    assert doc.lead == [ListBlock(["One tail", "Deep", "Two"])]


def test_a_table_in_a_cell_is_part_of_the_cell_not_rows():
    doc = parse_html(
        wrap(
            '<table class="wikitable"><tr><th>Year</th><th>Note</th></tr><tr><td>1990</td>'
            "<td>Talks<table><tr><td>in Beijing</td></tr></table></td></tr></table>"
        ),
        "t.html",
    )
    assert doc.lead == [Table(header=["Year", "Note"], rows=[["1990", "Talks in Beijing"]])]


# -- Any input -----------------------------------------------------------------

# Pieces of markup that open and close the structures the reader tracks, in any
# order: unbalanced, misnested or cut short.
MARKUP = st.sampled_from(
    [
        '<div id="mw-content-text">', '<div class="mw-parser-output">', "</div>", "<p>", "</p>",
        "<h2>", "<h3>", '<span class="mw-headline">', "</span>", "</h2>", "<ul>", "<ol>", "<li>",
        "</li>", "</ul>", '<table class="wikitable">', '<table class="infobox">', "<tbody>",
        "<tr>", '<td rowspan="3">', "<th colspan='x'>", "<td>", "</td>", "</tr>", "</table>",
        "<br>", '<sup class="reference">', '<div class="navbox">', '<ul class="redirectText">',
        '<a href="x">', "</a>", "<section data-mw-section-id='1'>", "<body>", "<title>", "<!--",
        "-->", "<script>", "</script>", "&amp;", "&#0;", "\x00", "\ud800", "<h1>",
    ]
)  # fmt: skip


@given(st.lists(st.one_of(MARKUP, st.text(max_size=12)), max_size=60).map("".join))
def test_any_input_parses_or_raises_ingest_error(page):
    try:
        doc = parse_html(page, "any.html")
    except IngestError as error:
        assert error.path == "any.html" and error.reason and "\n" not in error.reason
        return
    assert doc.lead or doc.sections or doc.infobox


# -- Large pages ------------------------------------------------------------------


def big_page(size):
    """A page of at least ``size`` characters, and the number of times the article's
    sections are repeated in it (each copy's headings numbered: "History 0"...)."""
    page = (FIXTURES / "vector_2022.html").read_text(encoding="utf-8")
    first = page.index('<div class="mw-heading mw-heading2">')
    see_also = page.index('<div class="mw-heading mw-heading2"><h2 id="See_also"')
    sections = page[first:see_also]
    copies = size // len(sections) + 1
    body = "".join(re.sub("(</h[23]>)", rf" {copy}\1", sections) for copy in range(copies))
    return page[:first] + body + page[see_also:], copies


def test_a_large_page_is_read_as_a_stream():
    page, copies = big_page(3 * 2**20)
    tracemalloc.start()
    try:
        doc = parse_html(page, "big.html")
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Besides the Document it returns, the reader holds one slice of the page and
    # one block at a time (about 270 kB); a tree of the page would be many times
    # the page (BeautifulSoup's: 22 times).
    assert peak - kept < len(page) / 4
    assert [(s.level, s.heading) for s in doc.sections] == [
        (level, f"{heading} {copy}") for copy in range(copies) for level, heading in OUTLINE[:-1]
    ] + [(2, "See also")]
    assert len(doc.paragraphs()) == 2 + copies * (len(PARAGRAPHS) - 2)
    tables = [block for _, block in doc.all_blocks() if isinstance(block, Table)]
    assert len(tables) == copies and all(t.records() == VISIT_RECORDS for t in tables)


@pytest.mark.parametrize("selector", ["div.a#b", ".a.b", "div#x[role=y]", "div > p", ""])
def test_only_simple_selectors_are_taken(selector):
    # The streaming reader matches a tag, a class, an id or an attribute: anything more
    # would be dropped in silence.
    with pytest.raises(ValueError, match="not a simple selector"):
        compile_selectors([selector])
    assert compile_selectors(["sup.reference", "#toc"]) == {
        "tag": {},
        "class": {"reference": {"sup"}},
        "id": {"toc": {None}},
        "attr": {},
    }


def test_a_span_of_0_is_a_span_of_1_and_a_row_that_labels_the_rows_below_is_no_row():
    doc = parse_html(
        wrap(
            '<h2>Visits</h2><table class="wikitable"><tr><th>Date</th><th>Person</th></tr>'
            '<tr><td colspan="0">1990</td><td>James Baker</td></tr>'
            '<tr><th colspan="2">2000s</th></tr><tr><td>2005</td><td>George W. Bush</td></tr>'
            "</table>"
        ),
        "spans.html",
    )
    (table,) = doc.sections[0].blocks
    assert table.header == ["Date", "Person"]
    assert table.rows == [["1990", "James Baker"], ["2005", "George W. Bush"]]


CUT_OFF = (
    "the page ends before </html>: it may be cut off (an interrupted download?); what it"
    " holds was read"
)


def test_a_page_cut_off_is_stored_with_a_note(tmp_path):
    """An interrupted download ends before </html>: what it holds is stored, and the
    build says the page may be cut off; a whole page gets no such note."""
    text = (FIXTURES / "vector_2022.html").read_text(encoding="utf-8")
    cut = tmp_path / "cut.html"
    cut.write_text(text[: text.index('<h2 id="Defense"')], encoding="utf-8")
    (tmp_path / "whole.html").write_text(text.replace("Mongolia", "Mongolië"), encoding="utf-8")
    db_path = tmp_path / "r.db"
    result = run_cli("--db", db_path, cut, tmp_path / "whole.html")
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"Note: {cut}: {CUT_OFF}\n"
    headings = "select heading from sections where article_id = :id order by id"
    cut_headings, whole_headings = (query(db_path, headings, {"id": i}) for i in (1, 2))
    assert cut_headings[-1] == ("Development assistance",)
    assert cut_headings == whole_headings[: len(cut_headings)] != whole_headings


ARTICLE = wrap("<p>Mongolia and Japan signed a treaty in 1972.</p>")


@pytest.mark.parametrize(
    "page, notes",
    [
        (f"<!DOCTYPE html><html><body>{ARTICLE}</body></html>\n", []),
        (f"<HTML><BODY>{ARTICLE}</BODY></HTML>\n<!-- saved from a browser -->\n", []),
        # The article without the page around it (?action=render) is whole as it is.
        (f"{ARTICLE}\n<!-- NewPP limit report -->", []),
        (f"<!DOCTYPE html><html><body>{ARTICLE}", [CUT_OFF]),
        (f"<html><body>{ARTICLE}</body></html>" + "\n" * 5000, []),
    ],
)
def test_a_page_that_opens_with_html_and_does_not_close_it_may_be_cut_off(page, notes):
    assert parse_html(page, "page.html").notes == notes


def test_code_and_control_characters_are_no_prose():
    html = wrap(
        "<p>Kept\x1b[31m prose\x7f.</p><template><p>A template's 1970 paragraph.</p></template>"
        "<script>var x = 1;</script><style>p {}</style><noscript><p>No script.</p></noscript>"
    )
    assert parse_html(html, "code.html").paragraphs() == ["Kept prose."]
