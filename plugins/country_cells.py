"""Show ISO country codes as the country's name, linked to its page (pages.py).

Which columns hold codes is plugin configuration (metadata, plugin `country-cells`,
`columns`); the names come from the table named by `country-year` (links.py), in
the same database as the cell: read once and kept for an immutable database, looked up
cell by cell in a mutable one, which may change while it is served.
"""

import sys
import urllib.parse
import weakref
from pathlib import Path

from datasette import hookimpl
from datasette.utils import module_from_path
from markupsafe import Markup

# One copy of links.py for every plugin file (module_from_path alone makes one each).
links = sys.modules.get("relations_links") or sys.modules.setdefault(
    "relations_links",
    module_from_path(str(Path(__file__).with_name("links.py")), "relations_links"),
)

PLUGIN = "country-cells"
# datasette -> {database name: {code: name}}
_names = weakref.WeakKeyDictionary()


async def country_name(datasette, database, code):
    """The name of the country `code` in `database`, or None."""
    if datasette.get_database(database).is_mutable:
        return (await links.country_names(datasette, database, [code])).get(code)
    cache = _names.setdefault(datasette, {})
    if database not in cache:
        cache[database] = await links.country_names(datasette, database)
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

    return inner  # called only if no plugin before it gave the cell a value
