"""Show ISO country codes as the country's name, linked to its page (pages.py).

Which columns hold codes is plugin configuration (metadata, plugin `country-cells`,
`columns`); the names come from the table named by `country-year` (links.py), in
the same database as the cell: read once and kept for an immutable database, looked up
cell by cell in a mutable one, which may change while it is served.
"""

import sqlite3
import urllib.parse
import weakref
from pathlib import Path

from datasette import hookimpl
from datasette.utils import escape_sqlite, module_from_path
from markupsafe import Markup

links = module_from_path(str(Path(__file__).with_name("links.py")), "links")

PLUGIN = "country-cells"
# datasette -> {database name: {code: name}}
_names = weakref.WeakKeyDictionary()


async def names_of(db, table, code_column, name_column, code=None):
    """{code: name} of every country, or of the one `code` given, from db's `table`."""
    code_column, name_column, table = map(escape_sqlite, (code_column, name_column, table))
    sql = f"select {code_column}, {name_column} from {table}"
    if code is not None:
        sql += f" where {code_column} = :code"
    try:
        return {row[0]: row[1] for row in await db.execute(sql, {"code": code})}
    except sqlite3.OperationalError:  # no such table: the cells keep their codes
        return {}


async def country_name(datasette, database, code):
    """The name of the country `code` in `database`, or None."""
    db = datasette.get_database(database)
    columns = links.countries_table(datasette)
    if db.is_mutable:
        return (await names_of(db, *columns, code)).get(code)
    cache = _names.setdefault(datasette, {})
    if database not in cache:
        cache[database] = await names_of(db, *columns)
    return cache[database].get(code)


def country_link(datasette, code, name):
    href = datasette.urls.path("/-/country/" + urllib.parse.quote(code, safe=""))
    return Markup('<a href="{}">{}</a>&nbsp;<em>{}</em>').format(href, name, code)


@hookimpl
def render_cell(value, column, database, datasette):
    columns = (datasette.plugin_config(PLUGIN) or {}).get("columns") or []
    if column not in columns:
        return None
    # A foreign key that the table page expanded arrives as {"value": ..., "label": ...}.
    code = value.get("value") if isinstance(value, dict) else value
    if not isinstance(code, str) or not code:
        return None

    async def inner():
        name = await country_name(datasette, database, code)
        return country_link(datasette, code, name) if name else None

    return inner()
