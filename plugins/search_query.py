"""fts_query(text): what a person types, as an FTS5 query, for SQL and canned queries.

Text that FTS5 reads as a query (barewords, "quoted phrases", prefix*, AND/OR/NOT,
NEAR(), brackets, text:column filters) is kept as written, so the canned search
accepts the syntax. Anything else is quoted word by word with Datasette's own
escape_fts, as ?_search= does: then "China-Mongolia", "Mongolia's" or "U.S." are
searched for instead of failing with an FTS5 error; a blank query finds nothing, and
so does one longer than LONGEST_QUERY characters.

Datasette's escape_fts SQL function, which ?_search= runs, is replaced with one that
also finds nothing for text without a word ("", " ", a lone '"'): Datasette 0.65 hands
FTS5 an empty query then, which fails and leaves a person on an error page.
"""

import sqlite3
from functools import lru_cache

from datasette import hookimpl
from datasette.utils import escape_fts, escape_sqlite

NOTHING = '""'  # an empty phrase: matches no row, and is no syntax error
# Far more than a search box needs. A longer query is not parsed outside the SQL time limit
# (FTS5's parser is run in Python here) nor kept in the cache: fts_query() finds nothing
# for it, and a ?_search= is a 400 (request_checks.py).
LONGEST_QUERY = 10_000


def fts_syntax_error(text, columns=("text",)):
    """What FTS5 says is wrong with text as a query, or None if nothing is: asked of an
    empty table with the columns of the FTS table (paragraphs_fts's by default), FTS5's
    own parser, not a guess at its grammar. Text of more than LONGEST_QUERY characters
    is not checked (nor kept in the cache), and is wrong for its length."""
    if len(text) > LONGEST_QUERY:
        return f"longer than {LONGEST_QUERY:,} characters"
    return checked_syntax(text, columns)


@lru_cache(maxsize=1024)
def checked_syntax(text, columns):
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute(
            f"create virtual table probe using fts5({', '.join(map(escape_sqlite, columns))})"
        )
        probe.execute("select rowid from probe where probe match :query", {"query": text})
        return None
    except sqlite3.OperationalError as error:
        return str(error)
    finally:
        probe.close()


def escape_fts_or_nothing(text):
    return escape_fts(text) or NOTHING


def fts_query(text):
    if text is None or not str(text).strip():
        return NOTHING
    text = str(text)
    if len(text) > LONGEST_QUERY:
        return NOTHING  # (an exception would reach the user as "user-defined function raised")
    return text if fts_syntax_error(text) is None else escape_fts_or_nothing(text)


@hookimpl(trylast=True)  # after Datasette's own, which defines escape_fts
def prepare_connection(conn):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
    conn.create_function("escape_fts", 1, escape_fts_or_nothing, deterministic=True)
