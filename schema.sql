-- The whole schema of relations.db. Applied before any insert, to a new database or to
-- the one --append adds to, and again after a new build (ingest/load.py drops the indexes
-- while it fills the tables); every statement is idempotent, so applying it twice is harmless.
PRAGMA foreign_keys = ON;

CREATE TABLE IF NOT EXISTS countries (
    code TEXT PRIMARY KEY,          -- ISO 3166-1 alpha-3; ISO 3166-3 alpha-3 for dissolved states
    name TEXT NOT NULL,
    alpha_2 TEXT,
    numeric TEXT,
    official_name TEXT,
    dissolved INTEGER NOT NULL DEFAULT 0,
    successor TEXT REFERENCES countries(code)  -- a renamed state's (BUR): where its mentions are (MMR)
);

-- Every name the text's mentions of a country are found by (ingest/countries.py, from
-- pycountry and ingest/country_aliases.yml): "USSR", "UK", "Ivory Coast", "Kazakh".
CREATE TABLE IF NOT EXISTS country_aliases (
    name TEXT PRIMARY KEY,
    code TEXT NOT NULL REFERENCES countries(code)
);

-- Every code and name a country goes by here, to look one up by (the canned queries'
-- :country, /-/country/<name>): its code, the two-letter code of a current state (or of
-- the one dissolved state that had it), its name, its official name and its aliases. A
-- state that was only renamed stands for its successor: BUR, BU and Burma are MMR, where
-- the text's mentions of Burma are. Compare with `collate nocase`: 'kaz' is KAZ.
DROP VIEW IF EXISTS country_names;
CREATE VIEW country_names (name, code) AS
    SELECT code, coalesce(successor, code) FROM countries
    UNION SELECT alpha_2, coalesce(successor, code) FROM countries AS c
        WHERE alpha_2 IS NOT NULL AND (NOT dissolved
            OR (SELECT count(*) FROM countries AS other WHERE other.alpha_2 = c.alpha_2) = 1)
    UNION SELECT name, coalesce(successor, code) FROM countries
    UNION SELECT official_name, coalesce(successor, code) FROM countries
        WHERE official_name IS NOT NULL
    UNION SELECT name, code FROM country_aliases;

CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('bilateral', 'overview', 'essay')),
    source TEXT NOT NULL UNIQUE,
    source_url TEXT,
    license TEXT,
    attribution TEXT,               -- the credit the licence asks for, from sources.yml
    content_hash TEXT NOT NULL,
    partner_country TEXT REFERENCES countries(code),
    established TEXT,
    established_year INTEGER        -- the year of established, for year facets
);

CREATE TABLE IF NOT EXISTS sections (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    parent_id INTEGER REFERENCES sections(id),
    level INTEGER NOT NULL,
    position INTEGER NOT NULL,
    heading TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sections_article_id ON sections(article_id, position);
CREATE INDEX IF NOT EXISTS sections_parent_id ON sections(parent_id);

CREATE TABLE IF NOT EXISTS paragraphs (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    section_id INTEGER REFERENCES sections(id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS paragraphs_article_id ON paragraphs(article_id, position);
CREATE INDEX IF NOT EXISTS paragraphs_section_id ON paragraphs(section_id);

CREATE TABLE IF NOT EXISTS list_items (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    section_id INTEGER REFERENCES sections(id),
    position INTEGER NOT NULL,      -- of the list among the article's blocks
    item INTEGER NOT NULL,          -- of the item in its list, from 1
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS list_items_article_id ON list_items(article_id, position, item);
CREATE INDEX IF NOT EXISTS list_items_section_id ON list_items(section_id);

CREATE TABLE IF NOT EXISTS tables (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    section_id INTEGER REFERENCES sections(id),
    position INTEGER NOT NULL,
    columns TEXT NOT NULL           -- JSON array of the header's column names
);
CREATE INDEX IF NOT EXISTS tables_article_id ON tables(article_id, position);
CREATE INDEX IF NOT EXISTS tables_section_id ON tables(section_id);

CREATE TABLE IF NOT EXISTS table_rows (
    id INTEGER PRIMARY KEY,
    table_id INTEGER NOT NULL REFERENCES tables(id),
    position INTEGER NOT NULL,
    data TEXT NOT NULL              -- JSON object keyed by column name
);
CREATE INDEX IF NOT EXISTS table_rows_table_id ON table_rows(table_id, position);

CREATE TABLE IF NOT EXISTS infobox (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS infobox_article_id ON infobox(article_id, position);

CREATE TABLE IF NOT EXISTS envoys (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    name TEXT NOT NULL,
    title TEXT,
    country_code TEXT REFERENCES countries(code)   -- the country the envoy represents
);
CREATE INDEX IF NOT EXISTS envoys_article_id ON envoys(article_id);
CREATE INDEX IF NOT EXISTS envoys_country_code ON envoys(country_code);

CREATE TABLE IF NOT EXISTS missions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    name TEXT NOT NULL,
    sending_country TEXT REFERENCES countries(code),
    host_city TEXT,
    host_country TEXT REFERENCES countries(code)
);
CREATE INDEX IF NOT EXISTS missions_article_id ON missions(article_id);
CREATE INDEX IF NOT EXISTS missions_sending_country ON missions(sending_country);
CREATE INDEX IF NOT EXISTS missions_host_country ON missions(host_country);

-- Covering indexes both ways: facet counts scan them without touching the base tables.
CREATE TABLE IF NOT EXISTS paragraph_countries (
    paragraph_id INTEGER NOT NULL REFERENCES paragraphs(id),
    country_code TEXT NOT NULL REFERENCES countries(code),
    mentions INTEGER NOT NULL,
    PRIMARY KEY (paragraph_id, country_code)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS paragraph_countries_country_code
    ON paragraph_countries(country_code, paragraph_id);

CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    paragraph_id INTEGER NOT NULL REFERENCES paragraphs(id),
    text TEXT NOT NULL,
    date TEXT NOT NULL,
    year INTEGER NOT NULL,
    precision TEXT NOT NULL CHECK (precision IN ('day', 'month', 'year', 'decade', 'century')),
    end_date TEXT,
    date_text TEXT NOT NULL,
    event_type TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_article_id ON events(article_id);
-- The year facets and filters keep only the events dated closely enough (metadata.yml,
-- precision): the indexes below hold the precision so that they still cover them.
-- These three, without it, are from databases built before.
DROP INDEX IF EXISTS events_paragraph_id_year;
DROP INDEX IF EXISTS events_year_paragraph_id;
DROP INDEX IF EXISTS events_decade_paragraph_id;
-- In the two below the id comes before the precision: rows that tie on the leading column
-- come in id order (paragraph ids grow with event ids), as Datasette 0.65's next pages of
-- ?_sort=paragraph_id and ?_sort=year assume (README, "Limitations of Datasette 0.65").
-- The two before them had the precision first, and such a page could repeat or skip rows.
DROP INDEX IF EXISTS events_paragraph_id_year_precision;
DROP INDEX IF EXISTS events_year_paragraph_id_precision;
-- Covering for the year facet of paragraphs filtered by search or country.
CREATE INDEX IF NOT EXISTS events_paragraph_years ON events(paragraph_id, id, year, precision);
-- Covering for the year facet and filters of paragraphs (years reached through events).
CREATE INDEX IF NOT EXISTS events_year_paragraphs ON events(year, paragraph_id, id, precision);
-- For the decade facet of paragraphs: the same expression as plugins/links.py DECADE. Not
-- covering, since SQLite still reads the year from the table; with the year as a last
-- column it would be, but the whole 10k table's facet went only from 0.12 to 0.10 s.
CREATE INDEX IF NOT EXISTS events_decade_paragraph_id_precision
    ON events((year - ((year % 10) + 10) % 10), paragraph_id, precision);

CREATE TABLE IF NOT EXISTS event_countries (
    event_id INTEGER NOT NULL REFERENCES events(id),
    country_code TEXT NOT NULL REFERENCES countries(code),
    implied INTEGER NOT NULL DEFAULT 0,  -- 1: a bilateral article's party the sentence does not name
    PRIMARY KEY (event_id, country_code)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_countries_country_code
    ON event_countries(country_code, event_id);

-- Events per country and year, counted again at the end of every build: a timeline of
-- the country in most events (Mongolia: 3.3 million of them at 40k articles) would
-- otherwise count them all on every request. Only events dated to a year or closer:
-- "the 15th century" (year 1400) or "the 1990s" (1990) belongs to no one year.
CREATE TABLE IF NOT EXISTS event_country_years (
    country_code TEXT NOT NULL REFERENCES countries(code),
    year INTEGER NOT NULL,
    events INTEGER NOT NULL,
    PRIMARY KEY (country_code, year)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS visits (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    paragraph_id INTEGER REFERENCES paragraphs(id),   -- set when the visit was read from prose
    table_row_id INTEGER REFERENCES table_rows(id),   -- set when it was read from a table
    person TEXT,
    office TEXT,
    location TEXT,
    start_date TEXT,
    end_date TEXT,
    year INTEGER,
    precision TEXT CHECK (precision IN ('day', 'month', 'year', 'decade', 'century')),
    visitor_country TEXT REFERENCES countries(code),
    host_country TEXT REFERENCES countries(code)
);
CREATE INDEX IF NOT EXISTS visits_article_id ON visits(article_id);
CREATE INDEX IF NOT EXISTS visits_paragraph_id ON visits(paragraph_id);
CREATE INDEX IF NOT EXISTS visits_table_row_id ON visits(table_row_id);
CREATE INDEX IF NOT EXISTS visits_visitor_country ON visits(visitor_country);
CREATE INDEX IF NOT EXISTS visits_host_country ON visits(host_country);
-- Covering for the year facets and filters, which ask for the precision and the year (as
-- of events, above). Not led by the year: SQLite sorts ?_sort=year and ?_sort_desc=year
-- pages itself, and tied rows keep id order both ways, as Datasette's next pages assume
-- (an index read backwards gives them in descending id). The id after the precision keeps
-- ?_sort=precision in id order too.
DROP INDEX IF EXISTS visits_year;
DROP INDEX IF EXISTS visits_year_precision;
CREATE INDEX IF NOT EXISTS visits_precision_id_year ON visits(precision, id, year);

CREATE TABLE IF NOT EXISTS amounts (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    paragraph_id INTEGER NOT NULL REFERENCES paragraphs(id),
    value REAL NOT NULL,
    currency TEXT,
    value_usd REAL,
    year INTEGER,                   -- of the date nearest the amount in its sentence; null for a range of years
    precision TEXT CHECK (precision IN ('day', 'month', 'year', 'decade', 'century')),
    text TEXT NOT NULL,
    part_of_total INTEGER           -- 1: the sentence also names the total it is part of
);
CREATE INDEX IF NOT EXISTS amounts_article_id ON amounts(article_id);
CREATE INDEX IF NOT EXISTS amounts_paragraph_id ON amounts(paragraph_id);
-- As for visits.
DROP INDEX IF EXISTS amounts_year;
DROP INDEX IF EXISTS amounts_year_precision;
CREATE INDEX IF NOT EXISTS amounts_precision_id_year ON amounts(precision, id, year);

-- External-content FTS5 index over paragraphs.text, kept in sync by triggers (a fresh
-- build drops the insert trigger, load.defer_indexing, and indexes the text once at the
-- end, load.index_text).
CREATE VIRTUAL TABLE IF NOT EXISTS paragraphs_fts USING fts5(
    text,
    content="paragraphs",
    content_rowid="id",
    tokenize="porter unicode61 remove_diacritics 2"
);

CREATE TRIGGER IF NOT EXISTS paragraphs_ai AFTER INSERT ON paragraphs BEGIN
    INSERT INTO paragraphs_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS paragraphs_ad AFTER DELETE ON paragraphs BEGIN
    INSERT INTO paragraphs_fts(paragraphs_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER IF NOT EXISTS paragraphs_au AFTER UPDATE ON paragraphs BEGIN
    INSERT INTO paragraphs_fts(paragraphs_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO paragraphs_fts(rowid, text) VALUES (new.id, new.text);
END;
