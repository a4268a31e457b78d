import json
import multiprocessing
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlite_utils

from ingest import prepare
from ingest.document import IngestError
from ingest.load import Stats, build
from ingest.prepare import bilateral_partner
from ingest.sources import discover, read_text
from ingest.writer import Writer, slugify

from .conftest import ROOT, SEEDS, copy_four_seeds, query, run_cli


def test_articles_from_the_seeds(seeds_db):
    assert query(seeds_db, "select id, slug, title, kind, source from articles order by id") == [
        (
            1,
            "china-mongolia-relations",
            "China–Mongolia relations",
            "bilateral",
            f"{SEEDS}/000_00c727371ce16b12.txt",
        ),
        (
            2,
            "mongolias-diplomatic-strategy-in-the-post-communist-era",
            "Mongolia's Diplomatic Strategy in the Post-Communist Era",
            "essay",
            f"{SEEDS}/001_5aec68fe40d6b87b.txt",
        ),
        (
            3,
            "kazakhstan-mongolia-relations",
            "Kazakhstan–Mongolia relations",
            "bilateral",
            f"{SEEDS}/002_33f84262c03c3c5e.txt",
        ),
        (
            4,
            "mongolia-united-states-relations",
            "Mongolia–United States relations",
            "bilateral",
            f"{SEEDS}/003_389149d6423ab54b.txt",
        ),
    ]
    licences = query(seeds_db, "select license, source_url is not null from articles order by id")
    assert licences[0] == ("CC BY-SA 4.0", 1)
    assert licences[1][0].startswith("unknown")
    wikipedia = 'Wikipedia contributors, "{}", Wikipedia, The Free Encyclopedia'
    assert query(seeds_db, "select attribution from articles order by id") == [
        (wikipedia.format("China–Mongolia relations"),),
        (None,),
        (wikipedia.format("Kazakhstan–Mongolia relations"),),
        (wikipedia.format("Mongolia–United States relations"),),
    ]


def test_united_states_visits_table_has_16_rows_keyed_by_header(seeds_db):
    (columns,) = query(
        seeds_db,
        "select columns from tables join articles on articles.id = tables.article_id"
        " where slug = 'mongolia-united-states-relations'",
    )[0]
    assert json.loads(columns) == ["Date", "Person", "Office", "Location"]
    data = [
        json.loads(d) for (d,) in query(seeds_db, "select data from table_rows order by position")
    ]
    assert len(data) == 16
    assert data[3] == {
        "Date": "January 22 – 24, 1991",
        "Person": "Punsalmaagiin Ochirbat",
        "Office": "President of Mongolia",
        "Location": "Washington, D.C.",
    }


def test_essay_sections_are_found(seeds_db):
    headings = query(
        seeds_db, "select level, heading from sections where article_id = 2 order by position"
    )
    assert len(headings) == 24
    assert headings[0] == (2, "Unraveling the Post-Communist Tapestry")
    assert headings[-1] == (2, "Striking a Delicate Balance")
    assert (2, "The Belt and Road Initiative (BRI)") in headings
    # The essay's intro is its lead: before the first heading, in no section.
    assert query(
        seeds_db, "select count(*) from paragraphs where article_id = 2 and section_id is null"
    ) == [(1,)]


def test_section_tree_and_clean_headings(seeds_db):
    tree = query(
        seeds_db,
        "select s.heading, p.heading from sections s left join sections p on p.id = s.parent_id"
        " where s.article_id = 4 order by s.position limit 5",
    )
    assert tree == [
        ("History", None),
        ("Early relations", "History"),
        ("Modern era", "History"),
        ("High level visits", "History"),
        ("Development assistance", None),
    ]
    assert query(
        seeds_db,
        "select count(*) from sections where heading like '%=%' or heading like '%[edit]%'",
    ) == [(0,)]


def test_counts_from_the_seeds(seeds_db):
    db = sqlite_utils.Database(seeds_db)
    counts = {
        t: db[t].count for t in ["articles", "sections", "paragraphs", "list_items", "infobox"]
    }
    assert counts == {
        "articles": 4,
        "sections": 49,
        "paragraphs": 89,
        "list_items": 10,
        "infobox": 18,
    }
    assert db["paragraphs_fts"].count == 89


def test_see_also_lists(seeds_db):
    assert query(
        seeds_db,
        "select item, text from list_items where article_id = 3 order by position, item",
    ) == [
        (1, "Foreign relations of Kazakhstan"),
        (2, "Foreign relations of Mongolia"),
        (3, "Kyrgyzstan–Mongolia relations"),
    ]
    # Each list numbers its own items; the items of a list share its position.
    lists = query(
        seeds_db,
        "select position, group_concat(item) from (select * from list_items order by id)"
        " group by article_id, position",
    )
    assert len(lists) > 1
    assert all(items == ",".join(map(str, range(1, items.count(",") + 2))) for _, items in lists)


@pytest.mark.parametrize(
    "title,partner",
    [
        ("China–Mongolia relations", "China"),
        ("Mongolia–United States relations", "United States"),
        ("Mongolia-Japan relations", "Japan"),
        ("Mongolia—Japan relations", "Japan"),
        ("Foreign relations of Mongolia", None),
        ("China–Russia relations", None),
    ],
)
def test_bilateral_partner(title, partner):
    assert bilateral_partner(title) == partner


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Mongolia's Diplomatic Strategy", "mongolias-diplomatic-strategy"),
        ("People’s Republic of China", "peoples-republic-of-china"),
        ("Khürelsükh – Ulaanbaatar", "khurelsukh-ulaanbaatar"),
        ("Монгол Улсын гадаад харилцаа", "mongol-ulsyn-gadaad-khariltsaa"),
        ("?!", "article"),
    ],
)
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_articles_in_other_scripts_get_readable_slugs(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    for name, title in [("a.txt", "Монгол–Хятадын харилцаа"), ("b.txt", "Монгол–Оросын харилцаа")]:
        (sources / name).write_text(f"= {title} =\n\nA treaty was signed in 1990.\n", "utf-8")
    build(tmp_path / "relations.db", [sources])
    assert query(tmp_path / "relations.db", "select slug from articles order by id") == [
        ("mongol-khiatadyn-khariltsaa",),
        ("mongol-orosyn-khariltsaa",),
    ]


def test_articles_of_one_title_get_numbered_slugs(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    for name, year in [("a.txt", 1990), ("b.txt", 1991), ("c.txt", 1992)]:
        text = f"= Mongolia and Tibet =\n\nA treaty was signed in {year}.\n"
        (sources / name).write_text(text, encoding="utf-8")
    build(tmp_path / "relations.db", [sources])
    assert query(tmp_path / "relations.db", "select slug from articles order by id") == [
        ("mongolia-and-tibet",),
        ("mongolia-and-tibet-2",),
        ("mongolia-and-tibet-3",),
    ]


def dump(path):
    return list(sqlite3.connect(path).iterdump())


def test_the_installed_command_builds_from_any_folder(tmp_path):
    """pyproject's mongolia-relations-ingest is python -m ingest, run outside the project."""
    command = Path(sys.executable).with_name("mongolia-relations-ingest")
    result = subprocess.run(
        [command, "--db", "from-elsewhere.db", SEEDS],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    build(tmp_path / "built.db", [SEEDS])
    assert dump(tmp_path / "from-elsewhere.db") == dump(tmp_path / "built.db")


def test_same_input_gives_the_same_database(tmp_path):
    build(tmp_path / "a.db", [SEEDS])
    build(tmp_path / "b.db", [SEEDS])
    assert dump(tmp_path / "a.db") == dump(tmp_path / "b.db")
    # Rebuilding over an existing database is safe too.
    build(tmp_path / "a.db", [SEEDS])
    assert dump(tmp_path / "a.db") == dump(tmp_path / "b.db")


def test_cli_builds_and_summarises(tmp_path):
    db_path = tmp_path / "r.db"
    result = run_cli("--db", db_path, SEEDS)
    assert result.returncode == 0, result.stderr
    db = sqlite_utils.Database(db_path)
    counts = [db[table].count for table in ("articles", "sections", "paragraphs", "events")]
    summary = result.stdout.strip()
    assert re.fullmatch(
        re.escape(
            f"{db_path}: {counts[0]} articles, {counts[1]} sections, {counts[2]} paragraphs,"
            f" {counts[3]} events, {db['visits'].count} visits in "
        )
        + r"\d+\.\d\ds",
        summary,
    )
    # An append says what it added; one of a kind is singular.
    one = tmp_path / "one.txt"
    one.write_text("= Japan–Mongolia relations =\n\nThey met in 1972.\n", encoding="utf-8")
    result = run_cli("--db", db_path, "--append", one, SEEDS)
    stored = len(discover([SEEDS])[0])  # the seeds, each stored once
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(
        re.escape(f"{db_path}: added 1 article, 0 sections, 1 paragraph, 1 event, 0 visits in ")
        + rf"\d+\.\d\ds \({stored} unchanged\)",
        result.stdout.strip(),
    )


BAD_INPUTS = {
    "latin1.txt": (
        "= T =\n\nCaf\xe9 au lait.\n".encode("latin-1"),
        "not UTF-8: byte 0xe9 at offset 10",
    ),
    "binary.txt": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "binary file (contains NUL bytes), not text",
    ),
    "utf16.txt": ("= T =\n\nTea.\n".encode("utf-16"), "UTF-16 text: save it as UTF-8"),
    "utf16_cyrillic.txt": ("Монголия".encode("utf-16"), "UTF-16 text: save it as UTF-8"),
    "empty.txt": (b"", "empty file"),
    "blank.txt": (b"\n  \n", "empty file"),
    "notes.pdf": (b"%PDF-1.4", "unknown extension '.pdf': expected .txt, .html or .htm"),
    "declared.html": (
        b'<html><head><meta charset="us-ascii"></head><body>Caf\xe9</body></html>',
        "not UTF-8, nor us-ascii as it declares: byte 0xe9 at offset 53",
    ),
}


@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="windows-1252">',
        '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
    ],
)
def test_a_page_not_in_utf8_is_read_as_it_declares(tmp_path, meta):
    body = (
        '<div id="mw-content-text"><div class="mw-parser-output">'
        "<p>Khürelsükh visited Almaty in 2019, and Nazarbayev came in 1993.</p></div></div>"
    )
    page = f"<html><head>{meta}<title>Kazakhstan–Mongolia relations</title></head><body>{body}"
    for name, encoding in (("utf8.html", "utf-8"), ("legacy.html", "cp1252")):
        (tmp_path / name).write_bytes(page.replace("–", "-").encode(encoding))
    build(tmp_path / "utf8.db", [tmp_path / "utf8.html"])
    build(tmp_path / "legacy.db", [tmp_path / "legacy.html"])
    paragraphs = "select text from paragraphs"
    assert query(tmp_path / "legacy.db", paragraphs) == query(tmp_path / "utf8.db", paragraphs)
    assert query(tmp_path / "legacy.db", paragraphs) == [
        ("Khürelsükh visited Almaty in 2019, and Nazarbayev came in 1993.",)
    ]


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_error_and_database_untouched(tmp_path, name):
    db_path = tmp_path / "r.db"
    assert run_cli("--db", db_path, SEEDS).returncode == 0
    before = db_path.read_bytes()
    content, reason = BAD_INPUTS[name]
    bad = tmp_path / name
    bad.write_bytes(content)

    result = run_cli("--db", db_path, SEEDS, bad)

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert error_lines == [f"Error: {bad}: {reason}"]
    assert db_path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".r.db")] == []


def test_bad_file_in_a_folder_is_named(tmp_path):
    folder = tmp_path / "docs"
    shutil.copytree(SEEDS, folder)
    (folder / "zz_bad.txt").write_bytes(b"caf\xe9 broken")
    result = run_cli("--db", tmp_path / "r.db", folder)
    assert result.returncode == 1
    assert f"Error: {folder / 'zz_bad.txt'}: not UTF-8: byte 0xe9 at offset 3" in result.stderr
    assert not (tmp_path / "r.db").exists()


def test_missing_source(tmp_path):
    result = run_cli("--db", tmp_path / "r.db", tmp_path / "nope.txt")
    assert result.returncode == 1
    assert f"Error: {tmp_path / 'nope.txt'}: no such file or folder" in result.stderr


def test_unreadable_file_reason(tmp_path):
    directory = tmp_path / "folder.txt"
    directory.mkdir()
    with pytest.raises(IngestError) as error:
        read_text(directory)
    assert str(error.value) == f"{directory}: cannot read: Is a directory"


def test_parallel_build_equals_serial_build(tmp_path, monkeypatch):
    """Workers, the large-file path and batch sizes change nothing: ids follow the input order."""
    build(tmp_path / "serial.db", [SEEDS], workers=1)
    # Make one seed "large": it is prepared lazily in the main process, between pool results.
    monkeypatch.setattr("ingest.prepare.LARGE_FILE", 10_000)
    build(tmp_path / "parallel.db", [SEEDS], workers=2)
    assert dump(tmp_path / "serial.db") == dump(tmp_path / "parallel.db")
    # Rows written after every paragraph: an article's row is stored before its date of
    # relations is known, and gets it afterwards.
    monkeypatch.setattr("ingest.writer.FLUSH_EVERY", 1)
    build(tmp_path / "row_by_row.db", [SEEDS], workers=2)
    assert dump(tmp_path / "serial.db") == dump(tmp_path / "row_by_row.db")


def test_workers_prepare_a_bounded_number_of_files_ahead(tmp_path, monkeypatch):
    """The workers stop PREPARED_AHEAD tasks each ahead of the writer, however slow it is:
    memory stays bounded on a machine with many cores. Results still come in file order."""
    for number in range(12):
        (tmp_path / f"{number:02}.txt").write_text(f"= Article {number} =\n\nIt began in 1990.\n")
    files, _, _ = discover([tmp_path])
    log = tmp_path / "prepared.log"
    real_prepare = prepare.prepare

    def logged_prepare(source_file, lazy=False):
        with open(log, "a", encoding="utf-8") as handle:  # the workers write it too
            handle.write(f"{source_file.name}\n")
        return real_prepare(source_file, lazy)

    monkeypatch.setattr("ingest.prepare.prepare", logged_prepare)
    monkeypatch.setattr("ingest.prepare.FILES_PER_TASK", 1)
    monkeypatch.setattr("ingest.prepare.PREPARED_AHEAD", 2)

    def prepared_so_far():
        return len(log.read_text(encoding="utf-8").splitlines())

    taken = []
    for source_file, prepared in prepare.prepared_in_order(files, workers=2):
        if not taken:  # a writer that stops: the workers go as far as they may, then wait
            # As far as: 2 tasks each, and the one given for the result taken first.
            limit = 2 * 2 + 1
            deadline = time.monotonic() + 10
            while prepared_so_far() < limit and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(0.5)  # time enough to go past the limit, if they could
            assert prepared_so_far() == limit
        taken.append((source_file.name, prepared.doc.title))
        assert prepared_so_far() <= len(taken) + 2 * 2
    assert taken == [(f.name, f"Article {int(f.path.stem)}") for f in files]


def test_a_worker_that_dies_stops_the_build_instead_of_hanging(tmp_path, monkeypatch):
    for number in range(8):
        (tmp_path / f"{number:02}.txt").write_text(f"= Article {number} =\n\nIt began in 1990.\n")
    real_prepare = prepare.prepare

    def dying_prepare(source_file, lazy=False):
        if source_file.path.name == "05.txt" and multiprocessing.parent_process():
            os._exit(1)  # as the kernel's out-of-memory killer would end it
        return real_prepare(source_file, lazy)

    monkeypatch.setattr("ingest.prepare.prepare", dying_prepare)
    db_path = tmp_path / "r.db"

    def hung(*_):
        raise TimeoutError("the build waited for the dead worker")

    # A hang fails this test rather than stopping the whole run.
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)
    try:
        with pytest.raises(IngestError) as raised:
            build(db_path, [tmp_path], workers=2)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert "a worker process stopped" in raised.value.reason
    assert not db_path.exists()
    assert list(tmp_path.glob(".r.db.*")) == []  # no temporary file left


def test_a_failed_build_leaves_no_worker_running(tmp_path):
    folder = tmp_path / "docs"
    shutil.copytree(SEEDS, folder)
    (folder / "001a_broken.txt").write_bytes(b"\x00binary")  # read in the middle
    with pytest.raises(IngestError, match="binary file"):
        build(tmp_path / "r.db", [folder], workers=2)
    # While the error (and its traceback) is still held, the pool is gone already.
    assert multiprocessing.active_children() == []


def test_parser_failure_is_named_and_skippable(tmp_path):
    odd = tmp_path / "only_separator.txt"
    odd.write_text("Intro without a heading.\n|---|\n")  # parses: a separator alone is no table
    headings = tmp_path / "headings.txt"
    headings.write_text("== A ==\n== B ==\n")
    seeds = copy_four_seeds(tmp_path / "seeds")
    result = run_cli("--db", tmp_path / "r.db", "--skip-bad", seeds, odd, headings)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [f"Skipped: {headings}: no paragraphs found"]
    assert "5 articles" in result.stdout


def other_database(path):
    sqlite3.connect(path).execute("create table notes (text)").connection.commit()
    return "is a SQLite database without an articles table: not replaced"


def a_text_file(path):
    path.write_text("x\n")
    return "exists and is not a SQLite database: not replaced"


@pytest.mark.parametrize("append", [[], ["--append"]])
@pytest.mark.parametrize("make_file", [a_text_file, other_database])
@pytest.mark.parametrize("name", ["g.db", "notes#2024 50%.db"])  # URI characters too
def test_a_file_that_is_not_our_database_is_never_replaced(tmp_path, make_file, append, name):
    target = tmp_path / name
    reason = make_file(target)
    before = target.read_bytes()
    result = run_cli("--db", target, *append, SEEDS)
    assert (result.returncode, result.stderr) == (1, f"Error: {target}: {reason}\n")
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_source_given_as_the_database_is_left_alone(tmp_path):
    folder = tmp_path / "docs"
    shutil.copytree(SEEDS, folder)
    seed = folder / "002_33f84262c03c3c5e.txt"
    before = seed.read_bytes()
    result = run_cli("--db", seed, folder)
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {seed}: exists and is not a SQLite database")
    assert seed.read_bytes() == before


def test_an_empty_file_or_a_link_is_built_through(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    seeds = copy_four_seeds(tmp_path / "seeds")
    assert build(empty, [seeds]).counts["articles"] == 4
    # The file a link points to is replaced and the link kept, as in any editor.
    real, link = tmp_path / "real.db", tmp_path / "link.db"
    build(real, [seeds / "002_33f84262c03c3c5e.txt"])
    link.symlink_to(real)
    build(link, [seeds])
    assert link.is_symlink()
    assert query(real, "select count(*) from articles") == [(4,)]


def test_an_empty_database_path_is_refused_before_any_work(tmp_path):
    result = run_cli("--db", "", SEEDS, cwd=tmp_path)
    assert result.returncode == 2
    assert "Invalid value for --db: no path given" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_rebuild_keeps_the_file_mode(tmp_path):
    db_path = tmp_path / "r.db"
    build(db_path, [SEEDS])
    umask = os.umask(0)
    os.umask(umask)
    assert db_path.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600
    db_path.chmod(0o640)
    build(db_path, [SEEDS])
    assert db_path.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize(
    "content, reason",
    [
        (
            "000_00c727371ce16b12.txt: just a string\n",
            "000_00c727371ce16b12.txt: expected a mapping (title, kind, url, license, attribution)",
        ),
        # The rest of the reason is the YAML parser's wording (libyaml's or PyYAML's).
        ("a.txt:\n  title: A\n b: [\n", "invalid YAML at line 3: "),
        # Unquoted, YAML reads these as a number and a list: the title would break the build.
        ("000_00c727371ce16b12.txt:\n  title: 1234\n", "000_00c727371ce16b12.txt: title:"),
        ("000_00c727371ce16b12.txt:\n  license: [a]\n", "000_00c727371ce16b12.txt: license:"),
        ("? [a, b]\n: x\n", "invalid YAML at line 1: found unhashable key"),
        # YAML would keep the second entry only.
        (
            "000_00c727371ce16b12.txt:\n  title: A\n000_00c727371ce16b12.txt:\n  title: B\n",
            "invalid YAML at line 3: '000_00c727371ce16b12.txt' given twice",
        ),
    ],
)
def test_a_bad_sources_yml_is_a_one_line_error(tmp_path, content, reason):
    folder = tmp_path / "docs"
    shutil.copytree(SEEDS, folder)
    (folder / "sources.yml").write_text(content)
    result = run_cli("--db", tmp_path / "r.db", folder)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: {folder / 'sources.yml'}: {reason}")


def test_built_database_has_the_whole_schema(seeds_db, tmp_path):
    """The build defers FTS indexing to one rebuild, then restores schema.sql exactly."""
    reference = sqlite3.connect(tmp_path / "schema.db")
    reference.executescript((ROOT / "schema.sql").read_text(encoding="utf-8"))
    expected = query(
        tmp_path / "schema.db", "select type, name, sql from sqlite_master order by name"
    )
    built = query(
        seeds_db,
        "select type, name, sql from sqlite_master where name != 'sqlite_stat1' order by name",
    )
    assert built == expected
    assert query(
        seeds_db, "select count(*) from paragraphs_fts where paragraphs_fts match 'treaty'"
    ) == [(6,)]
    # The rebuild's large in-memory index is not left as the setting for later appends.
    assert query(seeds_db, "select k, v from paragraphs_fts_config order by k") == [
        ("hashsize", 2**20),
        ("version", 4),
    ]


def test_a_row_without_its_parent_fails_the_build(tmp_path, monkeypatch):
    """Foreign keys are checked once at the end of a fresh build, and nothing is written."""
    add_facts = Writer.add_paragraph_facts

    def orphan_event_country(self, rows, article_id, paragraph_id, facts):
        add_facts(self, rows, article_id, paragraph_id, facts)
        rows["event_countries"].append(
            {"event_id": 10**6 + paragraph_id, "country_code": "KAZ", "implied": 0}
        )

    monkeypatch.setattr(Writer, "add_paragraph_facts", orphan_event_country)
    db_path = tmp_path / "r.db"
    with pytest.raises(IngestError, match="rows without their parent"):
        build(db_path, [SEEDS])
    assert list(tmp_path.iterdir()) == []


def largest_file(folder, pattern):
    """The size of the largest file of folder that matches pattern (0 for none); a file
    removed while looked at counts as none."""
    sizes = [0]
    for path in folder.glob(pattern):
        try:
            sizes.append(path.stat().st_size)
        except FileNotFoundError:
            pass
    return max(sizes)


def seed_copies(folder):
    """folder, made, with 400 copies of the seeds: seconds of work, so that a build of it
    is still running when a test stops it."""
    folder.mkdir()
    for copy in range(400):
        for seed in SEEDS.glob("*.txt"):
            text = seed.read_text(encoding="utf-8") + f"\nCopy {copy}.\n"  # not a duplicate
            (folder / f"{copy:03}_{seed.name}").write_text(text, encoding="utf-8")
    return folder


def build_under_way(db_path, folder):
    """python -m ingest building db_path from folder, once it writes rows: its new
    database (a temporary file) has passed 1 MB."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ingest", "--db", str(db_path), str(folder)],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    pattern = f".{db_path.name}.*.tmp"
    while largest_file(db_path.parent, pattern) < 2**20 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process.poll() is None, "the build ended before it could be stopped"
    return process


@pytest.mark.parametrize(
    "stop, exit_code",
    [
        pytest.param(lambda process: process.send_signal(signal.SIGTERM), 143, id="terminated"),
        # Ctrl-C reaches the whole process group, the parsing workers too.
        pytest.param(lambda process: os.killpg(process.pid, signal.SIGINT), 130, id="ctrl-c"),
    ],
)
def test_a_stopped_build_leaves_the_database_as_it_was(tmp_path, stop, exit_code):
    db_path = tmp_path / "r.db"
    build(db_path, [SEEDS])
    before = db_path.read_bytes()
    process = build_under_way(db_path, seed_copies(tmp_path / "many"))
    stop(process)
    _, stderr = process.communicate(timeout=30)
    assert (process.returncode, stderr) == (
        exit_code,
        f"Interrupted: {db_path} was left as it was\n",
    )
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many", "r.db"]


def test_the_next_build_removes_the_temporary_file_of_a_killed_one(tmp_path):
    db_path = tmp_path / "r.db"
    build(db_path, [SEEDS])
    process = build_under_way(db_path, seed_copies(tmp_path / "many"))
    os.killpg(process.pid, signal.SIGKILL)  # no chance to clean up, nor have its workers
    process.communicate(timeout=30)
    (killed,) = tmp_path.glob(".r.db.*.tmp")
    running = tmp_path / f".r.db.{os.getpid()}.building.tmp"  # a build still under way
    running.write_bytes(b"")
    build(db_path, [SEEDS])
    assert not killed.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["many", "r.db", running.name])


def test_a_database_path_ending_in_a_slash_is_refused(tmp_path):
    result = run_cli("--db", f"{tmp_path}/new/", SEEDS)
    assert (result.returncode, result.stderr) == (
        1,
        (
            f"Error: {tmp_path}/new/: names a folder: name the database file, like"
            f" {tmp_path}/new/relations.db\n"
        ),
    )
    assert list(tmp_path.iterdir()) == []


def test_a_file_removed_after_it_was_found_is_a_file_that_cannot_be_read(tmp_path):
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"= {name} =\n\nIt began in 1990.\n", encoding="utf-8")
    files, _, _ = discover([tmp_path])
    (tmp_path / "b.txt").unlink()
    results = list(prepare.prepared_in_order(files, workers=2))
    assert [str(r) if isinstance(r, IngestError) else r.doc.title for _, r in results] == [
        "a.txt",
        f"{tmp_path / 'b.txt'}: cannot read: No such file or directory",
        "c.txt",
    ]


def test_a_folders_subfolders_are_noted_as_not_read(tmp_path):
    (tmp_path / "older").mkdir()
    (tmp_path / "a.txt").write_text("= A =\n\nIt began in 1990.\n", encoding="utf-8")
    result = run_cli("--db", tmp_path / "r.db", tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        f"Note: {tmp_path}: subfolders are not read (older): give them as sources of their own\n"
        in result.stderr
    )


def test_the_summary_says_one_as_one():
    stats = Stats(
        counts=Counter(articles=1, sections=2, paragraphs=1),
        duplicates=[("b.txt", "a.txt")],
        skipped=[IngestError("c.txt", "bad")],
        replaced=1,
    )
    assert stats.summary("r.db") == (
        "r.db: 1 article, 2 sections, 1 paragraph, 0 events, 0 visits in 0.00s"
        " (1 replaced, 1 duplicate stored once, 1 bad file skipped)"
    )
    stats.duplicates *= 2
    assert stats.summary("r.db").endswith(
        "(1 replaced, 2 duplicates stored once, 1 bad file skipped)"
    )


def test_a_prose_visit_the_visits_table_holds_by_surname_is_stored_once(tmp_path):
    (tmp_path / "us.txt").write_text(
        "= Mongolia–United States relations =\n\n"
        "President Bush visited Mongolia in November 2005.\n\n"
        "== Visits ==\n\n"
        "| Date | Person | Office | Location |\n"
        "| November 21, 2005 | George W. Bush | President of the United States | Ulaanbaatar |\n",
        encoding="utf-8",
    )
    build(tmp_path / "r.db", [tmp_path / "us.txt"])
    assert query(tmp_path / "r.db", "select person, year, table_row_id from visits") == [
        ("George W. Bush", 2005, 1)
    ]


def test_an_article_whose_infobox_changed_is_replaced_by_append(tmp_path):
    article = tmp_path / "a.txt"
    text = (
        "= Mongolia–Japan relations =\n\nInfobox\n- Envoy1: Ambassador {}\n"
        "- Mission1: Embassy of Japan, Ulaanbaatar\n\nRelations began in 1972.\n"
    )
    article.write_text(text.format("A B"), encoding="utf-8")
    build(tmp_path / "r.db", [article])
    article.write_text(text.format("C D"), encoding="utf-8")
    stats = build(tmp_path / "r.db", [article], append=True)
    assert (stats.replaced, stats.unchanged) == (1, 0)
    assert query(tmp_path / "r.db", "select name, country_code from envoys") == [("C D", "JPN")]
