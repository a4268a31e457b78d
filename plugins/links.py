"""How each table reaches its countries and its years, and SQL over those links.

Shared by country_facet.py, year_facet.py, filters.py, pages.py, country_cells.py and
year_cells.py, which load it once, as the module "relations_links" (the plugins folder is
not a package: datasette.utils.module_from_path, kept in sys.modules). It has no hooks of
its own.

The configuration is metadata, plugin `country-year`. At the top level it names
the table of country names; per table it says how a row reaches a country code
and a year. A link is either columns of the table itself (a row is linked to the
value of any of them) or a column of a `through` table whose `key` column matches
this table's `match` column (default: id):

    plugins:
      country-year:
        countries: {table: countries, code: code, name: name}
        # optional: every name a country goes by, for the code a ?_country= error names
        names: {table: country_names, code: code, name: name}
    databases:
      relations:
        tables:
          events:
            plugins:
              country-year:
                country: {through: event_countries, key: event_id, column: country_code}
                year:
                  column: year
                  # Without it, "the 1990s" (year 1990) would count as the year 1990.
                  precision:
                    {column: precision, year: [day, month, year], decade: [day, month, year, decade]}
          visits:
            plugins:
              country-year:
                country: {columns: [visitor_country, host_country]}
                year: {column: year, precision: ...as for events}

The request's ?_country=, ?_year=, ?_decade=, ?_year_from= and ?_year_to= are read
here into LinkFilters (filters.py turns them into Datasette's where clauses), so that
a facet can tell when they alone narrow a page and count from their link tables.

No table or column name is written in Python: every identifier comes from that
configuration and goes into SQL through escape_sqlite; every value is a :named
parameter.
"""

import logging
import re
import sqlite3
import threading
import urllib.parse
from contextlib import closing
from dataclasses import dataclass, replace

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite
from datasette.utils.asgi import BadRequest

log = logging.getLogger(__name__)
PLUGIN = "country-year"
COUNTRY_CODE = re.compile(r"[A-Za-z]{3}")
YEAR = re.compile(r"-?[0-9]{1,4}")  # ASCII digits only: int() would read "١٩٩٢" too
# Values of one repeatable parameter a request may give: each adds a clause to the SQL,
# and a thousand of them overflow SQLite's expression depth.
MAX_REPEATS = 20
# The scales of a year link's precision setting (see Link), with the years a value
# counted first at that scale spans ("the 1990s": 10).
SCALES = {"year": 1, "decade": 10}
# The precisions of a year that readable_year names as periods ("1990s", "15th century").
PERIODS = ("decade", "century")
# The first year of the decade of {v}, also right for years before 0. schema.sql indexes
# events on this very expression (events_decade_paragraph_id_precision): change both.
DECADE = "({v} - (({v} % 10) + 10) % 10)"
# The attribute of the Datasette instance in which start_counting_whole_tables keeps the
# unfiltered counts of immutable databases, which never change, as {(database, table,
# facet type): [(value, count)...]}. Kept by each Datasette instance (a process, the
# tests', may run several), where the pages read what the facets' startup counted.
WHOLE_TABLE_COUNTS = "_country_year_whole_table_counts"


class ConfigError(Exception):
    pass


class NotACountryCode(BadRequest):
    """A ?_country= value that is no three-letter code (page_link_filters names the code
    of a country so named)."""

    def __init__(self, value):
        super().__init__("_country must be an ISO 3166 three-letter country code, like KAZ")
        self.value = value


def table_config(datasette, database, table):
    """The table's own country-year configuration, never inherited from elsewhere."""
    if not table:
        return {}
    return datasette.plugin_config(PLUGIN, database=database, table=table, fallback=False) or {}


def link_for(datasette, database, table, kind, scale=None):
    """The Link by which `table` reaches `kind` ('country' or 'year'), or None; for a
    year, at `scale` ('year' or 'decade', see Link)."""
    spec = table_config(datasette, database, table).get(kind)
    return Link(table, spec, scale) if spec else None


def countries_table(datasette, setting="countries"):
    """(table, code column, name column) of the country names (setting `countries`), or
    of every name a country goes by (`names`; without it, as `countries`)."""
    settings = datasette.plugin_config(PLUGIN) or {}
    config = settings.get(setting) or settings.get("countries") or {}
    if isinstance(config, str):
        config = {"table": config}
    return config.get("table", "countries"), config.get("code", "code"), config.get("name", "name")


async def country_names(datasette, database, codes=None):
    """{code: name} for the given codes that the country table knows, or for every
    country (codes None); {} for a database without the table. (A table without the
    configured columns is an error, not a database without names: startup checks it.)"""
    table, code, name = (escape_sqlite(n) for n in countries_table(datasette))
    sql, params = f"select {code}, {name} from {table}", {}
    if codes is not None:
        params = {f"c{i}": c for i, c in enumerate(sorted(set(codes)))}
        if not params:
            return {}
        sql += f" where {code} in ({', '.join(f':{p}' for p in params)})"
    try:
        rows = await datasette.get_database(database).execute(sql, params)
    except sqlite3.OperationalError as error:
        if str(error).startswith("no such table"):
            return {}
        raise
    return {row[0]: row[1] for row in rows}


async def code_named(datasette, database, name):
    """The code of the country that `name` names, in any case, by the table of every name
    a country goes by (countries_table's `names`: its two-letter code, an alias, a former
    name that stands for its successor); None for no country or for several."""
    table, code, name_column = countries_table(datasette, "names")
    rows = await datasette.get_database(database).execute(
        f"select distinct {escape_sqlite(code)} from {escape_sqlite(table)}"
        f" where {escape_sqlite(name_column)} = :name collate nocase limit 2",
        {"name": name},
    )
    codes = [code for (code,) in rows]
    return codes[0] if len(codes) == 1 else None


async def linked_tables(datasette, database, kind, scale=None):
    """[(table, Link)] for every table of the database that reaches `kind` (at `scale`)."""
    found = []
    for table in await datasette.get_database(database).table_names():
        link = link_for(datasette, database, table, kind, scale)
        if link:
            found.append((table, link))
    return found


def readable_year(year, precision):
    """1995 -> '1995'; a decade's first year -> '1990s'; a century's -> '19th century'."""
    if year is None:
        return ""
    if precision == "decade":
        return f"{year}s"
    if precision == "century":
        number = year // 100 + 1
        suffix = (
            "th"
            if number % 100 in (11, 12, 13)
            else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        )
        return f"{number}{suffix} century"
    return str(year)


def toggle_path(request, parameter, value, selected, normalise=str):
    """The request's path with parameter=value added, or removed when selected.

    Repeating a parameter narrows (rows linked to all the values), so adding keeps
    the values already there; any _next page token is dropped either way.
    """
    pairs = [
        (k, v)
        for k, v in urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)
        if k != "_next" and not (selected and k == parameter and normalise(v) == value)
    ]
    if not selected:
        pairs.append((parameter, value))
    query = urllib.parse.urlencode(pairs)
    return request.path + (f"?{query}" if query else "")


class Link:
    """How the rows of one table reach a value: own columns, or a through table.

    A year may come with how closely it is known: `precision: {column: precision,
    year: [day, month, year], decade: [day, month, year, decade]}` keeps, at each scale,
    only the values whose precision column (in the row that holds the value) is listed:
    "the 1990s" counts for the decade 1990 but for no one year, a century for neither.
    """

    def __init__(self, table, spec, scale=None):
        if isinstance(spec, str):
            spec = {"column": spec}
        unknown = set(spec) - {"column", "columns", "through", "key", "match", "precision"}
        if unknown:
            raise ConfigError(f"{PLUGIN} for {table}: unknown keys {sorted(map(str, unknown))}")
        self.table = table
        self.through = spec.get("through")
        self.key = spec.get("key")
        self.match = spec.get("match", "id")
        self.columns = list(spec.get("columns") or [spec.get("column")])
        if not all(self.columns) or (self.through and not self.key):
            raise ConfigError(
                f"{PLUGIN} for {table}: give column(s), and key when there is a through table"
            )
        if self.through and len(self.columns) != 1:
            raise ConfigError(f"{PLUGIN} for {table}: a through table takes one column")
        precision = spec.get("precision") or {}
        if precision and not (
            isinstance(precision, dict)
            and precision.get("column")
            and set(precision) - {"column"}
            and set(precision) <= {"column", *SCALES}
            and all(
                values and isinstance(values, list) and all(isinstance(v, str) for v in values)
                for key, values in precision.items()
                if key != "column"
            )
        ):
            raise ConfigError(
                f"{PLUGIN} for {table}: precision takes a column and, for year and/or decade,"
                " a list of the precisions that count"
            )
        self.precision_column = precision.get("column")
        self.precision_lists = {k: v for k, v in precision.items() if k != "column"}
        # The :named values of the precision condition, named after the scale: a year
        # filter and a decade facet may share a query.
        self.params = {
            f"{scale}_precision_{i}": value
            for i, value in enumerate(self.precision_lists.get(scale, []))
        }

    def precise(self, row=None):
        """' and <row>.<precision column> in (...)': keeps only the values known closely
        enough for the link's scale; '' when every value counts. row: the table or
        alias holding the value, None for a bare column name."""
        if not self.params:
            return ""
        names = ", ".join(f":{name}" for name in self.params)
        return f" and {self.precision_of(row)} in ({names})"

    def within_range(self, bounded_above):
        """A predicate ({v}, {p}) and its params for a range of years (:year_from and,
        when bounded_above, :year_to): a value whose precision a scale counts, and no
        finer scale does, is in the range when all the years it spans are. ("", {})
        without a precision setting: then the value alone decides."""
        within, params, counted = [], {}, set()
        for scale, years in SCALES.items():
            precisions = [p for p in self.precision_lists.get(scale, []) if p not in counted]
            counted.update(precisions)
            if not precisions:
                continue
            names = [f"range_{scale}_{i}" for i in range(len(precisions))]
            params.update(zip(names, precisions))
            condition = f"{{p}} in ({', '.join(f':{name}' for name in names)})"
            if years > 1 and bounded_above:
                condition += f" and {{v}} + {years - 1} <= :year_to"
            within.append(f"({condition})")
        return (f"({' or '.join(within)})" if within else ""), params

    def precision_of(self, row=None):
        """SQL for the precision column of row (the table or alias holding the value;
        None for a bare column name), or None without a precision setting."""
        if not self.precision_column:
            return None
        column = escape_sqlite(self.precision_column)
        return column if row is None else f"{row}.{column}"

    def where(self, predicate, in_key_order=False):
        """A where clause: the row is linked to a value v for which predicate holds.

        predicate is SQL with {v} standing for the value, e.g. "{v} = :country_0", and
        {p} for its precision (see within_range). in_key_order: the rows are to come in
        the order of their rowid, as a sorted page needs its ties (see
        sorted_by_other_than): read through an index on what the condition tests (the
        year, a through table's key), SQLite would give them in that index's order;
        picked from the set of rowids that satisfy it, they come in rowid order.
        """
        table = escape_sqlite(self.table)
        if self.through:
            condition = f"{table}.{escape_sqlite(self.match)} in ({self.keys_sql(predicate)})"
        else:
            precision = self.precision_of(table)
            either = " or ".join(
                f"({predicate.format(v=f'{table}.{escape_sqlite(c)}', p=precision)})"
                for c in self.columns
            )
            condition = f"(({either}){self.precise(table)})"
        if not in_key_order:
            return condition
        return f"{table}.rowid in (select rowid from {table} where {condition})"

    def keys_sql(self, predicate):
        """SQL for the keys of the through table's rows whose value satisfies predicate."""
        through = escape_sqlite(self.through)
        value = f"{through}.{escape_sqlite(self.columns[0])}"
        predicate = predicate.format(v=value, p=self.precision_of(through))
        return (
            f"select {through}.{escape_sqlite(self.key)} from {through}"
            f" where ({predicate}){self.precise(through)}"
        )

    async def counts_by_value_sql(self, db, sql, expression="{v}", filters=()):
        """SQL for (value, count): how many rows of `sql` are linked to each value.

        sql selects rows of this table (a table page's query, filtered or not, with
        its params). expression maps a linked value, e.g. a year to its decade. A
        row counts once per value however many ways it reaches it. filters are the
        LinkFilters when they alone narrow sql: then their keys may stand in for it.
        """
        if self.through:
            return await self._through_counts_sql(db, sql, expression, filters)
        if len(self.columns) == 1:
            column = escape_sqlite(self.columns[0])
            # Group by the raw column first: that scan can use an index on it.
            grouped = (
                f"select {column} as value, count(*) as count from ({sql})"
                f" where {column} is not null{self.precise()} group by {column}"
            )
            if expression == "{v}":
                return grouped
            return (
                f"select {expression.format(v='value')} as value, sum(count) as count"
                f" from ({grouped}) group by 1"
            )
        # Several columns (visitor or host): a row counts once for each distinct value.
        parts = []
        for i, column in enumerate(self.columns):
            value = expression.format(v=escape_sqlite(column))
            earlier = [expression.format(v=escape_sqlite(c)) for c in self.columns[:i]]
            distinct = "".join(f" and {value} is not {e}" for e in earlier)
            parts.append(
                f"select {value} as value from ({sql})"
                f" where {value} is not null{distinct}{self.precise()}"
            )
        union = " union all ".join(parts)
        return f"select value, count(*) as count from ({union}) group by value"

    async def _through_counts_sql(self, db, sql, expression, filters):
        through = escape_sqlite(self.through)
        key = f"{through}.{escape_sqlite(self.key)}"
        column = f"{through}.{escape_sqlite(self.columns[0])}"
        value = expression.format(v=column)
        pair_unique = expression == "{v}" and await is_unique(
            db, self.through, [self.key, self.columns[0]]
        )
        if await is_unique(db, self.table, [self.match]):
            where = f"{column} is not null{self.precise(through)}"
            if await self._keys_stand_for_rows(db, filters):
                # Each filter's keys name the rows without reading the table itself,
                # which is what costs most when a filter keeps many rows.
                where += "".join(f" and {key} in ({f.link.keys_sql(f.predicate)})" for f in filters)
            elif not (
                await is_whole_table(db, self.table, sql) and await self._key_is_foreign_key(db)
            ):
                where += f" and {key} in (select {escape_sqlite(self.match)} from ({sql}))"
            # else every row of the through table belongs to a row of the table: count
            # it alone, in the order of its index on the value (covering, no sort).
            if pair_unique:
                return (
                    f"select {value} as value, count(*) as count from {through}"
                    f" where {where} group by {column}"
                )
            if expression != "{v}" or await has_index(
                db, self.through, [self.columns[0], self.key]
            ):
                # An index on (value, key) hands each value's keys over in order; for a
                # decade, schema.sql indexes the decade expression the same way.
                return (
                    f"select {value} as value, count(distinct {key}) as count from {through}"
                    f" where {where} group by {value}"
                )
            return (
                f"select value, count(*) as count from (select distinct {key} as row_,"
                f" {value} as value from {through} where {where}) group by value"
            )
        # Several rows share a `match` value (amounts of one paragraph): join, per row.
        joined = (
            f"from ({sql}) as row_ join {through} on {key} = row_.{escape_sqlite(self.match)}"
            f" where {column} is not null{self.precise(through)}"
        )
        if pair_unique:
            return f"select {value} as value, count(*) as count {joined} group by {column}"
        pks = await db.primary_keys(self.table) or ["rowid"]
        row = ", ".join(f"row_.{escape_sqlite(pk)}" for pk in pks)
        return (
            f"select value, count(*) as count from (select distinct {row}, {value} as value"
            f" {joined}) group by value"
        )

    async def count_of_value_sql(self, db):
        """SQL for how many rows of the table are linked to the value :value."""
        if (
            self.through
            and await is_unique(db, self.table, [self.match])
            and await is_unique(db, self.through, [self.key, self.columns[0]])
            and await self._key_is_foreign_key(db)
        ):
            # One row of the through table per row of the table: count a range of its index.
            through = escape_sqlite(self.through)
            return (
                f"select count(*) from {through}"
                f" where {through}.{escape_sqlite(self.columns[0])} = :value{self.precise(through)}"
            )
        return (
            f"select count(*) from {escape_sqlite(self.table)} where {self.where('{v} = :value')}"
        )

    async def _keys_stand_for_rows(self, db, filters):
        """Whether the filters' through-table keys and ours all name this table's rows.

        Foreign keys make every key a row of the table (the build checks them), so
        the rows kept by the filters are exactly the keys that all filters keep.
        """
        if not filters or not await self._key_is_foreign_key(db):
            return False
        for link_filter in filters:
            link = link_filter.link
            if not (link.through and link.match == self.match):
                return False
            if not await link._key_is_foreign_key(db):
                return False
        return True

    async def _key_is_foreign_key(self, db):
        return any(
            fk["column"] == self.key
            and fk["other_table"] == self.table
            and fk["other_column"] == self.match
            for fk in await db.foreign_keys_for_table(self.through)
        )


@dataclass
class LinkFilter:
    """One where clause of ?_country=, ?_year=...: rows linked to a value that satisfies
    predicate (SQL with {v} for the value)."""

    link: Link
    predicate: str
    own_params: dict  # the :named values the predicate uses
    description: str  # for Datasette's "where ..." line
    country: str | None = None  # the code, for ?_country: named in the description
    in_key_order: bool = False  # the page is sorted by another column (page_link_filters)

    @property
    def where(self):
        return self.link.where(self.predicate, self.in_key_order)

    @property
    def params(self):
        """The :named values of where: the predicate's and the link's."""
        return {**self.own_params, **self.link.params}


def request_values(request, parameter, normalise=str):
    """The distinct non-blank values of a repeatable parameter, stripped and normalised,
    in order."""
    stripped = (v.strip() for v in request.args.getlist(parameter))
    values = list(dict.fromkeys(normalise(v) for v in stripped if v))
    if len(values) > MAX_REPEATS:
        raise BadRequest(
            f"{parameter} is given {len(values)} different values: at most {MAX_REPEATS}"
        )
    return values


def one_year(request, parameter):
    """The year of a parameter that takes one, or None; BadRequest if given two different
    years (the first alone would answer another question)."""
    years = request_values(request, parameter, lambda value: year_value(parameter, value))
    if len(years) > 1:
        raise BadRequest(f"{parameter} takes one year, not {len(years)}: {years[0]}, {years[1]}")
    return years[0] if years else None


def code_upper(code):
    """A country code in capitals, for ASCII only: "ß".upper() is "SS", and "ßa" would
    pass for SSA, another country's code."""
    return code.upper() if code.isascii() else code


def year_value(parameter, value, example=1992):
    if not YEAR.fullmatch(value):
        raise BadRequest(f"{parameter} must be a year, like {example}")
    return int(value)


PLURALS = {"country": "countries", "year": "years"}


def configured_databases(datasette):
    """Names of the databases whose metadata gives some table a country-year link."""
    return sorted(
        name
        for name, database in (datasette.metadata("databases") or {}).items()
        if any(
            PLUGIN in ((t or {}).get("plugins") or {})
            for t in (database.get("tables") or {}).values()
        )
    )


def does_not_apply(datasette, database, table, kind, parameter, use):
    """BadRequest saying why `parameter` (to `use`: "filter" or "facet") does not apply."""
    configured = configured_databases(datasette)
    if configured and database not in configured:
        # A database is named after its file: x.db is "x", whatever it holds.
        names = " and ".join(map(repr, configured))
        return BadRequest(
            f"{parameter} does not apply to {table}: metadata configures {PLURALS[kind]} for the"
            f" database {names}, not {database!r} (a database takes its file's name)"
        )
    tables = ((datasette.metadata("databases") or {}).get(database) or {}).get("tables") or {}
    linked = [name for name in tables if link_for(datasette, database, name, kind)]
    those = ", ".join(linked[:-1]) + " and " * (len(linked) > 1) + "".join(linked[-1:])
    return BadRequest(
        f"{parameter} does not apply to {table}: it has no {kind} to {use} by"
        + (f" (the tables that have one: {those})" if linked else "")
    )


def required_link(datasette, database, table, kind, parameter, scale=None):
    link = link_for(datasette, database, table, kind, scale)
    if link is None:
        raise does_not_apply(datasette, database, table, kind, parameter, "filter")
    return link


def country_code(value):
    """A ?_country= value as a code in capitals; NotACountryCode, with the value as given
    ("Kazakhstan", not "KAZAKHSTAN"), for one that is no code."""
    if not COUNTRY_CODE.fullmatch(value):
        raise NotACountryCode(value)
    return code_upper(value)


def country_filters(request, database, table, datasette):
    codes = request_values(request, "_country", country_code)
    if not codes:
        return []
    link = required_link(datasette, database, table, "country", "_country")
    return [
        LinkFilter(link, f"{{v}} = :country_{i}", {f"country_{i}": code}, f"linked to {code}", code)
        for i, code in enumerate(codes)
    ]


def time_filters(request, database, table, datasette):
    years = [year_value("_year", v) for v in request_values(request, "_year")]
    decades = [year_value("_decade", v, 1990) for v in request_values(request, "_decade")]
    if any(decade % 10 for decade in decades):
        raise BadRequest("_decade must be the first year of a decade, like 1990")
    start, end = one_year(request, "_year_from"), one_year(request, "_year_to")
    given = {
        "_year": years,
        "_decade": decades,
        "_year_from": start is not None,
        "_year_to": end is not None,
    }
    parameter = next((name for name, value in given.items() if value), None)
    if parameter is None:
        return []
    link = required_link(datasette, database, table, "year", parameter, "year")
    if start is not None and end is not None and start > end:
        raise BadRequest(f"_year_from ({start}) must not be after _year_to ({end})")
    found = year_filters(link, years)
    found += decade_filters(link_for(datasette, database, table, "year", "decade"), decades)
    if start is not None or end is not None:
        found.append(range_filter(link_for(datasette, database, table, "year"), start, end))
    return found


def year_filters(link, years):
    return [
        LinkFilter(link, f"{{v}} = :year_{i}", {f"year_{i}": year}, f"year is {year}")
        for i, year in enumerate(years)
    ]


def decade_filters(link, decades):
    # A range, not the decade of each year, so that an index on the year serves.
    return [
        LinkFilter(
            link,
            f"{{v}} between :decade_{i} and :decade_{i} + 9",
            {f"decade_{i}": decade},
            f"year in the {decade}s",
        )
        for i, decade in enumerate(decades)
    ]


def range_filter(link, start, end):
    """One clause, so that a single linked year has to fall between both bounds."""
    bounds, params = [], {}
    if start is not None:
        bounds.append("{v} >= :year_from")
        params["year_from"] = start
    if end is not None:
        bounds.append("{v} <= :year_to")
        params["year_to"] = end
    if start is not None and end is not None:
        description = f"year from {start} to {end}"
    else:
        description = f"year from {start}" if end is None else f"year up to {end}"
    # A value dated to a decade is in the range when all of its decade is.
    within, precisions = link.within_range(bounded_above=end is not None)
    if within:
        bounds.append(within)
        params.update(precisions)
    return LinkFilter(link, " and ".join(bounds), params, description)


def link_filters(request, database, table, datasette):
    """Every LinkFilter of the request, countries first; BadRequest for a bad value."""
    return country_filters(request, database, table, datasette) + time_filters(
        request, database, table, datasette
    )


def sorted_by_other_than(request, datasette, database, table, keys):
    """Whether the table page is sorted by a column other than its keys. Datasette 0.65
    orders the first page of a sorted table by that column alone, and the pages after it
    by the column and the keys: rows that tie must come in key order, or the pages repeat
    some rows and skip others."""
    sort = request.args.get("_sort") or request.args.get("_sort_desc")
    if not sort:
        settings = datasette.table_metadata(database, table)
        sort = settings.get("sort") or settings.get("sort_desc")
    return bool(sort) and sort not in keys


async def page_link_filters(request, database, table, datasette):
    """The LinkFilters as the table page applies them: in key order when it is sorted by
    another column (a table whose key is its rowid; not a view, which has none)."""
    try:
        found = link_filters(request, database, table, datasette)
    except NotACountryCode as error:
        if code := await code_named(datasette, database, error.value):
            raise BadRequest(f"{error.args[0]}: {error.value} is {code}") from None
        raise
    db = datasette.get_database(database)
    if not found or table in await db.view_names():
        return found
    keys = await db.primary_keys(table) or ["rowid"]
    if not sorted_by_other_than(request, datasette, database, table, keys):
        return found
    return [replace(link_filter, in_key_order=True) for link_filter in found]


async def whole_table_sql(db, table):
    """The SQL with which a table page selects every row of table, unfiltered."""
    columns = ", ".join(escape_sqlite(c) for c in await db.table_columns(table))
    rowid = "" if await db.primary_keys(table) else "rowid, "
    return f"select {rowid}{columns} from {escape_sqlite(table)}"


async def filtered_sql(db, table, filters):
    """The SQL with which a table page selects the rows that the LinkFilters keep."""
    where = " and ".join(f.where for f in filters)
    return await whole_table_sql(db, table) + (f" where {where}" if filters else "")


async def is_whole_table(db, table, sql):
    return sql.strip() == await whole_table_sql(db, table)


async def has_index(db, table, columns):
    """Whether an index of table starts with columns, in that order."""

    def check(conn):
        for (index,) in conn.execute("select name from pragma_index_list(?)", [table]):
            indexed = [
                row[0]
                for row in conn.execute(
                    "select name from pragma_index_info(?) order by seqno", [index]
                )
            ]
            if indexed[: len(columns)] == columns:
                return True
        return False

    return await db.execute_fn(check)


async def is_unique(db, table, columns):
    """Whether no two rows of table share the values of columns (a unique index says so)."""
    if columns == await db.primary_keys(table):
        return True

    def check(conn):
        for index in conn.execute("select name, [unique] from pragma_index_list(?)", [table]):
            if not index[1]:
                continue
            indexed = {
                row[0] for row in conn.execute("select name from pragma_index_info(?)", [index[0]])
            }
            if indexed and indexed <= set(columns):
                return True
        return False

    return await db.execute_fn(check)


async def check_countries_table(datasette, db):
    """The configured country table of a database with linked tables, where it has one,
    has the configured columns."""
    table, *columns = countries_table(datasette)
    if await db.table_exists(table):
        found = await db.table_columns(table)
        if missing := [c for c in columns if c not in found]:
            raise ConfigError(f"{PLUGIN}: countries: {table} has no column {', '.join(missing)}")


def start_counting_whole_tables(datasette, facet_classes):
    """A startup hook's work: read each table's link of each facet, and the country table's
    columns, in every database, so that a mistake in the configuration stops the server
    at once (ConfigError) instead of failing the pages that need it; then count each facet
    over each whole table of each immutable database, once, so that every table's first
    page shows its facets at once.

    On millions of rows these facets take longer than facet_time_limit_ms. The SQL is
    made here (a few catalogue queries); a daemon thread with its own read-only
    connection runs it without a limit while the server already answers, and a server
    that stops meanwhile just drops the work.
    """

    async def start():
        statements = []  # (key, path, sql, params)
        for name, db in list(datasette.databases.items()):
            links = {
                facet_class: await linked_tables(
                    datasette, name, facet_class.kind, facet_class.scale
                )
                for facet_class in facet_classes
            }
            if any(links.values()):  # another database may have a table of that name
                await check_countries_table(datasette, db)
            if db.is_mutable or not db.path:
                continue
            for facet_class, tables in links.items():
                for table, link in tables:
                    whole = await whole_table_sql(db, table)
                    sql = await link.counts_by_value_sql(db, whole, facet_class.expression)
                    statements.append(
                        (
                            (name, table, facet_class.type),
                            db.path,
                            f"select value, count from ({sql}) order by count desc, value",
                            link.params,
                        )
                    )
        counts = vars(datasette).setdefault(WHOLE_TABLE_COUNTS, {})
        threading.Thread(target=run_counts, args=(statements, counts), daemon=True).start()

    return start


def counted_at_startup(datasette, database, table, facet_type):
    """The whole table's [(value, count)] for facet_type, most frequent first, as
    start_counting_whole_tables counted them; None for a mutable database or until
    they are ready."""
    counts = vars(datasette).get(WHOLE_TABLE_COUNTS, {})
    return counts.get((database, table, facet_type))


def run_counts(statements, counts):
    """Run each (key, path, sql, params) into counts[key]. One that fails is logged and
    its table's facets are counted per request, as before they were ready; the rest go on."""
    for key, path, sql, params in statements:
        try:
            with closing(
                sqlite3.connect(f"file:{urllib.parse.quote(path)}?immutable=1", uri=True)
            ) as conn:
                counts[key] = conn.execute(sql, params).fetchall()
        except sqlite3.Error as error:
            log.warning(
                "counting the facet %s of %s/%s at startup failed: %s",
                key[2],
                key[0],
                key[1],
                error,
            )


class LinkFacet(Facet):
    """A facet over a Link: one result per linked value, toggling `parameter`.

    Subclasses set type, kind ('country' or 'year'), parameter (the filter that a
    value toggles) and expression, and may override labels(), order(), normalise()
    (a value given in the query string, written as str() of a result's value) and
    result_value() (such a string as a result's value: a year as an int).
    On the HTML page the facet also shows, unasked, while its parameter filters the
    rows: that is where a selected value is seen and removed.

    A new facet also needs: link_filters() to read its parameter (the filters hook asks
    it), or toggling a value filters nothing; a `startup` hook calling
    start_counting_whole_tables with the class, or an immutable database's unfiltered
    facet is counted on every request; and, for a decade-like expression, an index on
    the same expression (see DECADE).
    """

    kind = None
    scale = None  # for a year: 'year' or 'decade' (see Link)
    parameter = None
    expression = "{v}"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # As Datasette answers ?_facet=no_such_column, and as the filters do. Raised here,
        # before Datasette starts the facets: from facet_results, it would leave the
        # other facets' coroutines never awaited.
        if self.get_configs() and not self.link():
            parameter = f"_facet_{self.type}"
            raise does_not_apply(self.ds, self.database, self.table, self.kind, parameter, "facet")

    def link(self):
        return link_for(self.ds, self.database, self.table, self.kind, self.scale)

    @staticmethod
    def normalise(value):
        return value.strip()

    @staticmethod
    def result_value(value):
        return value

    def get_configs(self):
        configs = super().get_configs()
        filtering = bool(request_values(self.request, self.parameter, self.normalise))
        # Only on the HTML page: JSON gets the facets it asks for, and no more work.
        if not configs and filtering and not self.request.url_vars.get("format"):
            configs = [{"source": "filter", "config": {}}]
        return configs

    def suggested(self, link):
        """Whether to offer the facet under "Suggested facets" on a table it applies to."""
        return True

    async def suggest(self):
        link = self.link()
        if not link or not self.suggested(link) or self.get_configs():
            return []
        path = self.ds.urls.path(toggle_path(self.request, f"_facet_{self.type}", "1", False))
        return [{"name": self.type, "toggle_url": self.ds.absolute_url(self.request, path)}]

    async def labels(self, values):
        return {value: str(value) for value in values}

    def order(self, rows):
        return rows

    # Shown under the facet's name when it lists only some values, in an order other
    # than by count: the year facet's most frequent years read like a whole timeline.
    truncated_note = None

    def selected_values(self):
        return set(request_values(self.request, self.parameter, self.normalise))

    async def only_filters(self, db):
        """The request's LinkFilters when nothing else narrows the page's rows, else ()."""
        filters = await page_link_filters(self.request, self.database, self.table, self.ds)
        alone = await filtered_sql(db, self.table, filters)
        return filters if self.sql.strip() == alone else ()

    async def facet_results(self):
        configs = self.get_configs()
        if not configs:
            return [], []
        # One facet however often it is asked for; only one asked for in the query
        # string can be hidden.
        config = next((c for c in configs if c["source"] != "request"), configs[0])
        facet_size = self.get_facet_size()
        rows = await self.rows_up_to(facet_size + 1)
        if rows is None:
            return [], [self.type]
        truncated = len(rows) > facet_size
        rows = list(rows[:facet_size])
        selected_values = self.selected_values()
        if not truncated:
            # A selected value that no row has is still listed, so that its ✖ removes it.
            found = {str(row["value"]) for row in rows}
            rows += [
                {"value": self.result_value(value), "count": 0}
                for value in sorted(selected_values - found)
            ]
        rows = self.order(rows)
        labels = await self.labels([row["value"] for row in rows])
        facet = {
            "name": self.type,
            "type": self.type,
            "hideable": config["source"] == "request",
            "toggle_url": self.ds.urls.path(self.hide_path(config)),
            "results": [self.result(row, labels, selected_values) for row in rows],
            "truncated": truncated,
            "note": self.truncated_note if truncated else None,
        }
        return [facet], []

    async def rows_up_to(self, limit):
        """Up to limit of [{value, count}], the most frequent first: the startup counts
        for the whole table, else a query; None if the query passes the time limit."""
        db = self.ds.get_database(self.database)
        counted = counted_at_startup(self.ds, self.database, self.table, self.type)
        if counted is not None and await is_whole_table(db, self.table, self.sql):
            return [{"value": value, "count": count} for value, count in counted[:limit]]
        link = self.link()
        sql, filters = self.sql, await self.only_filters(db)
        if filters:
            # Counts need no order: the filters' own form, not the key order's (which
            # has SQLite read every row a filter keeps, not just an index).
            filters = [replace(f, in_key_order=False) for f in filters]
            sql = await filtered_sql(db, self.table, filters)
        counts = await link.counts_by_value_sql(db, sql, self.expression, filters)
        try:
            rows = await self.ds.execute(
                self.database,
                f"select value, count from ({counts}) order by count desc, value limit {limit}",
                # Datasette's Facet turns "no params" into [].
                {**(self.params or {}), **link.params},
                truncate=False,
                custom_time_limit=self.ds.setting("facet_time_limit_ms"),
            )
        except QueryInterrupted:
            return None
        return rows.rows

    def result(self, row, labels, selected_values):
        value = str(row["value"])
        selected = value in selected_values
        path = toggle_path(self.request, self.parameter, value, selected, self.normalise)
        return {
            "value": row["value"],
            "label": labels.get(row["value"], value),
            "count": row["count"],
            "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(path)),
            "selected": selected,
        }

    def hide_path(self, config):
        """The path without this facet: from the query string its config is
        {"simple": "1"}; from metadata, as written."""
        asked = config["config"]
        asked = asked.get("simple", "") if isinstance(asked, dict) else str(asked)
        return toggle_path(self.request, f"_facet_{self.type}", asked, True)
