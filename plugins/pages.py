"""Country pages: /-/countries lists the countries the data links to, with counts;
/-/country/KAZ shows one country: its name, when relations were established, envoys
and missions, a chart of its events by year, its visits, amounts and the paragraphs
that mention it, each linking back to its row.

Configuration (metadata, plugin `country-pages`): `database` to read, `home` (the
country the database is about: its page says so instead of an establishment date),
`timeline_query` (the canned query, taking :country, whose rows the chart draws) and
`timeline_chart` (datasette-vega's settings for it, as in its URL fragment).
The country names table comes from `country-year` (links.py), and the per-table
counts from each table's country link, so they match ?_country=CODE on that table.

This plugin also puts the project's templates/ folder in front of Datasette's own
(the pages' templates and an override of _facet_results.html), so no
--template-dir is needed.
"""

import re
import urllib.parse
from datetime import date
from pathlib import Path

from datasette import hookimpl
from datasette.utils import escape_sqlite, module_from_path
from datasette.utils.asgi import NotFound, Response
from jinja2 import ChoiceLoader, FileSystemLoader

links = module_from_path(str(Path(__file__).with_name("links.py")), "links")

PLUGIN = "country-pages"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CODE = re.compile(r"[A-Z]{3}")
PARAGRAPHS_SHOWN = 50
ROWS_SHOWN = 100  # of envoys, missions, visits, amounts
# datasette-vega's settings (its URL fragment) for the timeline, unless configured.
TIMELINE_CHART = (
    "g.mark=bar&g.x_column=year&g.x_type=ordinal&g.y_column=events&g.y_type=quantitative"
)

ESTABLISHED_SQL = """
select id, title, established from articles
where partner_country = :code
order by established is null, established, id
"""

ESTABLISHED_ALL_SQL = """
select partner_country, established from articles
where partner_country is not null and established is not null
order by established desc
"""

ENVOYS_SQL = """
select envoys.id, envoys.name, envoys.title, envoys.country_code,
  articles.id as article_id, articles.title as article
from envoys join articles on articles.id = envoys.article_id
where envoys.country_code = :code or articles.partner_country = :code
order by envoys.country_code = :code desc, envoys.id
limit :limit
"""

MISSIONS_SQL = """
select id, name, sending_country, host_city, host_country from missions
where sending_country = :code or host_country = :code
order by sending_country = :code desc, id
limit :limit
"""

VISITS_SQL = """
select id, start_date, end_date, year, person, office, location, visitor_country, host_country
from visits
where visitor_country = :code or host_country = :code
order by year is null, year, start_date, id
limit :limit
"""

AMOUNTS_SQL = """
select amounts.id, amounts.year, amounts.text, amounts.value, amounts.currency,
  amounts.value_usd, amounts.paragraph_id, articles.title as article
from amounts join articles on articles.id = amounts.article_id
where exists (
  select 1 from paragraph_countries
  where paragraph_countries.paragraph_id = amounts.paragraph_id
    and paragraph_countries.country_code = :code
)
order by amounts.year is null, amounts.year, amounts.id
limit :limit
"""

PARAGRAPHS_SQL = """
select paragraphs.id, paragraphs.text, articles.title as article,
  sections.heading as section, paragraph_countries.mentions
from paragraph_countries
  join paragraphs on paragraphs.id = paragraph_countries.paragraph_id
  join articles on articles.id = paragraphs.article_id
  left join sections on sections.id = paragraphs.section_id
where paragraph_countries.country_code = :code
order by paragraph_countries.paragraph_id
limit :limit
"""


def config(datasette):
    settings = datasette.plugin_config(PLUGIN) or {}
    database = settings.get("database") or next(
        (name for name in datasette.databases if name != "_internal"), None
    )
    if database not in datasette.databases:
        raise NotFound(f"{PLUGIN}: no database {database!r} is attached")
    return settings, database


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
    except ValueError:
        pass
    return str(value)


async def link_counts(datasette, database, code):
    """[(table, rows linked to code)] for every table with a country link."""
    db = datasette.get_database(database)
    counts = []
    for table, link in await links.linked_tables(datasette, database, "country"):
        sql = await link.count_sql(db)
        counts.append((table, (await db.execute(sql, {"value": code})).single_value()))
    return counts


async def country_context(datasette, database, code):
    """Everything the country page shows, or None for a code the data does not know."""
    db = datasette.get_database(database)
    table, code_column, name_column = (escape_sqlite(n) for n in links.countries_table(datasette))
    country = (
        await db.execute(
            f"select *, {code_column} as code_, {name_column} as name_ from {table}"
            f" where {code_column} = :code",
            {"code": code},
        )
    ).first()
    if country is None:
        return None
    settings, _ = config(datasette)
    params = {"code": code}
    established = [
        dict(row, when=readable_date(row["established"]))
        for row in await db.execute(ESTABLISHED_SQL, params)
    ]
    codes = set()

    async def rows(sql, extra=None):
        result = [dict(row) for row in await db.execute(sql, {**params, **(extra or {})})]
        for row in result:
            codes.update(
                v
                for k, v in row.items()
                if k in ("country_code", "sending_country", "host_country", "visitor_country")
            )
        return result

    more = {"limit": ROWS_SHOWN + 1}  # one more than shown says there are more
    envoys = await rows(ENVOYS_SQL, more)
    missions = await rows(MISSIONS_SQL, more)
    visits = await rows(VISITS_SQL, more)
    amounts = await rows(AMOUNTS_SQL, more)
    paragraphs = await rows(PARAGRAPHS_SQL, {"limit": PARAGRAPHS_SHOWN + 1})
    timeline, timeline_query = [], settings.get("timeline_query")
    if timeline_query:
        queries = await datasette.get_canned_queries(database, None)
        if timeline_query in queries:
            timeline = [
                dict(row)
                for row in await db.execute(queries[timeline_query]["sql"], {"country": code})
            ]
        else:
            timeline_query = None
    counts = await link_counts(datasette, database, code)
    return {
        "code": code,
        "country": dict(country),
        "name": country["name_"],
        "is_home": code == settings.get("home"),
        "established": established,
        "envoys": envoys[:ROWS_SHOWN],
        "missions": missions[:ROWS_SHOWN],
        "visits": visits[:ROWS_SHOWN],
        "amounts": amounts[:ROWS_SHOWN],
        "rows_shown": ROWS_SHOWN,
        "more": {
            name: len(found) > ROWS_SHOWN
            for name, found in [
                ("envoys", envoys),
                ("missions", missions),
                ("visits", visits),
                ("amounts", amounts),
            ]
        },
        "paragraphs": paragraphs[:PARAGRAPHS_SHOWN],
        "more_paragraphs": len(paragraphs) > PARAGRAPHS_SHOWN,
        "timeline": timeline,
        "timeline_query": timeline_query,
        "timeline_chart": settings.get("timeline_chart", TIMELINE_CHART),
        "counts": counts,
        "counts_by_table": dict(counts),
        "names": await links.country_names(datasette, database, codes | {code}),
    }


async def countries_context(datasette, database):
    """Countries linked to anything, with how many rows of each linked table."""
    db = datasette.get_database(database)
    tables = await links.linked_tables(datasette, database, "country")
    counts = {}
    for table, link in tables:
        sql = await link.counts_sql(db, await links.whole_table_sql(db, table))
        for value, count in await db.execute(sql):
            counts.setdefault(value, {})[table] = count
    names = await links.country_names(datasette, database, counts)
    # The earliest date, when several articles give one.
    established = {
        row["partner_country"]: readable_date(row["established"])
        for row in await db.execute(ESTABLISHED_ALL_SQL)
    }
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
        "home": (datasette.plugin_config(PLUGIN) or {}).get("home"),
    }


async def country_page(datasette, request):
    _, database = config(datasette)
    await datasette.ensure_permissions(
        request.actor, [("view-database", database), "view-instance"]
    )
    code = urllib.parse.unquote(request.url_vars["code"])
    if code != code.upper() and CODE.fullmatch(code.upper()):
        return Response.redirect(datasette.urls.path(f"/-/country/{code.upper()}"))
    context = None
    if CODE.fullmatch(code):
        context = await country_context(datasette, database, code)
    if context is None:
        html = await datasette.render_template(
            "country_not_found.html",
            {"code": code, "database": database},
            request=request,
        )
        return Response.html(html, status=404)
    context["database"] = database
    html = await datasette.render_template("country.html", context, request=request)
    return Response.html(html)


async def countries_page(datasette, request):
    _, database = config(datasette)
    await datasette.ensure_permissions(
        request.actor, [("view-database", database), "view-instance"]
    )
    context = await countries_context(datasette, database)
    context["database"] = database
    html = await datasette.render_template("countries.html", context, request=request)
    return Response.html(html)


@hookimpl
def prepare_jinja2_environment(env):
    env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), env.loader])


@hookimpl
def register_routes():
    return [
        (r"^/-/countries$", countries_page),
        (r"^/-/country/(?P<code>[^/]+)$", country_page),
    ]


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path("/-/countries"), "label": "Countries"}]
