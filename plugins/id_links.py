"""Links to rows by their id: once on table pages, and on row and query pages too.

Datasette 0.65 labels a foreign key with the label column of the row it points to. For
a table without one (paragraphs, events, table_rows) the label is the id as text, which
the table page then shows twice, as the link and again as the id beside it
(simonw/datasette#1369): here it shows once. The foreign keys of each table of an
immutable database are read once and kept; a mutable database's schema can change under
the server, so they are read again for each cell.

A row page does not expand its foreign keys: there they are linked by the same table of
them. Query pages (canned queries, SQL) know no foreign keys: the columns that hold ids of a
table's rows are plugin configuration (metadata, plugin `id-links`, `columns`:
{column: table}), such as the search's paragraph_id.
"""

import weakref
from functools import partial

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup

PLUGIN = "id-links"
# datasette -> {(database name, table): {column: the table its foreign key points to}}
_targets = weakref.WeakKeyDictionary()
# datasette -> {(database name, table): whether the database has that table}
_tables = weakref.WeakKeyDictionary()


def is_unlabelled_link(value):
    # A foreign key that the table page expanded arrives as {"value": ..., "label": ...}.
    return isinstance(value, dict) and value.get("label") == str(value.get("value"))


def cache_of(caches, datasette, database):
    """The cache for an immutable database; an empty one, not kept, for a mutable one."""
    return {} if datasette.get_database(database).is_mutable else caches.setdefault(datasette, {})


async def link_targets(datasette, database, table):
    cache = cache_of(_targets, datasette, database)
    if (database, table) not in cache:
        foreign_keys = await datasette.get_database(database).foreign_keys_for_table(table)
        cache[database, table] = {fk["column"]: fk["other_table"] for fk in foreign_keys}
    return cache[database, table]


async def has_table(datasette, database, table):
    cache = cache_of(_tables, datasette, database)
    if (database, table) not in cache:
        cache[database, table] = await datasette.get_database(database).table_exists(table)
    return cache[database, table]


def row_link(datasette, database, table, row_id):
    href = datasette.urls.row(database, table, tilde_encode(str(row_id)))
    return Markup('<a href="{}">{}</a>').format(href, row_id)


async def foreign_key_link(datasette, database, table, column, row_id):
    other = (await link_targets(datasette, database, table)).get(column)
    return row_link(datasette, database, other, row_id) if other else None


async def configured_link(datasette, database, table, row_id):
    return (
        row_link(datasette, database, table, row_id)
        if await has_table(datasette, database, table)
        else None
    )


@hookimpl
def render_cell(value, column, table, database, datasette):
    # Functions, not coroutines: Datasette calls a cell's candidates in turn until one
    # gives a value, and a coroutine it never reaches would be left never awaited.
    if table is not None:
        if is_unlabelled_link(value):
            return partial(foreign_key_link, datasette, database, table, column, value["value"])
        if isinstance(value, int) and not isinstance(value, bool):
            # A row page shows its foreign keys as plain numbers: linked here.
            return partial(foreign_key_link, datasette, database, table, column, value)
        return None
    target = ((datasette.plugin_config(PLUGIN) or {}).get("columns") or {}).get(column)
    if target and isinstance(value, int) and not isinstance(value, bool):
        return partial(configured_link, datasette, database, target, value)
    return None
