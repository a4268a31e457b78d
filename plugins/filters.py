"""Filters by country and by time on any table that links to them (see links.py).

    ?_country=KAZ                    rows linked to Kazakhstan
    ?_country=KAZ&_country=CHN       rows linked to both
    ?_year=1992                      rows linked to the year 1992
    ?_decade=1990                    rows linked to a year 1990-1999
    ?_year_from=1900&_year_to=1950   rows linked to a year in 1900-1950 (either end optional)

They are where clauses with :named parameters, so they compose with each other,
with _search, with Datasette's column filters and facets, in HTML, JSON and CSV.
A malformed value is a 400 that says what is expected; a well-formed value that
matches nothing is an empty result.
"""

import re
from pathlib import Path

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import module_from_path
from datasette.utils.asgi import BadRequest

links = module_from_path(str(Path(__file__).with_name("links.py")), "links")

COUNTRY_CODE = re.compile(r"[A-Za-z]{3}")
YEAR = re.compile(r"-?[0-9]{1,4}")  # ASCII digits only: int() would read "١٩٩٢" too


def values(request, parameter):
    """The non-blank values of a repeatable parameter, stripped."""
    return [v.strip() for v in request.args.getlist(parameter) if v.strip()]


def year_value(parameter, value):
    if not YEAR.fullmatch(value):
        raise BadRequest(f"{parameter} must be a year, like 1992")
    return int(value)


def required_link(datasette, database, table, kind, parameter):
    link = links.link_for(datasette, database, table, kind)
    if link is None:
        raise BadRequest(f"{parameter} does not apply to {table}: it has no {kind} to filter by")
    return link


async def country_arguments(request, database, table, datasette):
    codes = values(request, "_country")
    if not codes:
        return None
    for code in codes:
        if not COUNTRY_CODE.fullmatch(code):
            raise BadRequest("_country must be an ISO 3166 three-letter country code, like KAZ")
    link = required_link(datasette, database, table, "country", "_country")
    codes = list(dict.fromkeys(code.upper() for code in codes))
    names = await links.country_names(datasette, database, codes)
    where, params, human = [], {}, []
    for i, code in enumerate(codes):
        where.append(link.where(f"{{v}} = :country_{i}"))
        params[f"country_{i}"] = code
        human.append(f"linked to {names[code]} ({code})" if code in names else f"linked to {code}")
    return FilterArguments(where, params=params, human_descriptions=human)


def time_arguments(request, database, table, datasette):
    years = [year_value("_year", v) for v in values(request, "_year")]
    decades = [year_value("_decade", v) for v in values(request, "_decade")]
    if any(decade % 10 for decade in decades):
        raise BadRequest("_decade must be the first year of a decade, like 1990")
    start = request.args.get("_year_from", "").strip()
    end = request.args.get("_year_to", "").strip()
    start = year_value("_year_from", start) if start else None
    end = year_value("_year_to", end) if end else None
    if not (years or decades or start is not None or end is not None):
        return None
    parameter = (
        "_year"
        if years
        else "_decade"
        if decades
        else "_year_from"
        if start is not None
        else "_year_to"
    )
    link = required_link(datasette, database, table, "year", parameter)
    where, params, human = [], {}, []
    for i, year in enumerate(years):
        where.append(link.where(f"{{v}} = :year_{i}"))
        params[f"year_{i}"] = year
        human.append(f"year is {year}")
    for i, decade in enumerate(decades):
        # A range, not the decade of each year, so that an index on the year serves.
        where.append(link.where(f"{{v}} between :decade_{i} and :decade_{i} + 9"))
        params[f"decade_{i}"] = decade
        human.append(f"year in the {decade}s")
    if start is not None or end is not None:
        bounds = []
        if start is not None:
            bounds.append("{v} >= :year_from")
            params["year_from"] = start
        if end is not None:
            bounds.append("{v} <= :year_to")
            params["year_to"] = end
        # One clause, so that a single linked year has to fall between both bounds.
        where.append(link.where(" and ".join(bounds)))
        if start is not None and end is not None:
            human.append(f"year from {start} to {end}")
        else:
            human.append(f"year from {start}" if end is None else f"year up to {end}")
    return FilterArguments(where, params=params, human_descriptions=human)


@hookimpl(specname="filters_from_request")
def country_filters(request, database, table, datasette):
    async def inner():
        return await country_arguments(request, database, table, datasette)

    return inner


@hookimpl(specname="filters_from_request")
def time_filters(request, database, table, datasette):
    async def inner():
        return time_arguments(request, database, table, datasette)

    return inner
