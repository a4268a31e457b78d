"""Country pages: /-/countries lists the countries the data links to, with counts;
/-/country/KAZ shows one country: its name, when relations were established, envoys
and missions, a chart of its events by year, its visits, amounts and the paragraphs
that mention it, each linking back to its row.

Configuration (metadata, plugin `country-pages`): `database` to read, `home` (the
country the database is about: its page says so instead of an establishment date),
`queries` (the canned queries that fill each part of the page, all taking :country
but `established`; `timeline` is the one the chart draws; `code` gives the code of a
country named another way, so that /-/country/Kazakhstan redirects to /-/country/KAZ)
and `timeline_chart` (datasette-vega's settings for it, as in its URL fragment). A part's "see all"
link opens its canned query, so it lists exactly the rows the part shows first; or,
where that query would stop at max_returned_rows, the part's table filtered to the
country (see_all_url).
The country names table comes from `country-year` (links.py), the columns that hold
codes from `country-cells`, and the per-table counts from each table's country
link, so they match ?_country=CODE on that table. Those of an immutable database
are the country facet's, counted once after startup; a count that passes
sql_time_limit_ms is left out, and the page says so. A part or a count of a canned
query or a table that Datasette would not show the visitor is left out (may_view).

This plugin also puts the project's templates/ folder in front of Datasette's own
(the pages' templates, an override of _facet_results.html and the relations
database's query page, query-relations.html), so no
--template-dir is needed; a --template-dir still comes first, to override them.
"""

import difflib
import re
import sqlite3
import sys
import urllib.parse
from datetime import date
from pathlib import Path

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils import derive_named_parameters, escape_sqlite, module_from_path
from datasette.utils.asgi import Forbidden, NotFound, Response
from datasette.views.base import DataView
from jinja2 import ChoiceLoader, FileSystemLoader

# One copy of links.py for every plugin file (module_from_path alone makes one each).
links = sys.modules.get("relations_links") or sys.modules.setdefault(
    "relations_links",
    module_from_path(str(Path(__file__).with_name("links.py")), "relations_links"),
)

PLUGIN = "country-pages"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# SQL's, or nothing. One space at a time: "\s+" inside "*" tries every split of a run.
COMMENTS = re.compile(r"(?:\s|--[^\n]*|/\*.*?\*/)*", re.DOTALL)
CODE = re.compile(r"[A-Z]{3}")
PARAGRAPHS_SHOWN = 50
NEAR_NAMES = 5  # suggested on the page of a country not found
ROWS_SHOWN = 100  # of envoys, missions, visits, amounts
# datasette-vega's settings (its URL fragment) for the timeline, unless configured.
TIMELINE_CHART = (
    "g.mark=bar&g.x_column=year&g.x_type=temporal&g.y_column=events&g.y_type=quantitative"
)

# Names that take "the" inside a sentence: "relations with the Soviet Union".
TAKES_THE = re.compile(
    r"\b(?:Republic|Kingdom|Union|States|Emirates|Islands|Federation)\b"
    r"|^(?:Netherlands|Philippines|Bahamas|Gambia|Maldives|Comoros|Seychelles|Holy See)\b"
)
# Names that TAKES_THE would take for them and that read without "the".
WITHOUT_THE = {"South Georgia and the South Sandwich Islands", "Heard Island and McDonald Islands"}

# The country page's tables, each filled by a canned query named in the configuration
# (the timeline and the index page's `established` are named there too).
PARTS = ("articles", "envoys", "missions", "visits", "amounts", "paragraphs")
# The tables whose rows and pages the country page links to.
LINKED_TABLES = (*PARTS, "events")
HIDDEN = object()  # what canned_rows gives for a query Datasette would not show the actor


def in_a_sentence(name):
    """A country's name as a sentence reads it: "the United States", "Kazakhstan"."""
    return f"the {name}" if TAKES_THE.search(name) and name not in WITHOUT_THE else name


def page_settings(datasette):
    return datasette.plugin_config(PLUGIN) or {}


def page_database(datasette):
    """The database the pages read: the configured one, else the first attached."""
    database = page_settings(datasette).get("database") or next(
        (name for name in datasette.databases if name != "_internal"), None
    )
    if database not in datasette.databases:
        raise NotFound(f"{PLUGIN}: no database {database!r} is attached")
    return database


def readable_date(value):
    """'1992-01-22' -> '22 January 1992'; '1992-01' -> 'January 1992'; '1992' stays."""
    if not value:
        return None
    parts = str(value).split("-")
    try:
        numbers = [int(p) for p in parts]
        if len(numbers) == 3:
            return f"{numbers[2]} {date(*numbers):%B %Y}"
        if len(numbers) == 2:
            return f"{date(numbers[0], numbers[1], 1):%B %Y}"
    except (ValueError, OverflowError):  # no date, or a year no date can hold
        pass
    return str(value)


def readable_period(start, end):
    """'2008-06' to '2008-08' -> 'June–August 2008'; '2004-07-14' to '2004-07-21' ->
    '14–21 July 2004'; '2019-07-30' to '2019-08-02' -> '30 July – 2 August 2019'; other
    pairs each as readable_date gives them; one date alone too."""
    first, last = readable_date(start), readable_date(end)
    if not end or end == start:
        return first
    start_parts, end_parts = str(start).split("-"), str(end).split("-")
    if len(start_parts) == len(end_parts) == 2 and start_parts[0] == end_parts[0]:
        return f"{first.split()[0]}–{last}"  # months of one year
    if len(start_parts) == len(end_parts) == 3 and start_parts[:2] == end_parts[:2]:
        return f"{int(start_parts[2])}–{last}"  # days of one month
    if len(start_parts) == len(end_parts) == 3 and start_parts[0] == end_parts[0]:
        return f"{first.rpartition(' ')[0]} – {last}"  # days of one year
    return f"{first} – {last}"


async def link_count(datasette, database, table, link, code):
    """How many rows of table are linked to code; None past the time limit."""
    counted = links.counted_at_startup(datasette, database, table, "country")
    if counted is not None:
        return dict(counted).get(code, 0)
    db = datasette.get_database(database)
    try:
        found = await db.execute(await link.count_of_value_sql(db), {**link.params, "value": code})
    except QueryInterrupted:
        return None
    return found.single_value()


async def may_view(datasette, actor, database, action, name):
    """Whether Datasette would show the actor the page of a table ("view-table") or a
    canned query ("view-query") of the database: what it does not show, nor do these
    pages, their counts included."""
    permissions = [(action, (database, name)), ("view-database", database), "view-instance"]
    try:
        await datasette.ensure_permissions(actor, permissions)
    except Forbidden:
        return False
    return True


async def viewable_tables(datasette, actor, database, tables):
    """Those of the tables whose pages Datasette would show the actor."""
    return {
        table for table in tables if await may_view(datasette, actor, database, "view-table", table)
    }


async def link_counts(datasette, database, code, linked):
    """[(table, rows linked to code, or None)] for each of linked: [(table, its country
    link)]."""
    return [
        (table, await link_count(datasette, database, table, link, code)) for table, link in linked
    ]


def see_all_url(datasette, database, part, query, count, code):
    """Where a part's "see them all" leads: its canned query, unless the query would stop
    at max_returned_rows. Then the part's table filtered to the country, which pages
    through every row and downloads them all: the same rows, since count is that of the
    table's country link (None for a table without one)."""
    if count is not None and count > datasette.setting("max_returned_rows"):
        return (
            f"{datasette.urls.table(database, part)}?{urllib.parse.urlencode({'_country': code})}"
        )
    return f"{datasette.urls.query(database, query)}?{urllib.parse.urlencode({'country': code})}"


def without_terminator(sql):
    """sql without the ';' that ends it, and the comments after that, so that it can go
    in brackets. complete_statement tells a real end from a ';' in a string or comment."""
    for semicolon in re.finditer(";", sql):
        end = semicolon.start()
        if sqlite3.complete_statement(sql[: end + 1]):
            return sql[:end] if COMMENTS.fullmatch(sql, end + 1) else sql
    return sql


async def canned_rows(datasette, actor, database, canned, name, params, limit=None):
    """The rows of `name`, one of the database's `canned` queries for the actor (the
    first `limit` if given); None past the time limit, HIDDEN if Datasette would not
    show the actor the query."""
    if name not in canned:  # (a canned_queries hook may give the actor fewer queries)
        raise links.ConfigError(f"{PLUGIN}: queries: no canned query {name!r} in {database!r}")
    if not await may_view(datasette, actor, database, "view-query", name):
        return HIDDEN
    sql = canned[name]["sql"]
    if limit is not None:
        # On a line of its own, the bracket survives a "--" comment ending the query.
        sql, params = (
            f"select * from ({without_terminator(sql)}\n) limit :page_limit",
            {**params, "page_limit": limit},
        )
    try:
        rows = await datasette.get_database(database).execute(sql, params)
    except QueryInterrupted:
        return None
    return [dict(row) for row in rows]


async def country_row(datasette, database, code):
    """The row of the country table for code, with its code and name also as code_ and
    name_ (the table's columns may be named otherwise); None for a code it lacks."""
    db = datasette.get_database(database)
    table, code_column, name_column = (escape_sqlite(n) for n in links.countries_table(datasette))
    found = await db.execute(
        f"select *, {code_column} as code_, {name_column} as name_ from {table}"
        f" where {code_column} = :code",
        {"code": code},
    )
    return found.first()


def add_readable_dates(parts):
    """Give the rows of the parts that show a date a `when` that reads as the text dates
    them: "22 January 1992", "the 1990s", "June–August 2008"."""
    for row in parts["articles"]:
        row["when"] = readable_date(row["established"])
    for row in parts["amounts"]:
        row["when"] = links.readable_year(row["year"], row.get("precision"))
    for row in parts["visits"]:
        if row.get("precision") in links.PERIODS:
            row["when"] = links.readable_year(row["year"], row["precision"])
        else:
            row["when"] = readable_period(row["start_date"], row["end_date"]) or row["year"]


def codes_shown(datasette, parts):
    """The country codes in the parts' columns that country-cells shows as names."""
    code_columns = set((datasette.plugin_config("country-cells") or {}).get("columns", []))
    return {
        value
        for rows in parts.values()
        for row in rows
        for column, value in row.items()
        if column in code_columns and value is not None  # a visit may leave one side unknown
    }


async def country_context(datasette, actor, database, code):
    """Everything the country page shows the actor, or None for a code the data does not
    know. A part whose canned query the actor may not view is hidden."""
    country = await country_row(datasette, database, code)
    if country is None:
        return None
    settings = page_settings(datasette)
    queries = settings.get("queries") or {}
    canned = await datasette.get_canned_queries(database, actor)
    params = {"country": code}
    parts, more, timed_out, hidden = {}, {}, set(), set()

    async def rows_of(part, limit=None):
        found = await canned_rows(
            datasette, actor, database, canned, queries.get(part), params, limit
        )
        if found is HIDDEN:
            hidden.add(part)
            return []
        if found is None:  # the rest of the page is still worth showing
            timed_out.add(part)
        return found or []

    for part in PARTS:
        shown = PARAGRAPHS_SHOWN if part == "paragraphs" else ROWS_SHOWN
        found = await rows_of(part, shown + 1)  # one more than shown says there are more
        parts[part], more[part] = found[:shown], len(found) > shown
    add_readable_dates(parts)
    timeline = await rows_of("timeline") if queries.get("timeline") else []
    linked = await links.linked_tables(datasette, database, "country")
    # Each table's permission asked once: for its count here, and for the page's links.
    viewable = await viewable_tables(datasette, actor, database, {*LINKED_TABLES, *dict(linked)})
    counts = await link_counts(
        datasette, database, code, [(t, l) for t, l in linked if t in viewable]
    )
    counts_by_table = dict(counts)
    return {
        "code": code,
        "country": dict(country),
        "name": country["name_"],
        "name_in_a_sentence": in_a_sentence(country["name_"]),
        "is_home": code == settings.get("home"),
        **parts,
        "more": more,
        "see_all_urls": {
            part: see_all_url(
                datasette, database, part, queries.get(part), counts_by_table.get(part), code
            )
            for part in PARTS
            if more[part]
        },
        "timed_out": timed_out,
        "hidden": hidden,
        "viewable": viewable,
        "queries": queries,
        "rows_shown": ROWS_SHOWN,
        "timeline": timeline,
        "timeline_chart": settings.get("timeline_chart", TIMELINE_CHART),
        "counts": counts,
        "counts_by_table": counts_by_table,
        "not_counted": [table for table, count in counts if count is None],
        "names": await links.country_names(
            datasette, database, codes_shown(datasette, parts) | {code}
        ),
    }


async def countries_context(datasette, actor, database):
    """Countries linked to anything, with how many rows of each linked table the actor
    may view; a table whose counts pass the time limit is left out of them and listed as
    not counted."""
    db = datasette.get_database(database)
    linked = await links.linked_tables(datasette, database, "country")
    viewable = await viewable_tables(datasette, actor, database, dict(linked))
    tables = [(table, link) for table, link in linked if table in viewable]
    counts, not_counted = {}, []
    for table, link in tables:
        counted = links.counted_at_startup(datasette, database, table, "country")
        if counted is None:
            sql = await link.counts_by_value_sql(db, await links.whole_table_sql(db, table))
            try:
                counted = await db.execute(sql)
            except QueryInterrupted:
                not_counted.append(table)
                continue
        for value, count in counted:
            counts.setdefault(value, {})[table] = count
    names = await links.country_names(datasette, database, counts)
    settings = page_settings(datasette)
    established_query = (settings.get("queries") or {}).get("established")
    canned = await datasette.get_canned_queries(database, actor)
    dates = await canned_rows(datasette, actor, database, canned, established_query, {})
    if dates is HIDDEN:
        dates = None
    # The earliest, when several articles give one, whatever the query's order.
    earliest = {}
    for row in dates or []:
        code, date_given = row["partner_country"], row["established"]
        if date_given and (code not in earliest or date_given < earliest[code]):
            earliest[code] = date_given
    established = {code: readable_date(date_given) for code, date_given in earliest.items()}
    countries = sorted(
        (
            {
                "code": code,
                "name": names.get(code, code),
                "counts": by_table,
                "established": established.get(code),
            }
            for code, by_table in counts.items()
        ),
        key=lambda c: c["name"],
    )
    return {
        "countries": countries,
        "tables": [table for table, _ in tables],
        "not_counted": not_counted,
        "home": settings.get("home"),
    }


def with_cache_headers(response, datasette, request):
    """The headers of Datasette's own table and query pages (DataView.as_view)."""
    ttl = request.args.get("_ttl", "")
    ttl = ttl if ttl.isdigit() else datasette.setting("default_cache_ttl")
    return DataView(datasette).set_response_headers(response, ttl)


def credit(datasette, database):
    """The licence and source a page of the database's rows shows in its footer
    (_footer.html reads them from `metadata`), inherited as its tables inherit them."""
    keys = ("license", "license_url", "source", "source_url", "about", "about_url")
    return {key: datasette.metadata(key, database=database) for key in keys}


def near_names(wanted, names):
    """[(code, name)] of the countries whose names (of {code: name}) are near what was
    asked for, closest first: "Kazakstan" is near Kazakhstan; then, for three letters or
    more, those with a word that starts so: "Korea" is North Korea's and South Korea's,
    "Kazak" Kazakhstan's. At most NEAR_NAMES."""
    wanted = wanted.strip().casefold()
    by_name = {name.casefold(): (code, name) for code, name in names.items()}
    near = difflib.get_close_matches(wanted, by_name, n=3, cutoff=0.8)
    if len(wanted) >= 3:
        word_start = re.compile(rf"\b{re.escape(wanted)}")
        near += sorted(name for name in by_name if word_start.search(name))
    return [by_name[name] for name in dict.fromkeys(near)][:NEAR_NAMES]


async def code_of_name(datasette, actor, database, name):
    """The code of the country that name names, by the configured `code` query (its code
    in any case, its two-letter code, its name...), or None: also without such a query,
    or for an actor who may not view it (then a page opens only by its code as it is)."""
    settings = page_settings(datasette)
    query = (settings.get("queries") or {}).get("code")
    if not query:
        return None
    canned = await datasette.get_canned_queries(database, actor)
    rows = await canned_rows(datasette, actor, database, canned, query, {"country": name})
    if rows is HIDDEN or not rows:
        return None
    return next(iter(rows[0].values()))


async def country_page(datasette, request):
    database = page_database(datasette)
    await datasette.ensure_permissions(
        request.actor, [("view-database", database), "view-instance"]
    )
    code = urllib.parse.unquote(request.url_vars["code"])
    named = await code_of_name(datasette, request.actor, database, code)
    if named and named != code:  # "kaz", "Kazakhstan", "KZ"; BUR (Burma) is MMR's page
        return Response.redirect(datasette.urls.path(f"/-/country/{named}"))
    context = None
    if CODE.fullmatch(code):
        context = await country_context(datasette, request.actor, database, code)
    if context is None:
        names = await links.country_names(datasette, database)
        html = await datasette.render_template(
            "country_not_found.html",
            {"code": code, "database": database, "near": near_names(code, names)},
            request=request,
        )
        return Response.html(html, status=404)
    context.update(database=database, metadata=credit(datasette, database))
    html = await datasette.render_template("country.html", context, request=request)
    return with_cache_headers(Response.html(html), datasette, request)


async def countries_page(datasette, request):
    database = page_database(datasette)
    await datasette.ensure_permissions(
        request.actor, [("view-database", database), "view-instance"]
    )
    context = await countries_context(datasette, request.actor, database)
    context.update(database=database, metadata=credit(datasette, database))
    html = await datasette.render_template("countries.html", context, request=request)
    return with_cache_headers(Response.html(html), datasette, request)


async def check_queries(datasette):
    """Every query the configuration names is a canned query of the database, and SQLite
    can prepare it there: a mistake, or a database built before the view or column a
    query reads, stops the server as it starts, instead of failing every country page.
    (A database that is not attached, the pages say so.)"""
    try:
        settings, database = page_settings(datasette), page_database(datasette)
    except NotFound:
        return
    canned = await datasette.get_canned_queries(database, None)
    db = datasette.get_database(database)
    for part, name in (settings.get("queries") or {}).items():
        if name not in canned:
            raise links.ConfigError(
                f"{PLUGIN}: queries: {part}: no canned query {name!r} in {database!r}"
            )
        sql = canned[name]["sql"]
        params = {param: "" for param in await derive_named_parameters(db, sql)}
        try:
            await db.execute(f"explain {sql}", params)  # prepared, not run
        except sqlite3.DatabaseError as error:
            raise links.ConfigError(
                f"{PLUGIN}: queries: {part}: {name!r} cannot run on {database!r} ({error}):"
                " a database built by an earlier version? Build it again, or --append to it"
            ) from None


@hookimpl
def startup(datasette):
    return lambda: check_queries(datasette)


@hookimpl
def prepare_jinja2_environment(env, datasette):
    # env.loader already holds any --template-dir: it has to stay in front of ours.
    paths = [datasette.template_dir] if datasette.template_dir else []
    env.loader = ChoiceLoader([FileSystemLoader(paths + [str(TEMPLATES)]), env.loader])


@hookimpl
def register_routes():
    return [
        (r"^/-/countries$", countries_page),
        # /-/country/ (Datasette drops the slash) names no country: the list of them.
        (r"^/-/country$", lambda datasette: Response.redirect(datasette.urls.path("/-/countries"))),
        (r"^/-/country/(?P<code>[^/]+)$", country_page),
    ]


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path("/-/countries"), "label": "Countries"}]
