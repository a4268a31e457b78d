"""Show a link to a row whose table has no label column once: "9", not "9 9".

Datasette 0.65 labels a foreign key with the label column of the row it points to. For
a table without one (paragraphs, events, table_rows) the label is the id as text, which
the table page then shows twice, as the link and again as the id beside it
(simonw/datasette#1369). The foreign keys of each table are read once and kept, as
country_cells.py keeps the country names.
"""

import weakref

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup

# datasette -> {(database name, table): {column: the table its foreign key points to}}
_targets = weakref.WeakKeyDictionary()


def is_unlabelled_link(value):
    # A foreign key that the table page expanded arrives as {"value": ..., "label": ...}.
    return isinstance(value, dict) and value.get("label") == str(value.get("value"))


async def link_targets(datasette, database, table):
    cache = _targets.setdefault(datasette, {})
    if (database, table) not in cache:
        foreign_keys = await datasette.get_database(database).foreign_keys_for_table(table)
        cache[database, table] = {fk["column"]: fk["other_table"] for fk in foreign_keys}
    return cache[database, table]


async def id_link(datasette, database, table, column, row_id):
    other = (await link_targets(datasette, database, table)).get(column)
    if other is None:
        return None
    href = datasette.urls.row(database, other, tilde_encode(str(row_id)))
    return Markup('<a href="{}">{}</a>').format(href, row_id)


@hookimpl
def render_cell(value, column, table, database, datasette):
    if table is None or not is_unlabelled_link(value):
        return None
    return id_link(datasette, database, table, column, value["value"])
