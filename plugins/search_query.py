"""fts_query(text): what a person types, as an FTS5 query, for SQL and canned queries.

Text in FTS5 syntax (barewords, "quoted phrases", prefix*, AND/OR/NOT, brackets)
is kept as written, so the canned search accepts the syntax. Anything else is
quoted word by word with Datasette's own escape_fts, as ?_search= does: then
"China-Mongolia", "Mongolia's" or "U.S." are searched for instead of failing
with an FTS5 syntax error, and a blank query finds nothing instead of failing.
"""

import re

from datasette import hookimpl
from datasette.utils import escape_fts

TOKEN = re.compile(r'"[^"]*"|[()]|[^\s()"]+')
# A bareword (FTS5 takes letters, digits and _ as word characters), maybe a prefix.
BAREWORD = re.compile(r"\w+\*?")
OPERATORS = {"AND", "OR", "NOT"}
NOTHING = '""'  # an empty phrase: matches no row, and is no syntax error


def is_fts_syntax(text):
    tokens = TOKEN.findall(text)
    return (
        text.count('"') % 2 == 0
        and text.count("(") == text.count(")")
        and tokens[0] not in OPERATORS
        and tokens[-1] not in OPERATORS
        and all(t.startswith('"') or t in "()" or BAREWORD.fullmatch(t) for t in tokens)
        and any(t not in "()" for t in tokens)
    )


def fts_query(text):
    if text is None or not str(text).strip():
        return NOTHING
    text = str(text)
    return text if is_fts_syntax(text) else escape_fts(text) or NOTHING


@hookimpl
def prepare_connection(conn):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
