"""Filters by country and by time on any table that links to them (see links.py).

    ?_country=KAZ                    rows linked to Kazakhstan
    ?_country=KAZ&_country=CHN       rows linked to both
    ?_year=1992                      rows linked to the year 1992
    ?_decade=1990                    rows linked to a year 1990-1999
    ?_year_from=1900&_year_to=1950   rows linked to a year in 1900-1950 (either end optional)

A year link may keep only the values dated closely enough (metadata's `precision`, see
links.Link): then _year takes the events dated to a year or closer, _decade those dated
to a decade or closer, and _year_from/_year_to those dated to a year or closer in the
range or to a decade that lies wholly in it ("the 1990s" is in 1990-1999, not 1995-1999).

They are where clauses with :named parameters, so they compose with each other,
with _search, with Datasette's column filters and facets, in HTML, JSON and CSV.
A malformed value is a 400 that says what is expected; a well-formed value that
matches nothing is an empty result.
"""

import sys
from pathlib import Path

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import module_from_path

# One copy of links.py for every plugin file (module_from_path alone makes one each).
links = sys.modules.get("relations_links") or sys.modules.setdefault(
    "relations_links",
    module_from_path(str(Path(__file__).with_name("links.py")), "relations_links"),
)


def described(link_filter, names):
    """Datasette's "where ..." line for one filter, naming the country of a code."""
    code = link_filter.country
    if code is None:
        return link_filter.description
    if code in names:
        return f"linked to {names[code]} ({code})"
    return f"{link_filter.description} (a code no country has)"


async def filter_arguments(request, database, table, datasette):
    found = await links.page_link_filters(request, database, table, datasette)
    if not found:
        return None
    names = await links.country_names(datasette, database, [f.country for f in found if f.country])
    return FilterArguments(
        [f.where for f in found],
        params={k: v for f in found for k, v in f.params.items()},
        human_descriptions=[described(f, names) for f in found],
    )


@hookimpl
def filters_from_request(request, database, table, datasette):
    async def inner():
        return await filter_arguments(request, database, table, datasette)

    return inner
