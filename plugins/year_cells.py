"""Show a year known only to its decade or century as the period it stands for: the year
1990 of "the 1990s" as "1990s", the year 1400 of "the 15th century" as "15th century".

Which column holds the year, and which its precision, is each table's year link
(metadata, plugin `country-year`: `year: {column: ..., precision: {column: ...}}`, see
links.py). Only the HTML changes: JSON and CSV keep the number, which is the period's
first year.
"""

import sys
import weakref
from pathlib import Path

from datasette import hookimpl
from datasette.utils import module_from_path

# One copy of links.py for every plugin file (module_from_path alone makes one each).
links = sys.modules.get("relations_links") or sys.modules.setdefault(
    "relations_links",
    module_from_path(str(Path(__file__).with_name("links.py")), "relations_links"),
)

# datasette -> {(database, table): its year link or None}: read once, not cell by cell.
_year_links = weakref.WeakKeyDictionary()


def year_link(datasette, database, table):
    cache = _year_links.setdefault(datasette, {})
    if (database, table) not in cache:
        cache[database, table] = links.link_for(datasette, database, table, "year")
    return cache[database, table]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if table is None or not isinstance(value, int) or isinstance(value, bool):
        return None
    link = year_link(datasette, database, table)
    if link is None or link.through or column not in link.columns or not link.precision_column:
        return None
    columns = row.keys()  # a sqlite3.Row: `in` would look among its values
    precision = row[link.precision_column] if link.precision_column in columns else None
    return links.readable_year(value, precision) if precision in links.PERIODS else None
