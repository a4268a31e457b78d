"""Prepared documents as rows: ids in input order, rows written in batches with
sqlite-utils, and the rows of an article replaced by --append deleted.
"""

import json
import os
import re
from collections import Counter

from slugify import slugify as python_slugify

from .document import ListBlock, Paragraph, Table
from .extract import established_date, surname

FLUSH_EVERY = 2000  # paragraphs
# insert_all's batch_size (default 100): sqlite-utils lowers it to 999 // columns rows per
# statement, so the link tables' rows go 333 at a time, the wider tables' 76 to 99; fewer,
# longer statements cost less (docs/performance.md).
INSERT_BATCH = 1000
# Tables written in batches across articles, parents before children.
BATCHED_TABLES = (
    "articles", "sections", "paragraphs", "list_items", "tables", "table_rows", "infobox",
    "envoys", "missions", "paragraph_countries", "events", "event_countries", "visits", "amounts",
)  # fmt: skip
# Tables whose rows reach their article through a parent row: (key column, parent table).
THROUGH_PARENT = {
    "paragraph_countries": ("paragraph_id", "paragraphs"),
    "event_countries": ("event_id", "events"),
    "table_rows": ("table_id", "tables"),
}


def delete_statement(table):
    """The statement that deletes the rows of table that belong to article :article_id."""
    if table == "articles":
        return "delete from articles where id = :article_id"
    if table in THROUGH_PARENT:
        key, parent = THROUGH_PARENT[table]
        return (
            f"delete from {table} where {key} in"
            f" (select id from {parent} where article_id = :article_id)"
        )
    return f"delete from {table} where article_id = :article_id"


# The rows of one article, children before parents, so foreign keys hold at every step.
DELETE_ARTICLE = [delete_statement(table) for table in reversed(BATCHED_TABLES)]


APOSTROPHES = [("'", ""), ("’", "")]
WIKIPEDIA_PAGE = re.compile(r"https?://[a-z-]+\.(?:m\.)?wikipedia\.org/")


def slugify(title):
    """'China–Mongolia relations' -> 'china-mongolia-relations'; other scripts are
    transliterated ('Монгол Улс' -> 'mongol-uls'), apostrophes dropped ('mongolias')."""
    # text-unidecode, python-slugify's own dependency, whatever else is installed: with
    # Unidecode present, "auto" would give other slugs ("Є": "ie" for "e").
    return python_slugify(title, replacements=APOSTROPHES, backend="text-unidecode") or "article"


def credit(prepared):
    """The article's source_url, license and attribution: what sources.yml says, even null
    ("not from Wikipedia"), else what the page says of itself; a page from Wikipedia is
    attributed as sources.yml attributes the seeds."""
    meta, doc = prepared.meta, prepared.doc
    url = meta.get("url", doc.url)
    attribution = meta.get("attribution")
    if "attribution" not in meta and url and WIKIPEDIA_PAGE.match(url):
        title = prepared.article["title"]
        attribution = f'Wikipedia contributors, "{title}", Wikipedia, The Free Encyclopedia'
    return {
        "source_url": url,
        "license": meta.get("license", doc.license),
        "attribution": attribution,
    }


class Writer:
    """Turns Documents into rows; holds the id counters so ids follow input order."""

    def __init__(self, db):
        self.db = db
        self.pending = {table: [] for table in BATCHED_TABLES}
        self.counts = Counter()  # rows written per table
        self.recount = set()  # countries of the events deleted (see changed_countries)
        # Go on from what the database holds, so --append never reuses an id.
        self.next_id = {
            table: db.execute(f"select coalesce(max(id), 0) from [{table}]").fetchone()[0]
            for table in BATCHED_TABLES
            if "id" in db[table].columns_dict
        }
        self.last_stored_article = self.next_id["articles"]  # those after it: this build's
        self.last_stored_event = self.next_id["events"]
        self.slugs = {slug for (slug,) in db.execute("select slug from articles")}
        # A source is known by the file it names, however the path was written
        # ("seeds/a.txt" or "/home/me/seeds/a.txt"): real path -> (article id, hash).
        self.stored = {}
        self.sources_by_hash = {}  # content hash -> source as stored, for messages
        for article_id, source, digest in db.execute(
            "select id, source, content_hash from articles"
        ):
            self.remember(article_id, digest, source, os.path.realpath(source))

    def new_id(self, table):
        self.next_id[table] += 1
        return self.next_id[table]

    def unique_slug(self, title):
        base = slug = slugify(title)
        suffix = 2
        while slug in self.slugs:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        self.slugs.add(slug)
        return slug

    def article_row(self, prepared):
        return {
            "id": self.new_id("articles"),
            "slug": self.unique_slug(prepared.article["title"]),
            **prepared.article,
            "source": prepared.doc.source,
            **credit(prepared),
            "content_hash": prepared.digest,
            "established": None,
            "established_year": None,
        }

    def section_rows(self, doc, article_id):
        """Sections with parent ids: the parent is the latest section of a lower level."""
        rows, open_sections = [], {}  # level -> id of the latest section at that level
        for position, section in enumerate(doc.sections, start=1):
            parent_level = max((lvl for lvl in open_sections if lvl < section.level), default=None)
            row = {
                "id": self.new_id("sections"),
                "article_id": article_id,
                "parent_id": open_sections.get(parent_level),
                "level": section.level,
                "position": position,
                "heading": section.heading,
            }
            open_sections = {lvl: i for lvl, i in open_sections.items() if lvl < section.level}
            open_sections[section.level] = row["id"]
            rows.append(row)
        return rows

    def write(self, prepared, real_path):
        """Queue one prepared document (of the file at real_path) and its facts for the
        database.

        Rows are written every FLUSH_EVERY paragraphs, across documents: few
        large inserts instead of many small ones, and a very large document
        (whose facts come lazily) never holds all its rows at once.
        """
        doc = prepared.doc
        article = self.article_row(prepared)
        article_id = article["id"]
        self.remember(article_id, prepared.digest, article["source"], real_path)
        pending = self.pending
        pending["articles"].append(article)
        sections = self.section_rows(doc, article_id)
        pending["sections"].extend(sections)
        established = []  # establishment events: the article's date of relations
        prose_visits = []  # kept back until every visits table of the article is known
        table_visits = []  # this article's, whether flushed already or still pending

        blocks = enumerate(zip(doc.all_blocks(), prepared.facts, strict=True), start=1)
        for position, ((section_index, block), facts) in blocks:
            located = {
                "article_id": article_id,
                "section_id": None if section_index is None else sections[section_index]["id"],
                "position": position,
            }
            if isinstance(block, Paragraph):
                paragraph_id = self.new_id("paragraphs")
                pending["paragraphs"].append({"id": paragraph_id, **located, "text": block.text})
                self.add_paragraph_facts(pending, article_id, paragraph_id, facts)
                established += [e for e in facts.events if e["event_type"] == "establishment"]
                prose_visits += [(paragraph_id, v) for v in facts.visits]
            elif isinstance(block, ListBlock):
                for number, item in enumerate(block.items, start=1):
                    pending["list_items"].append(
                        {"id": self.new_id("list_items"), **located, "item": number, "text": item}
                    )
            elif isinstance(block, Table):
                self.add_table(pending, located, block, facts.visits)
                table_visits += facts.visits
            if len(pending["paragraphs"]) >= FLUSH_EVERY:
                self.flush()

        self.add_prose_visits(pending, article_id, prose_visits, table_visits)
        pending["envoys"] += [
            {"id": self.new_id("envoys"), "article_id": article_id, **e} for e in prepared.envoys
        ]
        pending["missions"] += [
            {"id": self.new_id("missions"), "article_id": article_id, **m}
            for m in prepared.missions
        ]
        pending["infobox"] += [
            {
                "id": self.new_id("infobox"),
                "article_id": article_id,
                "position": i,
                "key": k,
                "value": v,
            }
            for i, (k, v) in enumerate(doc.infobox, start=1)
        ]
        if date := established_date(established, prepared.article["partner_country"]):
            self.set_established(article, date)

    def complete_credit(self, prepared):
        """Fill in what the stored article of the same content lacks of the address, the
        licence and the attribution that this copy gives: one revision saved from two skins,
        only one of which has the licence in its footer."""
        given = credit(prepared)
        if not any(given.values()):
            return
        self.flush()
        with self.db.conn:
            self.db.execute(
                "update articles set source_url = coalesce(source_url, :source_url),"
                " license = coalesce(license, :license),"
                " attribution = coalesce(attribution, :attribution)"
                " where content_hash = :digest",
                {**given, "digest": prepared.digest},
            )

    def set_established(self, article, date):
        """On the pending row, or on the stored one if a flush took the row already."""
        article.update(established=date, established_year=int(date[:4]))
        if not any(row is article for row in self.pending["articles"]):
            with self.db.conn:
                self.db.execute(
                    "update articles set established = :established,"
                    " established_year = :established_year where id = :id",
                    article,
                )

    def flush(self):
        """Write the pending rows, parents before children, and forget them."""
        with self.db.conn:
            for table, rows in self.pending.items():
                self.db.table(table).insert_all(rows, batch_size=INSERT_BATCH)
                self.counts[table] += len(rows)
                rows.clear()

    def remember(self, article_id, digest, source, real_path):
        self.stored[real_path] = (article_id, digest)
        self.sources_by_hash[digest] = source

    def delete_article(self, real_path):
        """Remove the stored article of a source (its real path) and every row that hangs
        from it."""
        article_id, digest = self.stored.pop(real_path)
        del self.sources_by_hash[digest]
        self.slugs.discard(
            self.db.execute("select slug from articles where id = ?", [article_id]).fetchone()[0]
        )
        self.recount.update(
            code
            for (code,) in self.db.execute(
                "select distinct country_code from event_countries where event_id in"
                " (select id from events where article_id = :article_id)",
                {"article_id": article_id},
            )
        )
        with self.db.conn:
            for sql in DELETE_ARTICLE:
                self.db.execute(sql, {"article_id": article_id})

    def changed_countries(self):
        """The countries whose events this build added or deleted."""
        added = self.db.execute(
            "select distinct country_code from event_countries where event_id > :last_stored",
            {"last_stored": self.last_stored_event},
        )
        return self.recount | {code for (code,) in added}

    def add_paragraph_facts(self, rows, article_id, paragraph_id, facts):
        rows["paragraph_countries"].extend(
            {"paragraph_id": paragraph_id, "country_code": code, "mentions": count}
            for code, count in sorted(facts.mentions.items())
        )
        for event in facts.events:
            event_id = self.new_id("events")
            event = dict(event)
            countries = event.pop("countries")
            rows["events"].append(
                {"id": event_id, "article_id": article_id, "paragraph_id": paragraph_id, **event}
            )
            rows["event_countries"].extend(
                {"event_id": event_id, "country_code": code, "implied": implied}
                for code, implied in countries
            )
        rows["amounts"].extend(
            {
                "id": self.new_id("amounts"),
                "article_id": article_id,
                "paragraph_id": paragraph_id,
                **a,
            }
            for a in facts.amounts
        )

    def add_table(self, rows, located, table, visits):
        table_id = self.new_id("tables")
        columns = json.dumps(table.header, ensure_ascii=False)
        rows["tables"].append({"id": table_id, **located, "columns": columns})
        row_ids = []
        for row_position, record in enumerate(table.records(), start=1):
            row_ids.append(self.new_id("table_rows"))
            rows["table_rows"].append(
                {
                    "id": row_ids[-1],
                    "table_id": table_id,
                    "position": row_position,
                    "data": json.dumps(record, ensure_ascii=False),
                }
            )
        for row_id, visit in zip(row_ids, visits):
            rows["visits"].append(
                {
                    "id": self.new_id("visits"),
                    "article_id": located["article_id"],
                    "paragraph_id": None,
                    "table_row_id": row_id,
                    **visit,
                }
            )

    def add_prose_visits(self, rows, article_id, prose_visits, table_visits):
        """Visits told in prose, unless a visits table has the same person that year, or
        for a visit by a group no one in is named, a visit that year that no one is named
        in either, between the same countries."""

        def key(visit):
            if visit["person"]:
                return visit["year"], surname(visit["person"])
            return visit["year"], visit["visitor_country"], visit["host_country"]

        tabled = {key(v) for v in table_visits}
        for paragraph_id, visit in prose_visits:
            if key(visit) in tabled:
                continue
            rows["visits"].append(
                {
                    "id": self.new_id("visits"),
                    "article_id": article_id,
                    "paragraph_id": paragraph_id,
                    "table_row_id": None,
                    **visit,
                }
            )
