"""Issue 5: mirror copies, mixed folders, --skip-bad, duplicates and --append."""

import os
import re
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import prepare
from ingest.document import IngestError
from ingest.load import build
from ingest.parse_html import parse_html
from ingest.parse_text import parse_text
from ingest.sources import discover

from .conftest import PERMALINK, ROOT, SEEDS, copy_four_seeds, query, run_cli

FIXTURES = ROOT / "tests" / "fixtures"
MIRROR = FIXTURES / "text" / "mirror_kazakhstan.txt"


def test_mirror_copy_becomes_a_clean_document():
    doc = parse_text(MIRROR.read_text(encoding="utf-8"), "mirror.txt")
    assert doc.title == "Kazakhstan–Mongolia relations"
    assert doc.infobox == [
        ("Value", "Kazakhstan"),
        ("Value", "Mongolia"),
        ("Diplomatic mission", "Kazakh Embassy in Ulaanbaatar"),
        ("Diplomatic mission", "Mongolian Embassy in Astana and Almaty"),
        ("Envoy", "Ambassador Aidar Akhmetov"),
        ("Envoy", "Ambassador Dulamsuren Tsedendamba"),
    ]
    assert [(s.level, s.heading) for s in doc.sections] == [
        (2, "History"),
        (2, "High level visits"),
        (2, "Trade and economic relations"),
        (2, "See also"),
    ]
    assert doc.paragraphs()[1] == "The mission was upgraded to an Embassy on 1 January 2007."
    table = doc.sections[2].blocks[1]
    assert table.records() == [
        {"Year": "2016", "Exports": "30", "Imports": ""},
        {"Year": "2017", "Exports": "", "Imports": "38.2"},
    ]
    assert doc.sections[3].blocks[0].items == [
        "Foreign relations of Kazakhstan",
        "Foreign relations of Mongolia",
    ]
    everything = " ".join(doc.paragraphs() + [s.heading for s in doc.sections])
    for boilerplate in ["Jump to content", "free encyclopedia", "[edit]", "[1]", "citation needed",
                        "Retrieved", "Categories", "^", "Privacy policy", "last edited"]:  # fmt: skip
        assert boilerplate not in everything


def test_a_copied_table_and_the_notes_over_a_section_read_as_in_the_seed_format():
    """A browser copies a table's rows as cells between tabs, and keeps the notes that
    point to other articles ("Main article: ..."), which are no prose of this one."""
    text = MIRROR.read_text(encoding="utf-8")
    copied = (
        text.replace("| Year | Exports | Imports |", "Year\tExports\tImports")
        .replace("| 2016 | 30 |  |", "2016\t30\t")
        .replace("| 2017 |  | 38.2 |", "2017\t\t38.2")
        .replace(
            "Trade and economic relations[edit]\n",
            "Trade and economic relations[edit]\nMain article: Kazakhstan–Mongolia trade\n",
        )
    )
    assert copied.count("\t") > text.count("\t") and "Main article" in copied
    assert parse_text(copied, "copy.txt") == parse_text(text, "copy.txt")


@pytest.mark.parametrize(
    "heading_lines",
    [["Early contacts", "[edit]"], ["[edit]Early contacts"], ["Early contacts[edit]"]],
)
def test_mirror_heading_forms(heading_lines):
    text = "\n".join(
        [
            "Some page",
            "From Wikipedia, the free encyclopedia",
            "",
            "Lead sentence is long enough to be prose here.",
            "",
        ]
        + heading_lines
        + ["The first contacts were made in 1862 by travellers.[3]"]
    )
    doc = parse_text(text, "m.txt")
    assert doc.title == "Some page"
    assert doc.sections[0].heading == "Early contacts"
    assert doc.sections[0].blocks[0].text == "The first contacts were made in 1862 by travellers."


MIRROR_WITH_CONTENTS = """Jump to content
Some page
From Wikipedia, the free encyclopedia
Some page is about the relations between two countries, told at length.

Contents
hide
1 History
1.1 Early contacts
1.2 Modern era
2 Trade
2.1 History
3 References

History[edit]
Relations go back a long way.
Early contacts[edit]
The first contacts were made in 1862 by travellers.
Modern era[edit]
Embassies opened in 1992.
[edit]Trade
Trade grew in 2017.
History
[edit]
Trade began in 1990.
References[edit]
^ A reference.
"""


def test_mirror_heading_levels_come_from_a_numbered_contents_box():
    doc = parse_text(MIRROR_WITH_CONTENTS, "m.txt")
    assert [(s.level, s.heading) for s in doc.sections] == [
        (2, "History"),
        (3, "Early contacts"),
        (3, "Modern era"),
        (2, "Trade"),
        (3, "History"),
    ]
    assert doc.paragraphs()[0].startswith("Some page is about")
    assert not any(text[0].isdigit() or text == "hide" for text in doc.paragraphs())


def test_numbers_out_of_contents_order_end_the_contents_box():
    text = MIRROR_WITH_CONTENTS.replace("1.1 Early contacts", "3 Early contacts")
    doc = parse_text(text, "m.txt")
    assert "3 Early contacts" in doc.paragraphs()  # kept as text, not taken for contents
    assert [s.level for s in doc.sections] == [2, 2, 2, 2, 2]


def test_without_numbers_every_mirror_heading_is_level_2():
    # The 2022 skin's contents box shows no numbers: nothing tells the levels.
    text = re.sub(r"^[\d.]+ ", "", MIRROR_WITH_CONTENTS, flags=re.MULTILINE)
    doc = parse_text(text, "m.txt")
    assert [s.level for s in doc.sections] == [2, 2, 2, 2, 2]


def test_a_copy_of_the_2022_skin_keeps_only_the_article():
    """Its contents box ("Toggle History subsection") and language button ("2 languages")
    come before the tagline, between site chrome; none of it is title, heading or text."""
    text = (FIXTURES / "text" / "mirror_2022_skin.txt").read_text(encoding="utf-8")
    doc = parse_text(text, "mirror_2022_skin.txt")
    assert doc.title == "Kazakhstan–Mongolia relations"
    assert [(s.level, s.heading) for s in doc.sections] == [
        (2, "History"),
        (2, "Early contacts"),
        (2, "See also"),
    ]
    assert [p[:40] for p in doc.paragraphs()] == [
        "Kazakhstan–Mongolia relations refer to b",
        "While formal state relations were establ",
        "Kazakh nomads traded with Mongol herders",
    ]


def test_a_copy_without_the_tagline_reads_the_same():
    """Without the tagline nothing separates the chrome from the article by position: the
    contents box ends with its own button and the title comes before the language button."""
    text = (FIXTURES / "text" / "mirror_2022_skin.txt").read_text(encoding="utf-8")
    with_tagline = parse_text(text, "m.txt")
    doc = parse_text(text.replace("From Wikipedia, the free encyclopedia\n", ""), "m.txt")
    assert doc.title == "Kazakhstan–Mongolia relations"
    assert doc.infobox == with_tagline.infobox == []
    assert doc.sections == with_tagline.sections
    assert list(doc.paragraphs()) == list(with_tagline.paragraphs())


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory):
    folder = copy_four_seeds(tmp_path_factory.mktemp("mixed") / "docs")
    shutil.copy(FIXTURES / "html" / "parsoid.html", folder)
    shutil.copy(FIXTURES / "html" / "vector_2010.html", folder)
    shutil.copy(MIRROR, folder)
    return folder


def notes_on_copies(folder):
    """The build's notes on mixed_folder's copies of one article, each a little different
    (a mirror's text, two skins): each is stored, and the user told."""
    copies = {
        "Kazakhstan–Mongolia relations": ["002_33f84262c03c3c5e.txt", "mirror_kazakhstan.txt"],
        "Mongolia–United States relations": [
            "003_389149d6423ab54b.txt", "parsoid.html", "vector_2010.html"
        ],
    }  # fmt: skip
    return [
        f"{len(names)} articles have the title {title!r}"
        f" ({', '.join(str(folder / name) for name in names)}): copies of one article?"
        " Each is stored, and its events and visits are counted once per copy"
        for title, names in copies.items()
    ]


def test_mixed_folder_ingests_into_one_clean_database(mixed_folder, tmp_path):
    db_path = tmp_path / "mixed.db"
    stats = build(db_path, [mixed_folder])
    assert stats.counts["articles"] == 7
    articles = query(
        db_path,
        "select a.title, a.kind, a.partner_country,"
        " (select count(*) from sections s where s.article_id = a.id),"
        " (select count(*) from paragraphs p where p.article_id = a.id),"
        " (select count(distinct pc.country_code) from paragraph_countries pc"
        "   join paragraphs p on p.id = pc.paragraph_id where p.article_id = a.id),"
        " (select count(*) from events e where e.article_id = a.id)"
        " from articles a order by a.source",
    )
    by_source = dict(
        zip(sorted(p.name for p in mixed_folder.iterdir() if p.suffix != ".yml"), articles)
    )
    assert by_source["mirror_kazakhstan.txt"][:5] == (
        "Kazakhstan–Mongolia relations",
        "bilateral",
        "KAZ",
        4,
        6,
    )
    assert by_source["parsoid.html"][:3] == ("Mongolia–United States relations", "bilateral", "USA")
    assert by_source["vector_2010.html"][:3] == (
        "Mongolia–United States relations",
        "bilateral",
        "USA",
    )
    for title, _, _, sections, paragraphs, countries, events in articles:
        assert title and sections > 0 and paragraphs > 0 and countries > 0 and events > 0, title
    assert query(
        db_path,
        "select count(*) from paragraphs where text glob '*[[]edit]*' or text glob '*[[][0-9]]*'"
        " or text like '%citation needed%'",
    ) == [(0,)]
    assert query(db_path, "select count(*) from sections where heading like '%edit]%'") == [(0,)]
    # The HTML visits tables were read by header, whatever the column order.
    assert query(
        db_path,
        "select count(*) from visits join articles on articles.id = visits.article_id"
        " where articles.source like '%.html' and table_row_id is not null",
    ) == [(32,)]


def test_a_folder_gives_its_htm_pages_and_not_its_subfolders(tmp_path):
    folder = tmp_path / "docs"
    (folder / "older").mkdir(parents=True)
    shutil.copy(FIXTURES / "html" / "vector_2010.html", folder / "page.HTM")
    shutil.copy(MIRROR, folder / "older" / "copy.txt")
    build(tmp_path / "relations.db", [folder])
    stored = query(tmp_path / "relations.db", "select source, title from articles")
    assert [(Path(source).name, title) for source, title in stored] == [
        ("page.HTM", "Mongolia–United States relations")
    ]


def test_skip_bad_ingests_the_good_and_lists_the_bad(mixed_folder, tmp_path):
    folder = tmp_path / "docs"
    shutil.copytree(mixed_folder, folder)
    (folder / "broken.txt").write_bytes(b"\x00\x01binary")
    (folder / "empty.html").write_text("")
    db_path = tmp_path / "r.db"

    strict = run_cli("--db", db_path, folder)
    assert strict.returncode == 1
    assert (
        strict.stderr.strip()
        == f"Error: {folder / 'broken.txt'}: binary file (contains NUL bytes), not text"
    )
    assert not db_path.exists()

    result = run_cli("--db", db_path, "--skip-bad", folder)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"Skipped: {folder / 'broken.txt'}: binary file (contains NUL bytes), not text",
        f"Skipped: {folder / 'empty.html'}: empty file",
        *(f"Note: {note}" for note in notes_on_copies(folder)),
    ]
    assert "7 articles" in result.stdout and "(2 bad files skipped)" in result.stdout
    assert query(db_path, "select count(*) from articles") == [(7,)]


def test_many_shared_titles_are_told_in_one_note(tmp_path):
    # Each seed twice, the copy with a paragraph more: four titles, two articles each.
    folder = copy_four_seeds(tmp_path / "docs")
    entries = yaml.safe_load((folder / "sources.yml").read_text(encoding="utf-8"))
    for seed in sorted(folder.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        (folder / f"copy_{seed.name}").write_text(text + "\nA paragraph the copy adds.\n")
        entries[f"copy_{seed.name}"] = entries[seed.name]
    (folder / "sources.yml").write_text(yaml.safe_dump(entries), encoding="utf-8")
    stats = build(tmp_path / "r.db", [folder])
    titles = [title for (title,) in query(tmp_path / "r.db", "select distinct title from articles")]
    named = ", ".join(f"{title!r} (2 articles)" for title in sorted(titles)[:3])
    assert len(titles) == 4 and stats.counts["articles"] == 8
    note = (
        f"4 titles each belong to several articles ({named}, ...): copies of one article?"
        " Each is stored, and its events and visits are counted once per copy. This query"
        " lists them: select title, count(*) from articles group by title"
        " having count(*) > 1 order by title"
    )
    assert stats.notes == [note]


def test_pipes_and_devices_are_no_documents(tmp_path):
    # A named pipe would block the build for ever, a device like /dev/zero never end it.
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SEEDS / "002_33f84262c03c3c5e.txt", folder / "a.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "null.txt").symlink_to("/dev/null")
    result = run_cli("--db", tmp_path / "r.db", "--skip-bad", folder, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"Skipped: {folder / 'null.txt'}: is a device, not a document",
        f"Skipped: {folder / 'pipe.txt'}: is a named pipe, not a document",
    ]
    assert query(tmp_path / "r.db", "select count(*) from articles") == [(1,)]


def test_a_database_path_that_is_a_pipe_is_not_replaced(tmp_path):
    pipe = tmp_path / "relations.db"
    os.mkfifo(pipe)
    (tmp_path / "link.db").symlink_to(pipe)
    for db_path in (pipe, tmp_path / "link.db"):
        result = run_cli("--db", db_path, SEEDS / "002_33f84262c03c3c5e.txt", timeout=60)
        assert result.returncode == 1
        assert result.stderr.strip() == (
            f"Error: {db_path}: is a named pipe, not a database file: not replaced"
        )
        assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_same_content_under_two_names_is_stored_once(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    original = SEEDS / "002_33f84262c03c3c5e.txt"
    shutil.copy(original, folder / "a.txt")
    # Same words, other line endings and trailing spaces: still the same content.
    (folder / "b.txt").write_text(original.read_text(encoding="utf-8").replace("\n", "  \r\n"))
    result = run_cli("--db", tmp_path / "r.db", folder)
    assert result.returncode == 0
    assert result.stderr.strip() == (
        f"Duplicate: {folder / 'b.txt'} has the same content as {folder / 'a.txt'}; stored once"
    )
    assert query(tmp_path / "r.db", "select source from articles") == [(str(folder / "a.txt"),)]


def test_append_adds_replaces_and_keeps(tmp_path):
    seeds = copy_four_seeds(tmp_path / "seeds")
    db_path = tmp_path / "r.db"
    build(db_path, [seeds])
    before = query(db_path, "select id, source, content_hash from articles order by id")

    # New article: added with fresh ids; the others are untouched.
    stats = build(db_path, [MIRROR], append=True)
    assert (stats.counts["articles"], stats.unchanged, stats.replaced) == (1, 0, 0)
    after = query(db_path, "select id, source, content_hash from articles order by id")
    assert after[:4] == before and after[4][:2] == (5, str(MIRROR))
    # The user is told of the copy this build added, once.
    (note,) = stats.notes
    assert note.startswith("2 articles have the title 'Kazakhstan–Mongolia relations'")

    # Unchanged sources: nothing written, nothing told again.
    stats = build(db_path, [seeds], append=True)
    assert (stats.counts["articles"], stats.unchanged) == (0, 4)
    assert stats.notes == []

    # Changed content under the same source: the article is replaced, its old rows gone.
    kazakhstan = seeds / "002_33f84262c03c3c5e.txt"
    text = kazakhstan.read_text(encoding="utf-8")
    kazakhstan.write_text(text.replace("Trade turnover", "Zygomorphic turnover"))
    counts_before = query(
        db_path, "select (select count(*) from paragraphs), (select count(*) from events)"
    )
    stats = build(db_path, [seeds], append=True)
    assert (stats.counts["articles"], stats.replaced, stats.unchanged) == (1, 1, 3)
    assert query(
        db_path, "select (select count(*) from paragraphs), (select count(*) from events)"
    ) == (counts_before)
    assert query(
        db_path, "select id, slug from articles where source = :s", {"s": str(kazakhstan)}
    ) == [(6, "kazakhstan-mongolia-relations")]
    assert query(
        db_path, "select count(*) from paragraphs_fts where paragraphs_fts match 'zygomorphic'"
    ) == [(1,)]
    assert query(
        db_path, "select count(*) from paragraphs_fts where paragraphs_fts match 'turnover'"
    ) == [
        (2,)  # the new version and the mirror copy, not the replaced paragraph
    ]
    assert query(db_path, "pragma foreign_key_check") == []
    assert query(db_path, "select count(*) from articles") == [(5,)]


def test_a_source_changed_into_a_copy_of_another_leaves_one_article(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    japan, korea = folder / "a.txt", folder / "b.txt"
    japan.write_text("= Japan–Mongolia relations =\n\nRelations began in 1972.\n")
    korea.write_text("= Mongolia–South Korea relations =\n\nRelations began in 1990.\n")
    db_path = tmp_path / "r.db"
    build(db_path, [folder])
    shutil.copy(korea, japan)
    stats = build(db_path, [folder], append=True)
    assert (stats.replaced, stats.duplicates) == (1, [(str(japan), str(korea))])
    # One article, Korea's, as a full build of the folder gives (which stores it under
    # a.txt, the first of the two it reads).
    build(tmp_path / "full.db", [folder])
    titles = "select title from articles"
    assert query(db_path, titles) == query(tmp_path / "full.db", titles)
    assert query(db_path, "select title, source from articles") == [
        ("Mongolia–South Korea relations", str(korea))
    ]
    assert query(db_path, "pragma foreign_key_check") == []


def test_append_is_atomic(tmp_path):
    db_path = tmp_path / "r.db"
    build(db_path, [SEEDS])
    before = db_path.read_bytes()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xc3\x28 not utf-8")
    with pytest.raises(IngestError):
        build(db_path, [MIRROR, bad], append=True)
    assert db_path.read_bytes() == before


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüéß", min_size=1, max_size=9)
SENTENCE = st.lists(WORD, min_size=3, max_size=14).map(
    lambda words: " ".join(words).capitalize() + "."
)
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=200)
@given(st.lists(PARAGRAPH, min_size=1, max_size=8), st.sampled_from(["\n\n", "\n", "\n\n\n"]))
def test_no_word_of_prose_is_lost(paragraphs, separator):
    doc = parse_text(separator.join(paragraphs), "prop.txt")
    assert doc.paragraphs() == paragraphs


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=400))
def test_any_text_parses_or_raises_ingest_error(text):
    try:
        doc = parse_text(text, "any.txt")
    except IngestError as error:
        assert error.path == "any.txt" and error.reason
        return
    stored = " ".join(
        doc.paragraphs()
        + [s.heading for s in doc.sections]
        + [doc.title or ""]
        + [f"{k} {v}" for k, v in doc.infobox]
    )
    assert stored.strip()


def test_without_the_tagline_only_the_head_of_the_copy_is_chrome():
    """A language button after the article's first sentence (where the 2010 skin puts its
    languages box) names no title, and a contents box never swallows prose."""
    text = (FIXTURES / "text" / "mirror_2022_skin.txt").read_text(encoding="utf-8")
    text = text.replace("From Wikipedia, the free encyclopedia\n", "")
    late_button = text.replace("2 languages\n", "") + "\nAdd links\n"
    assert parse_text(late_button, "m.txt").title is None
    box_at_the_end = text.replace("Toggle the table of contents\n", "") + (
        "\nToggle the table of contents\n"
    )
    paragraphs = list(parse_text(box_at_the_end, "m.txt").paragraphs())
    assert [p[:40] for p in paragraphs] == [
        "Kazakhstan–Mongolia relations refer to b",
        "While formal state relations were establ",
        "Kazakh nomads traded with Mongol herders",
    ]


def test_append_knows_a_source_however_its_path_is_written(tmp_path):
    folder = copy_four_seeds(tmp_path / "docs")
    db_path = tmp_path / "r.db"
    assert run_cli("--db", db_path, folder).returncode == 0  # stored as written here
    kazakhstan = folder / "002_33f84262c03c3c5e.txt"
    kazakhstan.write_text(kazakhstan.read_text(encoding="utf-8").replace("Trade", "Commerce"))
    (tmp_path / "link").symlink_to(folder)
    result = run_cli("--db", db_path, "--append", tmp_path / "link" / "002_33f84262c03c3c5e.txt")
    assert result.returncode == 0, result.stderr
    assert "(1 replaced)" in result.stdout
    assert query(db_path, "select slug from articles where slug like 'kazakhstan%'") == [
        ("kazakhstan-mongolia-relations",)
    ]


def test_append_from_another_folder_notes_the_sources_it_cannot_find(tmp_path):
    folder = copy_four_seeds(tmp_path / "docs")
    db_path = tmp_path / "r.db"
    assert run_cli("--db", db_path, "docs/", cwd=tmp_path).returncode == 0
    result = run_cli("--db", db_path, "--append", "002_33f84262c03c3c5e.txt", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        f"Note: 4 articles of {db_path} have a source not found from this folder"
        " (docs/000_00c727371ce16b12.txt, docs/001_5aec68fe40d6b87b.txt,"
        " docs/002_33f84262c03c3c5e.txt, ...): --append knows a source by its path from the"
        " folder the database was built from"
    )


def test_a_full_build_notes_the_articles_it_leaves_out(tmp_path):
    db_path = tmp_path / "r.db"
    extra = tmp_path / "extra.txt"
    extra.write_text("= Japan–Mongolia relations =\n\nJapan and Mongolia met in 1972.\n")
    seeds = copy_four_seeds(tmp_path / "seeds")
    assert run_cli("--db", db_path, seeds).returncode == 0
    assert run_cli("--db", db_path, "--append", extra).returncode == 0
    result = run_cli("--db", db_path, seeds)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        f"Note: {db_path} held 1 article from sources not read this time ({extra}): the new"
        " database does not have it (--append adds to a database instead of replacing it)\n"
    )
    assert query(db_path, "select count(*) from articles") == [(4,)]
    assert run_cli("--db", db_path, seeds).stderr == ""  # nothing left out now


def test_append_sees_paragraphs_joined_but_not_spacing(tmp_path):
    """A line is a paragraph in the seed format and a blank line ends an infobox: moving
    either is a change; spaces, line endings and more blank lines are not."""
    document = tmp_path / "k.txt"
    text = (SEEDS / "002_33f84262c03c3c5e.txt").read_text(encoding="utf-8")
    document.write_text(text)
    db_path = tmp_path / "r.db"
    build(db_path, [document])
    (paragraphs,) = query(db_path, "select count(*) from paragraphs")

    respaced = text.replace(" ", "  ").replace("\n\n", "\n\n\n").replace("\n", " \r\n")
    document.write_bytes(("\n\n" + respaced).encode("utf-8"))
    assert build(db_path, [document], append=True).unchanged == 1

    first = next(line for line in text.splitlines() if line.startswith("The Xiongnu"))
    joined = text.replace(f"{first}\n\nIt was", f"{first} It was")
    assert joined != text
    document.write_text(joined)
    stats = build(db_path, [document], append=True)
    assert (stats.replaced, stats.unchanged) == (1, 0)
    assert query(db_path, "select count(*) from paragraphs") == [(paragraphs[0] - 1,)]

    document.write_text(joined.replace("- Party1: Kazakhstan\n", "- Party1: Kazakhstan\n\n"))
    assert build(db_path, [document], append=True).replaced == 1


def test_only_bad_files_with_skip_bad_lists_them_and_stores_nothing(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00binary")
    for append in ([], ["--append"]):
        result = run_cli("--db", tmp_path / "r.db", "--skip-bad", *append, bad)
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            f"Skipped: {bad}: binary file (contains NUL bytes), not text",
            f"Error: {tmp_path / 'r.db'}: no usable documents: the database was not changed",
        ]
        assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.txt"]


def test_a_folder_that_cannot_be_read_is_named_as_a_source(tmp_path, monkeypatch):
    def refuse(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Path, "iterdir", refuse)
    files, errors, _ = discover([SEEDS])
    assert files == []
    assert [str(e) for e in errors] == [f"{SEEDS}: cannot read: Permission denied"]


def test_one_article_saved_from_two_skins_is_stored_once(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for skin in ("vector_2010.html", "vector_2022.html"):
        shutil.copy(FIXTURES / "html" / skin, folder)
    stats = build(tmp_path / "r.db", [folder])
    assert stats.counts["articles"] == 1
    assert stats.duplicates == [
        (str(folder / "vector_2022.html"), str(folder / "vector_2010.html"))
    ]
    title = "Mongolia–United States relations"
    # The copy kept is credited with what either page says: only the 2022 skin's footer
    # names the licence.
    assert query(tmp_path / "r.db", "select source_url, license, attribution from articles") == [
        (
            f"{PERMALINK}1180000000",
            "CC BY-SA 4.0",
            f'Wikipedia contributors, "{title}", Wikipedia, The Free Encyclopedia',
        )
    ]


def test_articles_credit_their_source_as_sources_yml_or_else_the_page_says(mixed_folder, tmp_path):
    db_path = tmp_path / "mixed.db"
    stats = build(db_path, [mixed_folder])
    credits = query(db_path, "select source, source_url, license from articles order by source")
    wikipedia = "https://en.wikipedia.org/wiki/{}_relations"
    assert [(Path(source).name, url, license) for source, url, license in credits] == [
        ("000_00c727371ce16b12.txt", wikipedia.format("China%E2%80%93Mongolia"), "CC BY-SA 4.0"),
        ("001_5aec68fe40d6b87b.txt", None, "unknown (provenance not recorded; check before republishing)"),
        ("002_33f84262c03c3c5e.txt", wikipedia.format("Kazakhstan%E2%80%93Mongolia"), "CC BY-SA 4.0"),
        ("003_389149d6423ab54b.txt", wikipedia.format("Mongolia%E2%80%93United_States"), "CC BY-SA 4.0"),
        ("mirror_kazakhstan.txt", None, None),
        ("parsoid.html", wikipedia.format("Mongolia%E2%80%93United_States"), None),
        (
            "vector_2010.html",
            f"{PERMALINK}1180000000",
            None,
        ),
    ]  # fmt: skip
    assert stats.notes == notes_on_copies(mixed_folder)


def test_sources_yml_says_what_a_page_does_not(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(FIXTURES / "html" / "saved_page.html", folder)
    (folder / "sources.yml").write_text("saved_page.html:\n  url: null\n  license: mine\n")
    build(tmp_path / "r.db", [folder])
    assert query(tmp_path / "r.db", "select source_url, license, attribution from articles") == [
        (None, "mine", None)
    ]


def test_append_takes_in_a_new_sources_yml_entry(tmp_path):
    folder = copy_four_seeds(tmp_path / "docs")
    db_path = tmp_path / "r.db"
    build(db_path, [folder])
    sources = folder / "sources.yml"
    sources.write_text(
        sources.read_text(encoding="utf-8").replace(
            "license: unknown (provenance not recorded; check before republishing)",
            "license: CC BY 4.0",
        )
    )
    stats = build(db_path, [folder], append=True)
    assert (stats.replaced, stats.unchanged) == (1, 3)
    assert query(db_path, "select license from articles where kind = 'essay'") == [("CC BY 4.0",)]


def test_append_adds_the_columns_an_older_database_lacks(tmp_path):
    folder, later = copy_four_seeds(tmp_path / "docs"), tmp_path / "later"
    later.mkdir()
    (folder / "003_389149d6423ab54b.txt").rename(later / "003_389149d6423ab54b.txt")
    (later / "sources.yml").write_text(
        "003_389149d6423ab54b.txt:\n  license: CC BY-SA 4.0\n  attribution: Wikipedia contributors\n"
    )
    db_path = tmp_path / "r.db"
    build(db_path, [folder])
    with sqlite3.connect(db_path) as conn:  # as built before articles had an attribution
        conn.execute("alter table articles drop column attribution")
        # ... and before visits and amounts had a precision.
        dated = {
            table: query(db_path, f"select id, precision from {table} order by id")
            for table in ("visits", "amounts")
        }
        for table in dated:
            conn.execute(f"drop index {table}_precision_id_year")
            conn.execute(f"alter table {table} drop column precision")
        # ... and counted its timelines by other rules (or had no such table).
        conn.execute("insert into event_country_years values ('KAZ', 1066, 1)")
        # ... and looked countries up by name in no view, knowing no successors.
        conn.execute("drop view country_names")
        conn.execute("alter table countries drop column successor")
    stats = build(db_path, [later], append=True)
    assert query(db_path, "select code from country_names where name = 'burma' collate nocase") == [
        ("MMR",)
    ]
    # The append touched the US article only, and every country's timeline is counted again.
    assert query(db_path, "select * from event_country_years order by 1, 2") == query(
        db_path, EVENTS_PER_COUNTRY_YEAR
    )
    assert stats.counts["articles"] == 1
    assert query(db_path, "select id, attribution from articles order by id") == [
        (1, None),
        (2, None),
        (3, None),
        (4, "Wikipedia contributors"),
    ]
    # The rows stored before are dated as they were counted then: a visit by its date's
    # shape (the seeds date none only to a decade), an amount as of its year.
    assert dated["visits"] and dated["amounts"]
    for table, earlier in dated.items():
        ids = ", ".join(str(row_id) for row_id, _ in earlier)
        stored = query(db_path, f"select id, precision from {table} where id in ({ids})")
        if table == "visits":
            assert stored == earlier
        else:
            assert stored == [(row_id, "year") for row_id, _ in earlier]


def test_a_sources_yml_entry_for_no_file_is_noted(tmp_path):
    folder = copy_four_seeds(tmp_path / "docs")
    sources = folder / "sources.yml"
    sources.write_text(
        sources.read_text(encoding="utf-8").replace("001_5aec68fe40d6b87b.txt:", "001_typo.txt:")
    )
    result = run_cli("--db", tmp_path / "r.db", folder)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        f"Note: {sources}: 001_typo.txt: no such file in the folder; the entry is not used\n"
    )
    assert "4 articles" in result.stdout


def test_a_full_build_from_another_folder_leaves_nothing_out(tmp_path):
    folder = copy_four_seeds(tmp_path / "docs")
    db_path = tmp_path / "r.db"
    assert run_cli("--db", db_path, "docs/", cwd=tmp_path).returncode == 0
    result = run_cli("--db", db_path, ".", cwd=folder)  # the same files, written otherwise
    assert (result.returncode, result.stderr) == (0, "")


EVENTS_PER_COUNTRY_YEAR = (
    "select event_countries.country_code, events.year, count(*) from event_countries"
    " join events on events.id = event_countries.event_id"
    " where precision not in ('decade', 'century') group by 1, 2 order by 1, 2"
)


def test_event_years_are_counted_again_by_every_build(tmp_path):
    folder = copy_four_seeds(tmp_path / "docs")
    db_path = tmp_path / "r.db"
    build(db_path, [folder])
    summary = "select country_code, year, events from event_country_years order by 1, 2"
    counted = query(db_path, EVENTS_PER_COUNTRY_YEAR)
    assert ("KAZ", 1992, 3) in counted  # relations established, two missions opened
    assert query(db_path, summary) == counted
    kazakhstan = folder / "002_33f84262c03c3c5e.txt"
    kazakhstan.write_text(kazakhstan.read_text(encoding="utf-8").replace("1992", "1993"))
    build(db_path, [folder], append=True)
    recounted = query(db_path, EVENTS_PER_COUNTRY_YEAR)
    assert recounted != counted
    assert query(db_path, summary) == recounted
    # An --append recounts the countries it touched, those it took away included.
    extra = tmp_path / "iceland.txt"
    extra.write_text("= Iceland–Mongolia relations =\n\nThey established relations in 1974.\n")
    build(db_path, [extra], append=True)
    assert ("ISL", 1974, 1) in query(db_path, summary)
    extra.write_text("= Iceland–Mongolia relations =\n\nNo date is given here.\n")
    build(db_path, [extra], append=True)
    assert query(db_path, summary) == query(db_path, EVENTS_PER_COUNTRY_YEAR) == recounted


MARKED = (
    "Relations began in 1921,[12] the year[when?] of the revolution.[edit source] Trade"
    " grew[dubious – discuss][ab][A][Note 3][NB 1] in the 1990s [1921] and after.[Citation"
    " needed]"
)
CLEAN = (
    "Relations began in 1921, the year of the revolution. Trade grew in the 1990s [1921] and after."
)


def test_the_text_and_html_readers_clean_text_alike():
    """One article as a seed file and as a saved page: the same paragraphs, and the same
    sections dropped, since both readers clean with document.clean_inline."""
    text = (
        f"= T =\n\n{MARKED}\n\n== Bibliography ==\n\nA book, 1990.\n\n=== Articles ===\n\n"
        "An article, 1991.\n\n== Later ==\n\nIt went on in 1995.\n"
    )
    page = (
        '<html><head><title>T - Wikipedia</title></head><body><h1 id="firstHeading">T</h1>'
        f'<div class="mw-parser-output"><p>{MARKED}</p><h2>Bibliography</h2>'
        "<p>A book, 1990.</p><h3>Articles</h3><p>An article, 1991.</p><h2>Later</h2>"
        "<p>It went on in 1995.</p></div></body></html>"
    )
    for doc in [parse_text(text, "t.txt"), parse_html(page, "t.html")]:
        assert [section.heading for section in doc.sections] == ["Later"]
        assert [block.text for _, block in doc.all_blocks()] == [CLEAN, "It went on in 1995."]


def test_append_stores_again_what_other_rules_stored(tmp_path, monkeypatch):
    """Sources the ingest's rules (its code, country aliases, schema) read another way
    since they were stored are changed sources for --append: their articles are stored
    again, by today's rules; an unchanged source under unchanged rules is left alone."""
    seeds = copy_four_seeds(tmp_path / "seeds")
    db_path = tmp_path / "r.db"
    build(db_path, [seeds])
    types = "select id, event_type from events order by id"
    by_these_rules = query(db_path, types)
    with sqlite3.connect(db_path) as conn:  # as rules that typed no event would have stored
        conn.execute("update events set event_type = 'other'")
    assert build(db_path, [seeds], append=True).unchanged == 4
    monkeypatch.setattr(prepare, "rules_digest", lambda: "the rules of an earlier version")
    stats = build(db_path, [seeds], append=True)
    assert (stats.unchanged, stats.replaced) == (0, 4)
    assert [event_type for _, event_type in query(db_path, types)] == [
        event_type for _, event_type in by_these_rules
    ]


def test_the_rules_digest_changes_with_what_makes_rows_only(tmp_path, monkeypatch):
    """Code and data that shape rows change the digest; lines of comments, line endings,
    an editor's hidden files and the command line's own code do not."""
    shutil.copytree(ROOT / "ingest", tmp_path / "ingest", ignore=shutil.ignore_patterns("__py*"))
    shutil.copy(ROOT / "schema.sql", tmp_path)
    monkeypatch.setattr(prepare, "INGEST", tmp_path / "ingest")
    monkeypatch.setattr(prepare, "SCHEMA", tmp_path / "schema.sql")

    def digest_after(path, change):
        path = tmp_path / path
        original = path.read_bytes()
        path.write_bytes(change(original))
        digest = rules_digest()
        path.write_bytes(original)
        return digest

    rules_digest = prepare.rules_digest.__wrapped__  # not the build's, which is cached
    unchanged = rules_digest()
    assert unchanged == rules_digest()
    (tmp_path / "ingest" / ".#extract.py").symlink_to("nobody@host.1:1")  # an Emacs lock
    for path, change in [
        ("ingest/extract.py", lambda text: text + b"# a comment\n"),
        ("ingest/extract.py", lambda text: text.replace(b"\n", b"\r\n")),
        ("ingest/country_aliases.yml", lambda text: b"# a comment\n" + text),
        ("ingest/__main__.py", lambda text: text + b"\nprint()\n"),
        ("schema.sql", lambda text: text.replace(b"\n", b"\r\n")),
    ]:
        assert digest_after(path, change) == unchanged, (path, change)
    for path, change in [
        ("ingest/extract.py", lambda text: text.replace(b'"aid"', b'"help"', 1)),
        ("ingest/writer.py", lambda text: text + b"\nNEW = 1\n"),
        ("ingest/country_aliases.yml", lambda text: text.replace(b"[Kazakh,", b"[Qazaq,", 1)),
        ("schema.sql", lambda text: text + b"\nCREATE TABLE IF NOT EXISTS more (x);\n"),
    ]:
        assert digest_after(path, change) != unchanged, (path, change)


def test_a_link_that_leads_nowhere_is_named_as_one(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "moved.txt")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    _, errors, _ = discover([tmp_path / "gone.txt", tmp_path / "loop.txt"])
    assert [str(error) for error in errors] == [
        f"{tmp_path / 'gone.txt'}: is a link to {tmp_path / 'moved.txt'}, which leads to no file",
        f"{tmp_path / 'loop.txt'}: is a link to {tmp_path / 'loop.txt'}, which leads to no file",
    ]
