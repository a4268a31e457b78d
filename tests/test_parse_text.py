import pytest

from ingest.document import IngestError, ListBlock, Paragraph, Section, Table
from ingest.load import build
from ingest.parse_text import looks_like_heading, parse_text

from .conftest import query

SEED_FORMAT = """= Atlantis–Mongolia relations =

Infobox
- Envoy1: Ambassador A. Person
- Mission1: Embassy of Mongolia, Poseidonia

Lead paragraph one.[1]

== History ==
=== Early contacts===
First contact happened.[citation needed] Then more.
Second paragraph on the next line.

===Modern era===

Modern paragraph.

==See also==

- Foreign relations of Mongolia
* Atlantis

== Visits ==
| Date | Person | Office |
|---|---|---|
| May 1990 | A. Person | Prime Minister |
| June 1991 |  | President |
"""


def test_seed_format_whole_document():
    doc = parse_text(SEED_FORMAT, "seeds/x.txt")
    assert doc.title == "Atlantis–Mongolia relations"
    assert doc.infobox == [
        ("Envoy1", "Ambassador A. Person"),
        ("Mission1", "Embassy of Mongolia, Poseidonia"),
    ]
    assert doc.lead == [Paragraph("Lead paragraph one.")]
    assert doc.bare_headings is False
    assert doc.sections == [
        Section("History", 2, []),
        Section(
            "Early contacts",
            3,
            [
                Paragraph("First contact happened. Then more."),
                Paragraph("Second paragraph on the next line."),
            ],
        ),
        Section("Modern era", 3, [Paragraph("Modern paragraph.")]),
        Section("See also", 2, [ListBlock(["Foreign relations of Mongolia", "Atlantis"])]),
        Section(
            "Visits",
            2,
            [
                Table(
                    header=["Date", "Person", "Office"],
                    rows=[
                        ["May 1990", "A. Person", "Prime Minister"],
                        ["June 1991", "", "President"],
                    ],
                )
            ],
        ),
    ]


def test_table_records_are_keyed_by_header():
    doc = parse_text(SEED_FORMAT, "x.txt")
    (table,) = doc.sections[-1].blocks
    assert table.records() == [
        {"Date": "May 1990", "Person": "A. Person", "Office": "Prime Minister"},
        {"Date": "June 1991", "Person": "", "Office": "President"},
    ]


def test_short_table_rows_are_padded_to_the_header():
    doc = parse_text("== T ==\nSome prose.\n| a | b | c |\n| 1 |\n", "x.txt")
    assert doc.sections[0].blocks == [
        Paragraph("Some prose."),
        Table(["a", "b", "c"], [["1", "", ""]]),
    ]


def test_a_column_named_twice_or_not_at_all_keeps_its_cells(tmp_path):
    text = (
        "= Japan–Mongolia relations =\n\nRelations are friendly.\n\n== Visits ==\n"
        "| Date | Person | Date | |\n| 1 May 2000 | Yoshiro Mori | 3 May 2000 | official |\n"
    )
    (table,) = parse_text(text, "x.txt").sections[0].blocks
    assert table.records() == [
        {
            "Date": "1 May 2000",
            "Person": "Yoshiro Mori",
            "Date 2": "3 May 2000",
            "column 4": "official",
        }
    ]
    # The visit is of the first date, as the table has it.
    (tmp_path / "japan.txt").write_text(text, encoding="utf-8")
    build(tmp_path / "relations.db", [tmp_path / "japan.txt"])
    assert query(tmp_path / "relations.db", "select person, start_date from visits") == [
        ("Yoshiro Mori", "2000-05-01")
    ]


ESSAY = """Mongolia opened up in 1990. This is the lead.

A Diversified Approach to Foreign Policy

Mongolia sought partners across regions.


Europe: Fostering Economic and Cultural Ties

Europe matters. It trades with Mongolia.
Short line without a full stop

The Belt and Road Initiative (BRI)

China leads the BRI.
"""


@pytest.mark.parametrize("heading", ["Works cited", "General references", "Notes", "Sources"])
def test_apparatus_sections_are_dropped_with_their_subsections(heading):
    text = (
        "= Japan–Mongolia relations =\n\nRelations began in 1972.\n\n"
        f"== {heading} ==\n\nBatbayar, Tsedendambyn (2002). Modern Mongolia.\n\n"
        "=== Online ===\n\nMongolian Embassy (2010). Relations.\n\n"
        "== Trade ==\n\nTrade grew in 2010.\n"
    )
    doc = parse_text(text, "japan.txt")
    assert [section.heading for section in doc.sections] == ["Trade"]
    assert doc.paragraphs() == ["Relations began in 1972.", "Trade grew in 2010."]


def test_essay_bare_headings_are_found_by_rule():
    doc = parse_text(ESSAY, "essay.txt")
    assert doc.title is None
    assert doc.bare_headings is True
    assert doc.lead == [Paragraph("Mongolia opened up in 1990. This is the lead.")]
    assert [(s.level, s.heading) for s in doc.sections] == [
        (2, "A Diversified Approach to Foreign Policy"),
        (2, "Europe: Fostering Economic and Cultural Ties"),
        (2, "The Belt and Road Initiative (BRI)"),
    ]
    # Not standalone (no blank line before it), so a paragraph.
    assert doc.sections[1].blocks == [
        Paragraph("Europe matters. It trades with Mongolia."),
        Paragraph("Short line without a full stop"),
    ]


@pytest.mark.parametrize(
    "line,expected",
    [
        ("Looking Ahead", True),
        ("Reconnecting with the Past: Diplomatic Ties with Russia", True),
        ("The Role of Multilateral Forums", True),
        ("Mongolia signed a treaty.", False),
        ("the lower-case start of a sentence", False),
        ("Mongolia and its neighbours have long shared a border", False),
        ("A question?", False),
        ("Word " * 13, False),
    ],
)
def test_looks_like_heading(line, expected):
    assert looks_like_heading(line.strip()) is expected


def test_bare_heading_rule_is_off_when_the_text_has_heading_markup():
    doc = parse_text("== A ==\n\nLooking Ahead\n\nText.\n", "x.txt")
    assert doc.sections == [Section("A", 2, [Paragraph("Looking Ahead"), Paragraph("Text.")])]


@pytest.mark.parametrize(
    "text", ["", "\n\n  \n", "Infobox\n- Key: value\n", "== A ==\n== B ==\n", "|---|\n"]
)
def test_text_without_content_is_an_ingest_error(text):
    with pytest.raises(IngestError) as error:
        parse_text(text, "empty.txt")
    assert error.value.path == "empty.txt"


def outline(doc):
    """(title, the lead's blocks, [(level, heading, blocks)]) of a Document."""
    return doc.title, doc.lead, [(s.level, s.heading, s.blocks) for s in doc.sections]


@pytest.mark.parametrize(
    "text, expected",
    [
        # One word on a line of its own, between paragraphs, is a bare heading.
        (
            "Policy changed after 1990.\n\nConclusion\n\nMongolia balances its neighbours.\n",
            (
                None,
                [Paragraph("Policy changed after 1990.")],
                [(2, "Conclusion", [Paragraph("Mongolia balances its neighbours.")])],
            ),
        ),
        # A heading-like line that a paragraph follows on the next line is no heading.
        (
            "Policy changed after 1990.\n\nRelations With Japan\nJapan gave aid in 1991.\n",
            (
                None,
                [
                    Paragraph("Policy changed after 1990."),
                    Paragraph("Relations With Japan"),
                    Paragraph("Japan gave aid in 1991."),
                ],
                [],
            ),
        ),
        # A title only opens the document; later, "= ... =" is text.
        (
            "Lead paragraph.\n\n= Later Title =\n\nMore text.\n",
            (
                None,
                [
                    Paragraph("Lead paragraph."),
                    Paragraph("= Later Title ="),
                    Paragraph("More text."),
                ],
                [],
            ),
        ),
        # A list item that is only a citation marker is no item.
        (
            "== See also ==\n\n- [1]\n- Foreign relations of Mongolia\n\nText.\n",
            (
                None,
                [],
                [
                    (
                        2,
                        "See also",
                        [ListBlock(["Foreign relations of Mongolia"]), Paragraph("Text.")],
                    )
                ],
            ),
        ),
    ],
)
def test_headings_titles_and_items_at_their_edges(text, expected):
    assert outline(parse_text(text, "edges.txt")) == expected


def test_a_page_break_inside_a_paragraph_is_a_space():
    # str.splitlines() would end a line at a form feed or a vertical tab too, and cut the
    # paragraph (and its sentence's countries) in three.
    text = "= Title =\n\nMongolia\x0b and Japan\x0c signed a treaty in 1995.\r\n\rNext.\n"
    doc = parse_text(text, "x.txt")
    assert [block.text for _, block in doc.all_blocks()] == [
        "Mongolia and Japan signed a treaty in 1995.",
        "Next.",
    ]
    # Unicode's line and paragraph separators, and NEL, do end a line.
    text = "= Title =\u2028\u2028== History ==\u2029Signed in 1972.\x85Next in 1973.\n"
    doc = parse_text(text, "x.txt")
    assert (doc.title, [s.heading for s in doc.sections]) == ("Title", ["History"])
    assert doc.paragraphs() == ["Signed in 1972.", "Next in 1973."]


def test_control_characters_are_dropped_from_titles_and_text():
    doc = parse_text("= Title\x1b[0m =\n\nMongolia\x07 signed\x9b a treaty in 1995.\n", "x.txt")
    assert (doc.title, doc.paragraphs()) == ("Title", ["Mongolia signed a treaty in 1995."])
