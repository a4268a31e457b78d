"""The build: source files in, a database out, atomic and repeatable.

build() finds the files (sources.py), prepares them on worker processes
(prepare.py), writes their rows in input order, so the same input gives the same
database (writer.py), into a temporary file renamed over the target only when
every document went in (atomic.py), then indexes and counts what the pages read.
"""

import gc
import json
import os
import sqlite3
import time
from collections import Counter
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from .atomic import atomic_database, read_only
from .countries import Gazetteer
from .document import IngestError
from .prepare import SCHEMA, prepared_in_order
from .sources import discover, some_of
from .writer import Writer

FTS_INSERT_TRIGGER = "paragraphs_ai"  # schema.sql's trigger that indexes new paragraphs
FTS_BUILD_HASHSIZE, FTS_DEFAULT_HASHSIZE = 256 * 2**20, 2**20  # bytes (see index_text)
APPEND_ANALYSIS_LIMIT = 1000  # rows ANALYZE reads per index after --append (sampled)
TITLES_NAMED = 3  # titles shared by several articles named in notes of their own
SHARED_TITLES_QUERY = (
    "select title, count(*) from articles group by title having count(*) > 1 order by title"
)
GC_THRESHOLD = 50_000  # new objects between collections during a build (default 700)
# The events a year counts, as metadata.yml's year links keep them (`precision`): the
# timelines agree with ?_facet_year=1 (tests/test_datasette.py checks the two match).
YEAR_PRECISIONS = ("day", "month", "year")


class NothingToStore(IngestError):
    """Not one usable document: carries the errors of the files skipped, for the report."""

    def __init__(self, path, skipped):
        super().__init__(path, "no usable documents: the database was not changed")
        self.skipped = skipped


@dataclass
class Stats:
    counts: Counter = field(default_factory=Counter)  # rows written per table
    seconds: float = 0.0
    skipped: list = field(default_factory=list)  # IngestErrors of files left out (--skip-bad)
    duplicates: list = field(default_factory=list)  # (file, file or source already holding it)
    unchanged: int = 0  # --append: files whose source is stored with the same content
    replaced: int = 0  # --append: articles replaced by a new version of their source
    notes: list = field(default_factory=list)  # for the user: nothing wrong with the build
    appended: bool = False  # --append: the counts are of the rows added, not the database's

    def summary(self, db_path):
        written = ", ".join(
            plural(self.counts[table], table.removesuffix("s"))
            for table in ("articles", "sections", "paragraphs", "events", "visits")
        )
        line = f"{db_path}: {'added ' if self.appended else ''}{written} in {self.seconds:.2f}s"
        extras = [
            f"{self.replaced} replaced" if self.replaced else "",
            f"{self.unchanged} unchanged" if self.unchanged else "",
            f"{plural(len(self.duplicates), 'duplicate')} stored once" if self.duplicates else "",
            f"{plural(len(self.skipped), 'bad file')} skipped" if self.skipped else "",
        ]
        extras = [extra for extra in extras if extra]
        return line + (f" ({', '.join(extras)})" if extras else "")


def apply_schema(db):
    db.conn.executescript(SCHEMA.read_text(encoding="utf-8"))


def add_new_columns(db):
    """Give a database built by an earlier version the columns schema.sql has gained since
    (CREATE TABLE IF NOT EXISTS leaves an existing table as it is), empty, so that --append
    works on it; before the schema is applied, since an index may name a new column. New
    columns are nullable, as ALTER TABLE ADD COLUMN needs; FTS tables are left alone.
    Returns what the database lacked ("table" or "table.column"; the schema creates the
    missing tables): anything means an earlier version built it."""
    current = sqlite_utils.Database(memory=True)
    apply_schema(current)
    fts_tables = [t.name for t in current.tables if t.virtual_table_using]
    lacking = []
    for table in current.tables:
        if table.name.startswith(tuple(fts_tables)):
            continue
        if not db[table.name].exists():
            lacking.append(table.name)
            continue
        existing = db[table.name].columns_dict
        for column in table.columns:
            if column.name not in existing:
                definition = f"[{column.name}] {column.type}".strip()
                db.execute(f"ALTER TABLE [{table.name}] ADD COLUMN {definition}")
                lacking.append(f"{table.name}.{column.name}")
    return lacking


# How closely the rows an earlier version stored, without a precision, are dated: by the
# shape of their date where they have one, else as the year they were counted in then.
PRECISION_OF_EARLIER_ROWS = {
    "visits": "case length(start_date) when 10 then 'day' when 7 then 'month' else 'year' end",
    "amounts": "'year'",
}


def date_earlier_rows(db, lacking):
    """Give the rows of the tables that lacked a precision column one (see
    PRECISION_OF_EARLIER_ROWS), so that the year facets and filters still count them."""
    for table, precision in PRECISION_OF_EARLIER_ROWS.items():
        if f"{table}.precision" in lacking:
            db.execute(
                f"UPDATE [{table}] SET precision = {precision}"
                " WHERE precision IS NULL AND year IS NOT NULL"
            )


def defer_indexing(db):
    """Fill a fresh database without secondary indexes, foreign-key checks or the FTS trigger.

    Building each index once at the end, and indexing the text with one FTS
    'rebuild', costs far less than keeping them up to date row by row
    (docs/performance.md); applying the schema again restores all of them.
    """
    indexes = db.execute("select name from sqlite_master where type = 'index' and sql is not null")
    for (name,) in indexes.fetchall():
        db.conn.execute(f"DROP INDEX [{name}]")
    db.conn.execute(f"DROP TRIGGER {FTS_INSERT_TRIGGER}")
    db.conn.execute("PRAGMA foreign_keys = OFF")


def index_text(db):
    """Index every paragraph for full-text search in one pass.

    FTS5 writes a segment to disk whenever its in-memory index passes 'hashsize'
    (1 MB by default), and merges the segments later; with room for up to 256 MB of
    index it writes few segments, one up to 10k articles, and 'optimize' has little or
    nothing left to merge (10k articles: rebuild and optimize 7.7 -> 3.8 s, for about
    110 MB more peak memory). The default comes back for later appends.
    """
    fts_setting = "INSERT INTO paragraphs_fts(paragraphs_fts, rank) VALUES ('hashsize', :bytes)"
    db.conn.execute(fts_setting, {"bytes": FTS_BUILD_HASHSIZE})
    db.conn.execute("INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('rebuild')")
    db.conn.execute(fts_setting, {"bytes": FTS_DEFAULT_HASHSIZE})


def plural(count, noun):
    """'1 article', '2 articles'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def stored_sources(db_path):
    """[(source, content hash)] of the articles in the database at db_path, if any."""
    target = Path(os.path.realpath(db_path))
    if not target.is_file() or target.stat().st_size == 0:
        return []
    try:
        with read_only(target) as existing:
            return existing.execute("select source, content_hash from articles").fetchall()
    except sqlite3.DatabaseError:  # not a database of ours: atomic_database says why
        return []


def sources_left_out(db_path, previous, files, writer):
    """Notes on the articles of the database a full build replaces (previous: their
    [(source, content hash)]) that it did not read again (added by --append, say): the
    new database does not hold them. An article stored again under the same content is
    read again, whichever folder its path was written from."""
    read = {f.real_path for f in files}
    left_out = [
        source
        for source, digest in previous
        if digest not in writer.sources_by_hash and os.path.realpath(source) not in read
    ]
    if not left_out:
        return []
    note = (
        f"{db_path} held {plural(len(left_out), 'article')} from sources not read this time"
        f" ({some_of(left_out)}): the new database does not have"
        f" {'it' if len(left_out) == 1 else 'them'}"
        " (--append adds to a database instead of replacing it)"
    )
    return [note]


def sources_not_found(writer, db_path):
    """Notes for --append on stored sources that are not where their paths lead from this
    folder: a changed file given by another path would be stored as a new article."""
    missing = [
        writer.sources_by_hash[digest]
        for real_path, (_, digest) in writer.stored.items()
        if not os.path.exists(real_path)
    ]
    if not missing:
        return []
    note = (
        f"{plural(len(missing), 'article')} of {db_path} {'has' if len(missing) == 1 else 'have'} a"
        " source not found from this folder"
        f" ({some_of(missing)}): --append knows a source by its path from the folder the"
        " database was built from"
    )
    return [note]


def titles_stored_more_than_once(db, last_stored_article):
    """Notes on the titles of the articles this build wrote (ids after last_stored_article)
    that several stored articles share: copies of one article whose content differs a
    little (a table's columns in another order) are each stored, and their facts counted
    once per copy. One note per title, or one for them all when there are more than
    TITLES_NAMED (a corpus of many copies would bury the build's other messages)."""
    shared = db.execute(
        "select title, json_group_array(source) from"
        " (select title, source from articles"
        "  where title in (select title from articles where id > :last_stored) order by id)"
        " group by title having count(*) > 1 order by title",
        {"last_stored": last_stored_article},
    ).fetchall()
    shared = [(title, json.loads(sources)) for title, sources in shared]
    consequence = (
        "copies of one article? Each is stored, and its events and visits are counted once per copy"
    )
    if len(shared) > TITLES_NAMED:
        titles = [f"{title!r} ({len(sources)} articles)" for title, sources in shared]
        note = (
            f"{len(shared)} titles each belong to several articles ({some_of(titles)}):"
            f" {consequence}. This query lists them: {SHARED_TITLES_QUERY}"
        )
        return [note]
    return [
        f"{len(sources)} articles have the title {title!r} ({some_of(sources)}): {consequence}"
        for title, sources in shared
    ]


def count_event_years(db, countries=None):
    """Fill event_country_years from the events dated to a year or closer (schema.sql
    says why it exists): for every country, or only for the given ones (those an
    --append changed)."""
    if countries is None:
        params, codes = {}, None
    else:
        params = {f"c{i}": code for i, code in enumerate(sorted(countries))}
        if not params:
            return
        codes = ", ".join(f":{name}" for name in params)
    only = "" if codes is None else f" WHERE country_code IN ({codes})"
    db.execute("DELETE FROM event_country_years" + only, params)
    precisions = {f"p{i}": precision for i, precision in enumerate(YEAR_PRECISIONS)}
    db.execute(
        "INSERT INTO event_country_years (country_code, year, events)"
        " SELECT event_countries.country_code, events.year, count(*)"
        " FROM event_countries JOIN events ON events.id = event_countries.event_id"
        f" WHERE events.precision IN ({', '.join(f':{name}' for name in precisions)})"
        + ("" if codes is None else f" AND event_countries.country_code IN ({codes})")
        + " GROUP BY event_countries.country_code, events.year",
        params | precisions,
    )


def check_foreign_keys(db, db_path):
    """One pass over the finished build instead of a check per inserted row."""
    orphans = db.execute("PRAGMA foreign_key_check").fetchmany(3)
    if orphans:
        raise IngestError(db_path, f"internal error, rows without their parent: {orphans}")


@contextmanager
def collector_for_build():
    """Cheaper cyclic garbage collection during a build, in the forked workers too.

    What lives now (modules, the gazetteer) lives all build: frozen, the collector never
    walks it again. The build makes millions of short-lived objects and few cycles (an
    lxml parser and its target make one per HTML page), so it collects after 50,000 new
    objects instead of 700: a 1k build takes 5% less time (docs/performance.md), and
    every cycle is still collected.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def store_countries(db, gazetteer):
    """The gazetteer's countries and the names it finds them by, in one transaction, at
    whose end the deferred foreign-key check runs: in code order (the table's rowid order:
    sorted pages' ties keep it), a renamed state's row names its successor's before that
    row is in (BUR, then MMR), and --append keeps foreign keys on."""
    with db.atomic():
        db.conn.execute("PRAGMA defer_foreign_keys = ON")
        db["countries"].insert_all(gazetteer.rows(), replace=True)
        db["country_aliases"].insert_all(gazetteer.aliases(), replace=True)


def write_documents(writer, results, stats, skip_bad):
    """Write each prepared document of results ((SourceFile, Prepared or IngestError), in
    input order), unless stats counts it as bad (skip_bad; else it is raised), unchanged
    (--append), or a duplicate of one written; a changed source's old article goes."""
    for source_file, prepared in results:
        if isinstance(prepared, IngestError):
            if not skip_bad:
                raise prepared
            stats.skipped.append(prepared)
            continue
        stored = writer.stored.get(source_file.real_path)
        if stored and stored[1] == prepared.digest:
            stats.unchanged += 1
            continue
        stats.notes += [f"{source_file.path}: {note}" for note in prepared.doc.notes]
        if stored:  # changed: its old article goes, even if the new is a duplicate
            writer.delete_article(source_file.real_path)
            stats.replaced += 1
        if prepared.digest in writer.sources_by_hash:
            stats.duplicates.append((source_file.name, writer.sources_by_hash[prepared.digest]))
            writer.complete_credit(prepared)
            continue
        writer.write(prepared, source_file.real_path)


def finish(db, db_path, writer, append, earlier_version):
    """Index, check and count what the pages read, and the statistics SQLite plans by."""
    with db.conn:
        if append:
            # A few rows more or less: FTS5 merges its new segments as it goes, and
            # sampled statistics do (replacing one article of 10k: 8.1 -> 4.9 s).
            # A database an earlier version built may lack the counts, or hold them
            # by its rules: all are counted again.
            count_event_years(db, None if earlier_version else writer.changed_countries())
            db.conn.execute(f"PRAGMA analysis_limit = {APPEND_ANALYSIS_LIMIT}")
        else:
            index_text(db)
            apply_schema(db)
            check_foreign_keys(db, db_path)
            count_event_years(db)
            db.conn.execute("INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('optimize')")
        db.conn.execute("ANALYZE")


def build(
    db_path, sources, append=False, skip_bad=False, workers=None, progress=lambda items, n: items
):
    """Build db_path from the given files and folders; returns Stats.

    append adds to (or replaces articles of the same source in) the existing
    database instead of starting empty; skip_bad leaves bad files out instead
    of failing. workers: processes that parse and extract (default: one per
    core). progress wraps the iterable of results (the CLI passes a bar).
    """
    started = time.perf_counter()
    stats = Stats(appended=append)
    files, problems, stats.notes = discover(sources)
    if problems and not skip_bad:
        raise problems[0]
    stats.skipped.extend(problems)
    previous = [] if append else stored_sources(db_path)
    gazetteer = Gazetteer.default()
    with collector_for_build(), atomic_database(db_path, copy_existing=append) as db:
        earlier_version = add_new_columns(db) if append else []
        date_earlier_rows(db, earlier_version)
        apply_schema(db)
        if not append:
            defer_indexing(db)
        store_countries(db, gazetteer)
        writer = Writer(db)
        if append:
            stats.notes += sources_not_found(writer, db_path)
        # Closed at once on any error: the pool's workers end here, not whenever the
        # generator is collected (at the interpreter's exit, say).
        with closing(prepared_in_order(files, workers or os.cpu_count() or 1)) as results:
            write_documents(writer, progress(results, len(files)), stats, skip_bad)
        writer.flush()
        stats.counts = writer.counts
        stats.notes += sources_left_out(db_path, previous, files, writer)
        stats.notes += titles_stored_more_than_once(db, writer.last_stored_article)
        if not writer.stored:
            raise NothingToStore(db_path, stats.skipped)
        finish(db, db_path, writer, append, earlier_version)
    stats.seconds = time.perf_counter() - started
    return stats
