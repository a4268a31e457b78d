"""The country and year facets and filters (plugins/), through Datasette's client.

Expected numbers come from plain SQL over the same database, written here
independently of the plugins' own SQL.
"""

import copy
import csv
import gc
import html
import inspect
import io
import re
import shutil
import sqlite3
import urllib.parse
import warnings

import pytest
from datasette.app import Datasette
from datasette.plugins import pm
from datasette.utils import module_from_path

from .conftest import LINKED_TABLES, ROOT, changed_copy, datasette_of, immutable_ds

# Rows of each table linked to each country, and to each year, in plain SQL.
COUNTRY_SQL = {
    "articles": "select partner_country, count(*) from articles"
    " where partner_country is not null group by 1",
    "paragraphs": "select country_code, count(*) from paragraph_countries group by 1",
    "events": "select country_code, count(*) from event_countries group by 1",
    "visits": "select code, count(*) from (select id, visitor_country as code from visits"
    " union select id, host_country from visits) where code is not null group by 1",
    "amounts": "select country_code, count(*) from amounts join paragraph_countries"
    " on paragraph_countries.paragraph_id = amounts.paragraph_id group by 1",
}
# An event counts for a year when dated to a year or closer, for a decade when dated to a
# decade or closer ("the 1990s"), never when dated to a century (metadata.yml: precision).
PRECISE_ENOUGH = {
    "year": "precision in ('day', 'month', 'year')",
    "decade": "precision in ('day', 'month', 'year', 'decade')",
}
YEAR_SQL = {  # {precise}: PRECISE_ENOUGH of the facet's scale
    "articles": "select established_year, id from articles where established_year is not null",
    "paragraphs": "select distinct year, paragraph_id from events where {precise}",
    "events": "select year, id from events where {precise}",
    "visits": "select year, id from visits where {precise}",
    "amounts": "select year, id from amounts where {precise}",
}


def ids(conn, sql, params=()):
    return [row[0] for row in conn.execute(sql, params)]


async def get_json(ds, path, **params):
    response = await ds.client.get(path + "?" + urllib.parse.urlencode(params, doseq=True))
    assert response.status_code == 200, response.text[:500]
    return response.json()


async def facet(ds, table, name, **params):
    params = {f"_facet_{name}": "1", "_facet_size": "max", **params}
    data = await get_json(ds, f"/relations/{table}.json", **params)
    return data["facet_results"][name]


async def row_ids(ds, table, **params):
    rows = await get_json(ds, f"/relations/{table}.json", _shape="array", _size="max", **params)
    return sorted(row["id"] for row in rows)


def test_the_seeds_have_links(conn):
    # Otherwise every comparison below would be between two empty sets.
    for table in ["paragraph_countries", "events", "event_countries", "visits", "amounts"]:
        assert conn.execute(f"select count(*) from {table}").fetchone()[0] > 0, table


@pytest.mark.parametrize("table", LINKED_TABLES)
async def test_country_facet_counts_match_sql(ds, conn, table):
    result = await facet(ds, table, "country")
    assert result["type"] == "country"
    counts = {r["value"]: r["count"] for r in result["results"]}
    assert counts == dict(conn.execute(COUNTRY_SQL[table]).fetchall())
    assert not result["truncated"]
    ordered = [(-r["count"], r["value"]) for r in result["results"]]
    assert ordered == sorted(ordered)


@pytest.mark.parametrize("table", LINKED_TABLES)
@pytest.mark.parametrize("name, width", [("year", 1), ("decade", 10)])
async def test_year_and_decade_facet_counts_match_sql(ds, conn, table, name, width):
    result = await facet(ds, table, name)
    expected = {}
    for year, row in set(conn.execute(YEAR_SQL[table].format(precise=PRECISE_ENOUGH[name]))):
        expected.setdefault(year // width * width, set()).add(row)
    counts = {r["value"]: r["count"] for r in result["results"]}
    assert counts == {value: len(rows) for value, rows in expected.items()}
    values = [r["value"] for r in result["results"]]
    assert values == sorted(values), "time order"
    if name == "decade":
        assert all(r["label"] == f"{r['value']}s" for r in result["results"])
    else:
        assert all(r["label"] == str(r["value"]) for r in result["results"])


async def test_labels_are_country_names(ds):
    result = await facet(ds, "events", "country")
    labels = {r["value"]: r["label"] for r in result["results"]}
    assert labels["KAZ"] == "Kazakhstan"
    assert labels["MNG"] == "Mongolia"
    assert labels["USA"] == "United States"


async def test_decade_labels(ds):
    result = await facet(ds, "events", "decade")
    assert {"value": 1990, "label": "1990s"}.items() <= next(
        r for r in result["results"] if r["value"] == 1990
    ).items()


async def test_events_have_country_and_decade_facets_by_default(ds):
    data = await get_json(ds, "/relations/events.json")
    assert {"country", "decade"} <= set(data["facet_results"])
    assert not data["facet_results"]["country"]["hideable"]
    # Asking again for a default facet does not show it twice.
    data = await get_json(ds, "/relations/events.json", _facet_country="1")
    assert [k for k in data["facet_results"] if k.startswith("country")] == ["country"]


async def test_facet_size_truncates_by_count_then_orders_by_time(ds, conn):
    result = await facet(ds, "events", "year", _facet_size="3")
    assert result["truncated"]
    top = conn.execute(
        f"select year from events where {PRECISE_ENOUGH['year']}"
        " group by year order by count(*) desc, year limit 3"
    ).fetchall()
    assert [r["value"] for r in result["results"]] == sorted(y for (y,) in top)


async def test_country_filter(ds, conn):
    expected = ids(
        conn,
        "select id from events where id in"
        " (select event_id from event_countries where country_code = 'KAZ') order by id",
    )
    assert expected
    assert await row_ids(ds, "events", _country="KAZ") == expected


async def test_two_countries_mean_both(ds, conn):
    expected = ids(
        conn,
        "select paragraph_id from paragraph_countries where country_code = 'CHN'"
        " intersect select paragraph_id from paragraph_countries where country_code = 'SUN'",
    )
    assert expected
    got = await row_ids(ds, "paragraphs", _country=["CHN", "SUN"])
    assert got == sorted(expected)
    only_china = await row_ids(ds, "paragraphs", _country="CHN")
    assert set(got) < set(only_china)


@pytest.mark.parametrize(
    "parameter, values, precise",
    [("_year", ["1990", "1991"], "year"), ("_decade", ["1990", "2000"], "decade")],
)
async def test_two_years_or_decades_mean_both(ds, conn, parameter, values, precise):
    # A paragraph has events of several years; an event has one year, so none has both.
    scale = "year" if parameter == "_year" else "(year - year % 10)"
    both = " intersect ".join(
        f"select paragraph_id from events where {scale} = :v{i} and {PRECISE_ENOUGH[precise]}"
        for i in range(len(values))
    )
    params = {f"v{i}": int(value) for i, value in enumerate(values)}
    expected = ids(conn, both + " order by 1", params)
    assert expected
    assert await row_ids(ds, "paragraphs", **{parameter: values}) == expected
    assert await row_ids(ds, "events", **{parameter: values}) == []


async def test_visits_match_either_side(ds, conn):
    expected = ids(
        conn,
        "select id from visits where visitor_country = 'KAZ' or host_country = 'KAZ' order by id",
    )
    assert expected
    assert await row_ids(ds, "visits", _country="KAZ") == expected


async def test_amounts_reach_countries_through_their_paragraph(ds, conn):
    expected = ids(
        conn,
        "select id from amounts where paragraph_id in"
        " (select paragraph_id from paragraph_countries where country_code = 'USA') order by id",
    )
    assert expected
    assert await row_ids(ds, "amounts", _country="USA") == expected


async def test_articles_filter_by_partner_and_established_year(ds, conn):
    assert await row_ids(ds, "articles", _country="KAZ") == ids(
        conn, "select id from articles where partner_country = 'KAZ'"
    )
    assert await row_ids(ds, "articles", _year="1992") == ids(
        conn, "select id from articles where established_year = 1992"
    )


async def test_country_and_decade(ds, conn):
    expected = ids(
        conn,
        "select id from events where year between 1990 and 1999 and id in"
        " (select event_id from event_countries where country_code = 'KAZ')"
        f" and {PRECISE_ENOUGH['decade']} order by id",
    )
    assert expected
    assert await row_ids(ds, "events", _country="KAZ", _decade="1990") == expected
    data = await get_json(
        ds, "/relations/events.json", _country="KAZ", _decade="1990", _facet_year="1"
    )
    assert data["filtered_table_rows_count"] == len(expected)
    years = data["facet_results"]["year"]["results"]
    assert all(1990 <= r["value"] <= 1999 for r in years)
    # "only in the 1990s" is in the decade, but in no one year of it.
    in_a_year = ids(conn, f"select id from events where {PRECISE_ENOUGH['year']}")
    assert len(set(expected) - set(in_a_year)) == 1
    assert sum(r["count"] for r in years) == len(set(expected) & set(in_a_year))
    assert [r for r in data["facet_results"]["decade"]["results"] if r["selected"]] == [
        r for r in data["facet_results"]["decade"]["results"] if r["value"] == 1990
    ]


@pytest.mark.parametrize("code", ["KAZ", "USA", "CHN", "MNG", "SUN"])
async def test_the_year_facet_agrees_with_the_timeline_query(ds, code):
    # Two answers the README gives to "how many events per year": they must be one.
    result = await facet(ds, "events", "year", _country=code)
    timeline = await get_json(ds, "/relations/events_per_year.json", country=code, _shape="array")
    assert timeline
    assert {r["value"]: r["count"] for r in result["results"]} == {
        int(row["year"]): row["events"] for row in timeline
    }


async def test_a_century_is_in_no_decade_and_a_decade_in_no_year(ds, conn):
    coarse = dict(
        conn.execute("select id, precision from events where precision in ('decade', 'century')")
    )
    assert set(coarse.values()) == {"decade", "century"}
    for params in [{"_decade": "1800"}, {"_decade": "1900"}, {"_decade": "1400"}]:
        found = await row_ids(ds, "events", **params)
        assert not [i for i in found if coarse.get(i) == "century"], params
    for year in {
        year for (year,) in conn.execute("select year from events where precision = 'decade'")
    }:
        decade = await row_ids(ds, "events", _decade=str(year))
        assert {i for i, p in coarse.items() if p == "decade"} & set(decade)
        assert not set(coarse) & set(await row_ids(ds, "events", _year=str(year)))
    decades = {r["value"] for r in (await facet(ds, "events", "decade"))["results"]}
    centuries = {y for (y,) in conn.execute("select year from events where precision = 'century'")}
    only_centuries = centuries - {
        y // 10 * 10
        for (y,) in conn.execute(f"select year from events where {PRECISE_ENOUGH['decade']}")
    }
    assert only_centuries and not only_centuries & decades


def test_a_precision_setting_needs_a_column_and_lists(seeds_db):
    links = module_from_path(str(ROOT / "plugins" / "links.py"), "links")
    for precision in [
        {"year": ["day"]},
        {"column": "precision", "year": "day"},
        ["day"],
        {"column": "precision"},
        {"column": "precision", "years": ["day"]},  # a misspelt scale
        {"column": "precision", "year": []},
    ]:
        with pytest.raises(links.ConfigError, match="precision takes a column"):
            links.Link("events", {"column": "year", "precision": precision}, "year")
    link = links.Link(
        "events", {"column": "year", "precision": {"column": "precision", "year": ["day"]}}, "year"
    )
    assert link.params == {"year_precision_0": "day"}
    # No list for the decade: every precision counts for it.
    link = links.Link(
        "events",
        {"column": "year", "precision": {"column": "precision", "year": ["day"]}},
        "decade",
    )
    assert link.params == {}


async def test_year_filter(ds, conn):
    expected = ids(conn, f"select id from events where year = 1992 and {PRECISE_ENOUGH['year']}")
    assert expected
    assert await row_ids(ds, "events", _year="1992") == expected


@pytest.mark.parametrize(
    "start, end",
    [
        (1900, 1950),
        (2000, None),
        (None, 1899),
        (1990, 1999),
        (1995, 1999),
        (1990, 1995),
        (1800, 2100),
    ],
)
async def test_year_range(ds, conn, start, end):
    """Events dated to a year or closer in the range, and those dated to a decade
    that lies wholly in it ("the 1990s" is in 1990-1999, not in 1995-1999 nor 1990-1995)."""
    params = {k: str(v) for k, v in [("_year_from", start), ("_year_to", end)] if v is not None}
    low, high = -(10**6) if start is None else start, 10**6 if end is None else end
    events = conn.execute("select id, paragraph_id, year, precision from events order by id")
    kept = [
        (event_id, paragraph_id)
        for event_id, paragraph_id, year, precision in events
        if (precision in ("day", "month", "year") and low <= year <= high)
        or (precision == "decade" and low <= year and year + 9 <= high)
    ]
    assert kept
    if (start, end) == (1990, 1995):
        assert events_of_decade(conn, 1990), "no decade-dated event for the range to leave out"
    assert await row_ids(ds, "events", **params) == [event_id for event_id, _ in kept]
    # Paragraphs: one of their events has to fall in the range.
    expected = sorted({paragraph_id for _, paragraph_id in kept})
    assert await row_ids(ds, "paragraphs", **params) == expected


def events_of_decade(conn, decade):
    """(year, id) of the events dated to the decade itself ("the 1990s")."""
    sql = "select year, id from events where precision = 'decade' and year = ? order by id"
    return conn.execute(sql, [decade]).fetchall()


async def test_every_decade_filter_matches_sql(ds, conn):
    decades = ids(conn, "select distinct year - year % 10 from events where year >= 0 order by 1")
    assert len(decades) > 20
    for decade in decades:
        expected = ids(
            conn,
            "select id from events where year between :decade and :decade + 9"
            f" and {PRECISE_ENOUGH['decade']} order by id",
            {"decade": decade},
        )
        assert await row_ids(ds, "events", _decade=str(decade)) == expected, decade


async def test_a_range_over_a_decade_keeps_what_the_decade_keeps(ds):
    for table in ["events", "paragraphs"]:
        decade = await row_ids(ds, table, _decade="1990")
        assert decade == await row_ids(ds, table, _year_from="1990", _year_to="1999")

    def counts(result):
        return {r["value"]: r["count"] for r in result["results"]}

    everything = await facet(ds, "events", "decade")
    wide = await facet(ds, "events", "decade", _year_from="0", _year_to="2100")
    assert counts(wide) == counts(everything)


async def test_filters_compose_with_search(ds, conn):
    expected = ids(
        conn,
        "select rowid from paragraphs_fts where paragraphs_fts match 'treaty' intersect"
        " select paragraph_id from paragraph_countries where country_code = 'CHN'",
    )
    assert expected
    assert await row_ids(ds, "paragraphs", _search="treaty", _country="CHN") == sorted(expected)
    result = await facet(ds, "paragraphs", "country", _search="treaty")
    counts = {r["value"]: r["count"] for r in result["results"]}
    assert counts["CHN"] == len(expected)
    searched = await row_ids(ds, "paragraphs", _search="treaty")
    assert max(counts.values()) <= len(searched)


async def test_filters_compose_with_column_filters(ds, conn):
    expected = ids(
        conn,
        "select id from events where event_type = 'visit' and id in"
        " (select event_id from event_countries where country_code = 'USA') order by id",
    )
    assert expected
    assert await row_ids(ds, "events", _country="USA", event_type="visit") == expected
    data = await get_json(
        ds, "/relations/events.json", event_type="visit", _country="USA", _facet_decade="1"
    )
    decades = data["facet_results"]["decade"]["results"]
    dated = ids(conn, f"select id from events where {PRECISE_ENOUGH['decade']}")
    assert sum(r["count"] for r in decades) == len(set(expected) & set(dated))


async def test_facet_counts_follow_filters(ds, conn):
    result = await facet(ds, "paragraphs", "country", _country="KAZ")
    expected = dict(
        conn.execute(
            "select country_code, count(*) from paragraph_countries where paragraph_id in"
            " (select paragraph_id from paragraph_countries where country_code = 'KAZ')"
            " group by 1"
        ).fetchall()
    )
    assert {r["value"]: r["count"] for r in result["results"]} == expected


@pytest.mark.parametrize(
    "table, params",
    [
        ("paragraphs", {"_country": "KAZ"}),
        ("paragraphs", {"_country": ["MNG", "CHN"], "_decade": "1990"}),
        ("paragraphs", {"_year_from": "1900", "_year_to": "1950"}),
        ("events", {"_country": "USA", "_year": "1987"}),
        ("amounts", {"_country": "CHN"}),
    ],
)
async def test_facets_under_link_filters_alone_equal_the_general_query(ds, table, params):
    """With only link filters the facets count from the filters' join tables; a column
    filter that keeps every row makes them read the table's rows: same counts."""
    for name in ["country", "year", "decade"]:
        alone = await facet(ds, table, name, **params)
        general = await facet(ds, table, name, id__gte="0", **params)
        assert alone["results"], (name, params)
        strip = [(r["value"], r["count"], r["selected"]) for r in alone["results"]]
        assert strip == [(r["value"], r["count"], r["selected"]) for r in general["results"]]


async def test_link_filters_alone_do_not_read_the_filtered_table(seeds_db, metadata):
    ds = Datasette(
        [str(seeds_db)],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
        settings={"trace_debug": True},
    )
    data = await get_json(
        ds, "/relations/paragraphs.json", _country="KAZ", _facet_country="1", _trace="1"
    )
    (facet_sql,) = [
        t["sql"] for t in data["_trace"]["traces"] if t["sql"].startswith("select value, count")
    ]
    assert "paragraphs" not in facet_sql.replace("paragraph_countries", "")


async def test_selected_values_and_toggles(ds):
    result = await facet(ds, "events", "country", _country="KAZ")
    by_value = {r["value"]: r for r in result["results"]}
    kaz = by_value.pop("KAZ")
    assert kaz["selected"]
    assert "_country=KAZ" not in kaz["toggle_url"]
    assert "_facet_country=1" in kaz["toggle_url"]
    assert by_value and not any(r["selected"] for r in by_value.values())
    mongolia = urllib.parse.urlsplit(by_value["MNG"]["toggle_url"])
    assert urllib.parse.parse_qs(mongolia.query)["_country"] == ["KAZ", "MNG"]


async def test_a_filter_shows_its_facet_on_the_html_page(ds):
    html = (await ds.client.get("/relations/paragraphs?_country=KAZ&_year=1992")).text
    # The selected values, each with its cross to remove it.
    assert re.search(r'<li>Kazakhstan &middot; \d+ <a href="[^"]*_year=1992"', html)
    assert re.search(r'<li>1992 &middot; \d+ <a href="[^"]*_country=KAZ"', html)
    # JSON gets the facets it asks for.
    data = await get_json(ds, "/relations/paragraphs.json", _country="KAZ", _year="1992")
    assert data["facet_results"] == {}


@pytest.mark.parametrize(
    "parameter, value, name, label",
    [("_country", "ZZZ", "country", "ZZZ"), ("_year", 1000, "year", "1000")],
)
async def test_a_filter_that_matches_nothing_can_be_removed(ds, parameter, value, name, label):
    html = (await ds.client.get(f"/relations/events?{parameter}={value}")).text
    assert (
        f'<li>{label} &middot; 0 <a href="http://localhost/relations/events" class="cross">'
        "&#x2716;</a></li>"
    ) in html
    result = await facet(ds, "events", name, **{parameter: str(value)})
    assert result["results"] == [
        {
            "value": value,
            "label": label,
            "count": 0,
            "toggle_url": f"http://localhost/relations/events.json?_facet_{name}=1&_facet_size=max",
            "selected": True,
        }
    ]
    assert not result["truncated"]


async def test_lower_case_code_is_read_as_upper_case(ds):
    assert await row_ids(ds, "events", _country="kaz") == await row_ids(
        ds, "events", _country="KAZ"
    )
    result = await facet(ds, "events", "country", _country="kaz")
    assert [r["value"] for r in result["results"] if r["selected"]] == ["KAZ"]


async def test_unknown_code_is_an_empty_result(ds):
    data = await get_json(ds, "/relations/events.json", _country="XYZ")
    assert data["rows"] == []
    assert "linked to XYZ (a code no country has)" in data["human_description_en"]


async def test_human_description(ds):
    data = await get_json(ds, "/relations/events.json", _country="KAZ", _decade="1990")
    assert "linked to Kazakhstan (KAZ)" in data["human_description_en"]
    assert "year in the 1990s" in data["human_description_en"]


@pytest.mark.parametrize(
    "query",
    [
        {"_country": "<script>alert(1)</script>"},
        {"_country": "KAZ' OR 1=1 --"},
        {"_year": "abc"},
        {"_year": "1992; drop table events"},
        {"_decade": "1995"},
        {"_decade": "199O"},
        {"_year_from": "x"},
        {"_year_to": "<b>"},
    ],
)
@pytest.mark.parametrize("extension", ["", ".json", ".csv"])
async def test_hostile_values_are_a_clear_400(ds, query, extension):
    response = await ds.client.get(f"/relations/events{extension}?" + urllib.parse.urlencode(query))
    assert response.status_code == 400, response.text[:300]
    for value in query.values():
        if "<" in value:
            assert value not in response.text
    if extension == ".json":
        assert re.search(r"must be|like", response.json()["error"])


async def test_hostile_facet_argument_is_escaped(ds):
    hostile = '"><script>alert(1)</script>'
    response = await ds.client.get(
        "/relations/events?" + urllib.parse.urlencode({"_facet_country": hostile})
    )
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;" in response.text or "%3Cscript%3E" in response.text


async def test_a_parameter_repeated_past_the_limit_is_a_clear_400(ds, conn):
    codes = [row[0] for row in conn.execute("select code from countries order by code limit 21")]
    query = urllib.parse.urlencode({"_country": codes}, doseq=True)
    response = await ds.client.get(f"/relations/events.json?{query}")
    assert response.status_code == 400
    assert response.json()["error"] == "_country is given 21 different values: at most 20"
    # Twenty distinct codes, or one code repeated, are within the limit.
    response = await ds.client.get(f"/relations/events.json?{query.rsplit('&', 1)[0]}")
    assert response.status_code == 200
    # Codes in either case are one code, as the filter reads them.
    both_cases = urllib.parse.urlencode(
        {"_country": codes[:20] + [c.lower() for c in codes[:20]]}, doseq=True
    )
    assert (await ds.client.get(f"/relations/events.json?{both_cases}")).status_code == 200
    data = await get_json(ds, "/relations/events.json", _country=["KAZ"] * 30, _year=["1992"] * 30)
    assert (
        data["filtered_table_rows_count"]
        == conn.execute(
            "select count(*) from events where year = 1992 and id in"
            " (select event_id from event_countries where country_code = 'KAZ')"
        ).fetchone()[0]
        > 0
    )


@pytest.mark.parametrize("code", ["ßa", "ſaz"])
async def test_a_code_that_upper_cases_to_ascii_is_refused(ds, code):
    # "ßa".upper() is "SSA", "ſaz".upper() is "SAZ": neither is what was asked.
    query = urllib.parse.urlencode({"_country": code})
    assert (await ds.client.get(f"/relations/events.json?{query}")).status_code == 400


async def test_a_range_that_ends_before_it_starts_is_a_clear_400(ds):
    response = await ds.client.get("/relations/events.json?_year_from=2000&_year_to=1990")
    assert response.status_code == 400
    assert response.json()["error"] == "_year_from (2000) must not be after _year_to (1990)"
    response = await ds.client.get("/relations/events.json?_year_from=1993&_year_to=1992")
    assert response.status_code == 400
    assert (
        await ds.client.get("/relations/events.json?_year_from=1992&_year_to=1992")
    ).status_code == 200
    # A table without years says so first.
    response = await ds.client.get("/relations/sections.json?_year_from=2000&_year_to=1990")
    assert "_year_from does not apply to sections" in response.json()["error"]


async def test_filters_need_a_link(ds):
    response = await ds.client.get("/relations/sections.json?_country=KAZ")
    assert response.status_code == 400
    assert "sections" in response.json()["error"]


@pytest.mark.parametrize(
    "table, params",
    [
        ("paragraphs", {"_country": "MNG"}),
        ("paragraphs", {"_search": "relations", "_year_from": "1900"}),
        ("events", {"_country": "USA", "_decade": "2000"}),
        ("events", {"_country": ["MNG", "USA"], "event_type": "visit"}),
        ("visits", {"_country": "KAZ"}),
    ],
)
async def test_csv_matches_json(ds, table, params):
    json_ids = await row_ids(ds, table, **params)
    assert json_ids
    query = urllib.parse.urlencode({**params, "_size": "max"}, doseq=True)
    response = await ds.client.get(f"/relations/{table}.csv?{query}")
    assert response.status_code == 200
    csv_ids = sorted(int(r["id"]) for r in csv.DictReader(io.StringIO(response.text)))
    assert csv_ids == json_ids


@pytest.mark.parametrize(
    "table, params",
    [
        ("paragraphs", {"_country": "MNG"}),
        ("events", {"_country": "USA", "_year_from": "1990", "_year_to": "2020"}),
        ("paragraphs", {"_search": "relations", "_country": "MNG"}),
    ],
)
async def test_streamed_csv_pages_through_the_filtered_rows(seeds_db, metadata, table, params):
    # Five rows a page: the stream follows _next across many pages, filters kept.
    ds = Datasette(
        [str(seeds_db)],
        immutables=[],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
        settings={"default_page_size": 5},
    )
    query = urllib.parse.urlencode(params, doseq=True)
    response = await ds.client.get(f"/relations/{table}.csv?{query}&_stream=on")
    assert response.status_code == 200
    streamed = sorted(int(r["id"]) for r in csv.DictReader(io.StringIO(response.text)))
    first_page = await get_json(ds, f"/relations/{table}.json", **params)
    assert len(streamed) == first_page["filtered_table_rows_count"] > 5
    assert len(set(streamed)) == len(streamed)


async def test_facets_in_html(ds):
    response = await ds.client.get("/relations/events?_country=KAZ")
    assert response.status_code == 200
    html = response.text
    assert '<div class="facet-info facet-relations-events-country" id="facet-country"' in html
    assert "<strong>country (country)" not in html
    assert re.search(r"<li>Kazakhstan &middot; \d+ <a href=\"[^\"]*\" class=\"cross\">", html)
    assert "1990s" in html
    assert "where linked to Kazakhstan (KAZ)" in html


async def test_a_column_facet_named_like_a_facet_of_ours_says_it_is_the_column(ds):
    html = (await ds.client.get("/relations/events?_facet=year&_facet_year=1")).text
    titles = re.findall(r'<p class="facet-info-name">\s*<strong>([^<]*?)\s*<span', html)
    assert sorted(titles) == ["country", "decade", "year", "year (column)"]


async def test_our_facets_are_suggested_but_a_year_datasette_suggests_as_its_column(ds):
    suggested = {}
    for table in ("visits", "paragraphs", "articles"):
        html = (await ds.client.get(f"/relations/{table}")).text
        found = re.search(r'<p class="suggested-facets">(.*?)</p>', html, re.DOTALL).group(1)
        suggested[table] = re.findall(r"\?(_facet\w*=\w+)", found)
    # Ours; Datasette suggests the visits' own year column, as _facet=year.
    assert {
        table: [s for s in found if re.match("_facet_(country|year|decade)=", s)]
        for table, found in suggested.items()
    } == {
        "visits": ["_facet_country=1", "_facet_decade=1"],
        "paragraphs": ["_facet_country=1", "_facet_year=1", "_facet_decade=1"],
        "articles": ["_facet_country=1", "_facet_year=1", "_facet_decade=1"],
    }
    assert "_facet=year" in suggested["visits"]


async def test_a_cut_facet_offers_all_its_values(ds):
    html = (await ds.client.get("/relations/events?_facet_year=1&_facet_size=5")).text
    assert (
        '<li class="facet-truncated"><a href="/relations/events?_facet_year=1&amp;_facet_size=max">'
    ) in html


async def test_a_value_written_otherwise_is_selected_and_its_cross_removes_it(ds):
    html = (await ds.client.get("/relations/events?_country=%20KAZ")).text
    cross = '<li>Kazakhstan &middot; 25 <a href="http://localhost/relations/events" class="cross">'
    assert cross in html
    data = await get_json(
        ds, "/relations/events.json", _facet_year="1", _facet_size="max", _year="0992"
    )
    selected = [r for r in data["facet_results"]["year"]["results"] if r["selected"]]
    assert [(r["value"], r["label"], r["count"]) for r in selected] == [(992, "992", 0)]
    query = urllib.parse.urlsplit(selected[0]["toggle_url"]).query
    assert urllib.parse.parse_qs(query) == {"_facet_year": ["1"], "_facet_size": ["max"]}


async def test_country_cells_link_to_country_pages(ds):
    response = await ds.client.get("/relations/visits?_country=KAZ")
    assert response.status_code == 200
    assert '<a href="/-/country/KAZ">Kazakhstan</a>&nbsp;<em>KAZ</em>' in response.text
    response = await ds.client.get("/relations/event_countries?country_code=KAZ")
    assert '<a href="/-/country/KAZ">Kazakhstan</a>' in response.text
    # JSON and CSV keep the code.
    rows = await get_json(ds, "/relations/visits.json", _country="KAZ", _shape="array")
    assert {"KAZ", "MNG"} == {rows[0]["visitor_country"], rows[0]["host_country"]}


async def test_visits_and_amounts_of_a_decade_belong_to_no_one_year(metadata, tmp_path):
    document = (
        "= Kazakhstan–Mongolia relations =\n\n"
        "In the 1990s, trade with Kazakhstan reached $10 million a year.\n\n"
        "In 1995, trade with Kazakhstan reached $20 million.\n\n"
        "== Visits ==\n\n"
        "| Date | Person | Office | Location |\n"
        "| the 1990s | A. B. | President of Mongolia | Astana |\n"
        "| 1995 | C. D. | President of Mongolia | Astana |\n"
    )
    ds = datasette_of({"kazakhstan.txt": document}, tmp_path, metadata)
    for table in ["visits", "amounts"]:  # 1: of the 1990s, 2: of 1995
        assert await row_ids(ds, table, _decade="1990") == [1, 2]
        assert await row_ids(ds, table, _year="1990") == []
        assert await row_ids(ds, table, _year_from="1990", _year_to="1995") == [2]
        assert await row_ids(ds, table, _year_from="1990", _year_to="1999") == [1, 2]
        years = (await facet(ds, table, "year"))["results"]
        assert [(r["value"], r["count"]) for r in years] == [(1995, 1)]
        decades = (await facet(ds, table, "decade"))["results"]
        assert [(r["value"], r["count"]) for r in decades] == [(1990, 2)]
    trade = await get_json(ds, "/relations/trade_by_partner.json", _shape="array")
    assert [(row["year"], row["usd"]) for row in trade] == [(1995, 20e6)]
    by_decade = await get_json(ds, "/relations/visits_by_decade.json", _shape="array")
    assert [(row["decade"], row["visits"]) for row in by_decade] == [("1990s", 2)]


async def test_a_visit_within_one_country_counts_once_for_it(seeds_db, metadata, tmp_path):
    ds = changed_copy(
        seeds_db,
        metadata,
        tmp_path,
        "insert into visits (article_id, person, year, visitor_country, host_country)"
        " values (1, 'Someone', 2000, 'KAZ', 'KAZ')",
    )
    counts = {r["value"]: r["count"] for r in (await facet(ds, "visits", "country"))["results"]}
    kazakh_visits = await row_ids(ds, "visits", _country="KAZ")
    assert counts["KAZ"] == len(kazakh_visits) == len(set(kazakh_visits))


async def test_years_before_0_fall_in_their_own_decade(seeds_db, metadata, tmp_path):
    ds = changed_copy(
        seeds_db,
        metadata,
        tmp_path,
        "update events set year = -5, precision = 'year' where id = 1",
        "update events set year = -10, precision = 'year' where id = 2",
        "update events set year = -11, precision = 'year' where id = 3",
    )
    counts = {r["value"]: r["count"] for r in (await facet(ds, "events", "decade"))["results"]}
    assert (counts[-20], counts[-10]) == (1, 2)
    assert await row_ids(ds, "events", _decade="-10") == [1, 2]


async def test_facet_toggles_leave_the_page_token_behind(ds):
    data = await get_json(ds, "/relations/events.json", _facet_country="1", _size="2", _next="2")
    urls = [r["toggle_url"] for r in data["facet_results"]["country"]["results"]]
    assert urls and not [url for url in urls if "_next" in url]
    assert "_size=2" in urls[0]


async def test_a_facet_size_of_exactly_the_values_is_not_truncated(ds):
    values = len((await facet(ds, "articles", "country"))["results"])
    assert values > 1
    assert not (await facet(ds, "articles", "country", _facet_size=str(values)))["truncated"]
    assert (await facet(ds, "articles", "country", _facet_size=str(values - 1)))["truncated"]


async def test_country_cells_of_a_mutable_database_follow_its_changes(seeds_db, metadata, tmp_path):
    path = tmp_path / "relations.db"
    shutil.copy(seeds_db, path)
    ds = Datasette([str(path)], metadata=metadata, plugins_dir=str(ROOT / "plugins"))
    link = '<a href="/-/country/KAZ">{}</a>&nbsp;<em>KAZ</em>'
    assert link.format("Kazakhstan") in (await ds.client.get("/relations/visits")).text
    with sqlite3.connect(path) as renamed:
        renamed.execute("update countries set name = 'Qazaqstan' where code = 'KAZ'")
    text = (await ds.client.get("/relations/visits")).text
    assert link.format("Qazaqstan") in text
    assert link.format("Kazakhstan") not in text


async def test_datasette_vega_loads_on_table_and_query_pages(ds):
    for path in ["/relations/events", "/relations/events_per_year?country=KAZ"]:
        html = (await ds.client.get(path)).text
        scripts = re.findall(r'src="(/-/static-plugins/datasette_vega/[^"]+\.js)"', html)
        assert scripts, path
        assert 'class="export-links"' in html
        assert (await ds.client.get(scripts[0])).status_code == 200


async def test_visits_by_decade_counts_the_visits_dated_within_a_decade(metadata, tmp_path):
    document = (
        "= Visits =\n\n"
        "In 1995 President Natsagiin Bagabandi of Mongolia visited China.\n\n"
        "In 1998 President Natsagiin Bagabandi of Mongolia visited China.\n\n"
        "In 998 a Chinese delegation visited Mongolia.\n\n"
        "In the 13th century a Chinese delegation visited Mongolia.\n\n"
        "In the 1960s a Chinese delegation visited Mongolia.\n\n"
        "In 2005 Prime Minister Tsakhiagiin Elbegdorj visited Japan.\n"
    )
    ds = datasette_of({"visits.txt": document}, tmp_path, metadata)
    rows = await get_json(ds, "/relations/visits_by_decade.json", _shape="array")
    # Not the century; the 990s before the 1990s.
    assert rows == [
        {"decade": "990s", "direction": "China → Mongolia", "visits": 1},
        {"decade": "1960s", "direction": "China → Mongolia", "visits": 1},
        {"decade": "1990s", "direction": "Mongolia → China", "visits": 2},
        {"decade": "2000s", "direction": "unknown → Japan", "visits": 1},
    ]


async def test_chart_queries(ds, conn):
    rows = await get_json(ds, "/relations/events_per_year.json", country="KAZ", _shape="array")
    assert [r["year"] for r in rows] == sorted(r["year"] for r in rows)
    kaz_events = conn.execute(
        "select count(*) from event_countries join events on events.id = event_id"
        " where country_code = 'KAZ' and precision in ('day', 'month', 'year')"
    ).fetchone()[0]
    assert sum(r["events"] for r in rows) == kaz_events
    rows = await get_json(ds, "/relations/trade_by_partner.json", _shape="array")
    trade = set(ids(conn, "select paragraph_id from events where event_type = 'trade'"))
    expected = {}
    amounts = (
        "select paragraph_id, year, value_usd from amounts"
        " where value_usd is not null and not part_of_total"
    )
    for paragraph_id, year, usd in conn.execute(amounts):
        partners = "select country_code from paragraph_countries where paragraph_id = ?"
        for partner in ids(conn, partners, [paragraph_id]):
            if paragraph_id in trade and year is not None and partner != "MNG":
                total, count = expected.get((year, partner), (0, 0))
                expected[(year, partner)] = (total + usd, count + 1)
    assert expected  # the seeds name trade sums
    # "$175 million, with U.S. exports totaling 149 million and Mongolian exports totaling
    # $26 million": the total, once.
    assert expected[2022, "USA"] == (175e6, 1)
    assert {(r["year"], r["partner"]): (r["usd"], r["amounts"]) for r in rows} == expected
    assert [(r["year"], r["partner"]) for r in rows] == sorted(expected)


@pytest.mark.parametrize(
    "query, chart",
    [
        ("events_per_year?country=KAZ", "g.x_column=year&amp;g.x_type=temporal"),
        ("trade_by_partner", "g.y_column=usd&amp;g.y_type=quantitative"),
        ("visits_by_decade", "g.x_column=decade&amp;g.x_type=ordinal"),
    ],
)
async def test_chart_queries_link_to_a_ready_chart(ds, query, chart):
    html = (await ds.client.get(f"/relations/{query}")).text
    name = query.split("?")[0]
    assert re.search(rf'href="{name}[^"#]*#g\.mark=bar&amp;[^"]*{chart}', html)


# How the errors name the tables that link to countries and years (metadata.yml), all
# of them with both links.
TABLES_WITH_LINKS = "articles, paragraphs, events, visits and amounts"
NOT_A_CODE = "_country must be an ISO 3166 three-letter country code, like KAZ"


@pytest.mark.parametrize(
    "path,error",
    [
        (
            "/relations/events.json?_year=%D9%A1%D9%A9%D9%A9%D9%A2",
            "_year must be a year, like 1992",
        ),
        ("/relations/events.json?_year=01992", "_year must be a year, like 1992"),
        ("/relations/events.json?_country=Narnia", NOT_A_CODE),
        # A country's name: its code.
        ("/relations/events.json?_country=+kazakhstan", f"{NOT_A_CODE}: kazakhstan is KAZ"),
        # Any name a country goes by: Burma's mentions are Myanmar's.
        ("/relations/events.json?_country=Burma", f"{NOT_A_CODE}: Burma is MMR"),
        ("/relations/events.json?_country=kz", f"{NOT_A_CODE}: kz is KAZ"),
        (
            "/relations/events.json?_country=USA&_country=Kazakhstan",
            f"{NOT_A_CODE}: Kazakhstan is KAZ",
        ),
        ("/relations/events.json?_decade=x", "_decade must be a year, like 1990"),
        (
            "/relations/sections.json?_year_to=1950",
            (
                "_year_to does not apply to sections: it has no year to filter by (the tables that"
                f" have one: {TABLES_WITH_LINKS})"
            ),
        ),
        (
            "/relations/sections.json?_facet_country=1",
            (
                "_facet_country does not apply to sections: it has no country to facet by (the tables"
                f" that have one: {TABLES_WITH_LINKS})"
            ),
        ),
        (
            "/relations/sections.json?_facet_decade=1",
            (
                "_facet_decade does not apply to sections: it has no year to facet by (the tables that"
                f" have one: {TABLES_WITH_LINKS})"
            ),
        ),
    ],
)
async def test_link_errors_name_the_parameter(ds, path, error):
    response = await ds.client.get(path)
    assert response.status_code == 400
    assert response.json()["error"] == error


@pytest.mark.parametrize("query", ["_facet_country=1", "_country=KAZ", "_facet_year=1"])
async def test_a_database_under_another_name_is_told_why_links_do_not_apply(
    seeds_db, metadata, tmp_path, query
):
    renamed = tmp_path / "mine.db"
    shutil.copy(seeds_db, renamed)
    ds = Datasette([str(renamed)], metadata=metadata, plugins_dir=str(ROOT / "plugins"))
    response = await ds.client.get(f"/mine/events.json?{query}")
    assert response.status_code == 400
    parameter, kinds = query.split("=")[0], "years" if "year" in query else "countries"
    assert response.json()["error"] == (
        f"{parameter} does not apply to events: metadata configures {kinds} for the"
        " database 'relations', not 'mine' (a database takes its file's name)"
    )


async def test_whole_table_facets_of_an_immutable_database_are_counted_once(seeds_db, metadata):
    """After startup the unfiltered facets come from counts made once, without a time
    limit; they equal what the facet SQL gives on a mutable copy."""
    mutable = Datasette([str(seeds_db)], metadata=metadata, plugins_dir=str(ROOT / "plugins"))
    immutable = await immutable_ds(seeds_db, metadata, trace_debug=True)
    facets = {"_facet_country": "1", "_facet_year": "1", "_facet_decade": "1"}
    data = await get_json(immutable, "/relations/paragraphs.json", _trace="1", **facets)
    traced = [t["sql"] for t in data["_trace"]["traces"]]
    assert not any(sql.startswith("select value, count") for sql in traced)
    for table in LINKED_TABLES:
        for size in ["max", "3"]:  # all values, and the most frequent first, truncated
            params = {**facets, "_facet_size": size}
            counted = await get_json(immutable, f"/relations/{table}.json", **params)
            live = await get_json(mutable, f"/relations/{table}.json", **params)
            assert counted["facet_results"] == live["facet_results"], (table, size)
    # The default facets of events (country, decade), as the table's first page shows them.
    counted = await get_json(immutable, "/relations/events.json")
    assert (
        counted["facet_results"]
        == (await get_json(mutable, "/relations/events.json"))["facet_results"]
    )
    # A filtered page is counted per request, as before.
    data = await get_json(
        immutable, "/relations/paragraphs.json", _country="KAZ", _trace="1", **facets
    )
    assert any(t["sql"].startswith("select value, count") for t in data["_trace"]["traces"])


@pytest.mark.parametrize("immutable", [False, True])
@pytest.mark.parametrize("configured_by", ["setting", "metadata"])
async def test_the_facet_size_is_the_settings_or_the_tables(
    ds, seeds_db, metadata, configured_by, immutable
):
    metadata = copy.deepcopy(metadata)  # the fixture's lasts the session
    settings = {}
    if configured_by == "setting":
        settings["default_facet_size"] = 3
    else:
        metadata["databases"]["relations"]["tables"]["events"]["facet_size"] = 3
    if immutable:  # the whole table's facets counted at startup
        sized = await immutable_ds(seeds_db, metadata, **settings)
    else:
        sized = Datasette(
            [str(seeds_db)], metadata=metadata, plugins_dir=str(ROOT / "plugins"), settings=settings
        )

    def counts(data):
        return {
            name: ([(v["value"], v["count"]) for v in facet["results"]], facet["truncated"])
            for name, facet in data["facet_results"].items()
        }

    facets = {"_facet_country": "1", "_facet_year": "1", "_facet_decade": "1"}
    shown = counts(await get_json(sized, "/relations/events.json", **facets))
    assert shown == counts(await get_json(ds, "/relations/events.json", _facet_size="3", **facets))
    assert all(len(values) == 3 and truncated for values, truncated in shown.values())


async def test_money_shows_with_thousands_separators_in_html_only(ds):
    rows = (await ds.client.get("/relations/amounts.json?_shape=array&_sort=id")).json()
    assert rows[0]["value"] == 1130000000.0  # the stored number, in JSON
    html = (await ds.client.get("/relations/amounts?_sort=id")).text
    cells = re.findall(r'<td class="col-value type-float">([^<]*)</td>', html)
    assert cells == [f"{row['value']:,.0f}" for row in rows]
    assert cells[0] == "1,130,000,000"
    trade = (await ds.client.get("/relations/trade_by_partner")).text
    assert '<td class="col-usd">1,130,000,000</td>' in trade
    infobox = (await ds.client.get("/relations/infobox")).text  # text named value: as it is
    assert '<td class="col-value type-str">' in infobox
    sql = "select 1e999 as usd, -2500.5 as value, 9007199254740993 as value_usd"
    cells = (await ds.client.get("/relations", params={"sql": sql})).text
    assert '<td class="col-usd">inf</td>' in cells  # not a sum: as it is
    assert '<td class="col-value">-2,500.50</td>' in cells
    assert '<td class="col-value_usd">9,007,199,254,740,993</td>' in cells


async def test_a_cut_year_facet_says_it_lists_the_most_frequent_years(ds, conn):
    """The seeds' events fall in more years than a facet lists: the years shown are the
    most frequent, in time order, and the page says so rather than read as a timeline."""
    data = await get_json(ds, "/relations/events.json", _facet_year="1", _facet_size="5")
    cut = data["facet_results"]["year"]
    assert (cut["truncated"], cut["note"]) == (True, "the most frequent, in time order")
    shown = [result["value"] for result in cut["results"]]
    assert shown == sorted(shown)
    per_year = f"select year, count(*) from events where {PRECISE_ENOUGH['year']} group by year"
    counts = sorted((count for _, count in conn.execute(per_year)), reverse=True)
    assert sorted((r["count"] for r in cut["results"]), reverse=True) == counts[:5]
    html = (await ds.client.get("/relations/events?_facet_year=1&_facet_size=5")).text
    assert "<small>the most frequent, in time order</small>" in html
    assert (await facet(ds, "events", "year"))["note"] is None


async def test_the_facets_of_a_later_page_say_they_count_from_it_on(ds):
    """Datasette counts a later page's facets from its first row on, while the heading
    gives every row: the page says so, and links to the first page's facets."""
    first = await ds.client.get("/relations/events?_country=USA&_size=20&_facet_year=1")
    next_page = re.search(r'href="([^"]*_next=[^"]*)">Next page', first.text)[1]
    later = await ds.client.get(html.unescape(next_page).removeprefix("http://localhost"))
    note = re.compile(r'<p class="facet-page-note">(.*?)</p>', re.DOTALL)
    assert not note.search(first.text)
    assert " ".join(note.search(later.text)[1].split()) == (
        "The facets count the rows from this page on; those of <a"
        ' href="/relations/events?_country=USA&amp;_size=20&amp;_facet_year=1&amp;_sort=id">the'
        " first page</a> count them all."
    )


async def test_links_to_rows_without_a_label_show_the_id_once(ds, conn):
    """Datasette 0.65 shows "9 9" for a foreign key to a table without a label column;
    id_links.py shows "9". Links to labelled rows keep their label and id."""
    html = (await ds.client.get("/relations/events?_sort=id&_size=20")).text
    stored = conn.execute("select paragraph_id, article_id from events order by id limit 20")
    stored = stored.fetchall()
    cells = re.findall(r'<td class="col-paragraph_id type-dict">(.*?)</td>', html)
    assert cells == [f'<a href="/relations/paragraphs/{p}">{p}</a>' for p, _ in stored]
    titles = dict(conn.execute("select id, title from articles"))
    cells = re.findall(r'<td class="col-article_id type-int">(.*?)</td>', html)
    assert cells == [
        f'<a href="/relations/articles/{a}">{titles[a]}</a>&nbsp;<em>{a}</em>' for _, a in stored
    ]
    row = (await ds.client.get("/relations/event_countries?_sort=event_id&_size=1")).text
    (event_id,) = conn.execute("select min(event_id) from event_countries").fetchone()
    assert f'<a href="/relations/events/{event_id}">{event_id}</a></td>' in row


async def test_a_row_page_links_its_foreign_keys_to_their_rows(ds, conn):
    # Datasette 0.65 shows them as plain numbers on a row page.
    event_id, paragraph_id, article_id = conn.execute(
        "select id, paragraph_id, article_id from events order by id limit 1"
    ).fetchone()
    html = (await ds.client.get(f"/relations/events/{event_id}")).text
    cells = dict(re.findall(r'<td class="col-(\w+) type-int">(.*?)</td>', html))
    assert (
        cells["paragraph_id"]
        == f'<a href="/relations/paragraphs/{paragraph_id}">{paragraph_id}</a>'
    )
    assert cells["article_id"] == f'<a href="/relations/articles/{article_id}">{article_id}</a>'
    # Numbers that are no foreign key stay numbers.
    paragraph = (await ds.client.get(f"/relations/paragraphs/{paragraph_id}")).text
    position = conn.execute("select position from paragraphs where id = ?", [paragraph_id])
    assert f'<td class="col-position type-int">{position.fetchone()[0]}</td>' in paragraph


def test_a_count_that_fails_at_startup_leaves_the_others_counted(seeds_db, conn, caplog):
    links = module_from_path(str(ROOT / "plugins" / "links.py"), "links")
    path, counts = str(seeds_db), {}
    kinds = "select kind, count(*) from articles group by kind order by kind"
    statements = [
        (("relations", "events", "year"), path, "select no_such_column from events", {}),
        (("relations", "articles", "country"), path, kinds, {}),
    ]
    links.run_counts(statements, counts)
    assert counts == {("relations", "articles", "country"): conn.execute(kinds).fetchall()}
    assert "counting the facet year of relations/events at startup failed" in caplog.text


async def test_query_pages_link_the_configured_id_columns(ds, conn):
    rows = (await ds.client.get("/relations/search.json?q=treaty&_shape=array")).json()
    assert rows and isinstance(rows[0]["paragraph_id"], int)  # JSON keeps the number
    html = (await ds.client.get("/relations/search?q=treaty")).text
    cells = re.findall(r'<td class="col-paragraph_id">(.*?)</td>', html)
    assert cells == [
        f'<a href="/relations/paragraphs/{r["paragraph_id"]}">{r["paragraph_id"]}</a>' for r in rows
    ]
    sql = "select 3 as event_id, 'x' as article_id, 4 as position"
    html = (await ds.client.get("/relations", params={"sql": sql})).text
    assert '<td class="col-event_id"><a href="/relations/events/3">3</a></td>' in html
    assert '<td class="col-article_id">x</td>' in html  # not an id: as it is
    assert '<td class="col-position">4</td>' in html  # not configured


async def test_ids_link_only_where_their_table_is(tmp_path, metadata):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table t (x)")
    ds = Datasette([str(path)], metadata=metadata, plugins_dir=str(ROOT / "plugins"))
    html = (await ds.client.get("/other", params={"sql": "select 1 as paragraph_id"})).text
    assert '<td class="col-paragraph_id">1</td>' in html


async def test_id_links_follow_a_mutable_database_whose_schema_changes(tmp_path, metadata):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "create table people (code text primary key);"
            " create table owners (code text primary key);"
            " create table pets (id integer primary key, owner text references people(code));"
            " insert into people values ('7'); insert into owners values ('7');"
            " insert into pets values (1, '7');"
        )
    ds = Datasette([str(path)], metadata=metadata, plugins_dir=str(ROOT / "plugins"))
    assert 'href="/other/people/7">7</a>' in (await ds.client.get("/other/pets")).text
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "drop table pets;"
            " create table pets (id integer primary key, owner text references owners(code));"
            " insert into pets values (1, '7');"
        )
    assert 'href="/other/owners/7">7</a>' in (await ds.client.get("/other/pets")).text


RAW_SEARCH_ERROR = "is not a search FTS5 can read ({}); without _searchmode=raw"
FACET_SIZE_ERROR = "_facet_size must be a number from 1, or max"


@pytest.mark.parametrize(
    "table, query, error",
    [
        ("events", "_sort=country", "Cannot sort table by country"),
        ("events", "_sort_desc=decade", "Cannot sort table by decade"),
        ("events", "_sort=nonexistent", "Cannot sort table by nonexistent"),
        ("events", "_sort=year&_sort_desc=id", "Cannot use _sort and _sort_desc at the same time"),
        ("events", "_facet_size=%C2%B2", FACET_SIZE_ERROR),
        ("events", "_facet_size=abc", FACET_SIZE_ERROR),
        ("events", "_facet_size=-1", FACET_SIZE_ERROR),
        ("events", "_facet_size=0", FACET_SIZE_ERROR),
        # int() refuses more than 4,300 digits; 18 are more than enough.
        ("events", "_facet_size=" + "1" * 19, FACET_SIZE_ERROR),
        ("events", "_facet_size=" + "1" * 4301, FACET_SIZE_ERROR),
        # Datasette calls these "Invalid SQL", of a query the person wrote no SQL for.
        (
            "paragraphs",
            "_search=%22third+neighbor&_searchmode=raw",
            RAW_SEARCH_ERROR.format("unterminated string"),
        ),
        (
            "paragraphs",
            "_search=AND&_searchmode=raw",
            RAW_SEARCH_ERROR.format('fts5: syntax error near "AND"'),
        ),
        (
            "paragraphs",
            "_search=title:treaty&_searchmode=raw",
            RAW_SEARCH_ERROR.format("no such column: title"),
        ),
        (
            "paragraphs",
            "_search_text=%22third&_searchmode=raw",
            RAW_SEARCH_ERROR.format("unterminated string"),
        ),
    ],
)
@pytest.mark.parametrize("extension", ["", ".json", ".csv"])
async def test_a_request_datasette_cannot_take_is_a_400_that_says_why(
    ds, table, query, error, extension
):
    # Datasette 0.65 answers the sorts and facet sizes with a 500.
    response = await ds.client.get(f"/relations/{table}{extension}?{query}")
    assert response.status_code == 400
    message = response.json()["error"] if extension == ".json" else html.unescape(response.text)
    assert error in message


@pytest.mark.parametrize("ttl", ["%C2%B2", "abc", "-1", "1.5", "1" * 19, "1" * 4301])
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/relations",
        "/relations/events",
        "/relations/events.json",
        "/relations/events/1",
        "/relations/search.json?q=treaty",
        "/-/countries",
        "/-/country/KAZ",
    ],
)
async def test_a_ttl_that_is_no_number_of_seconds_is_a_400_on_every_page(ds, path, ttl):
    # Datasette 0.65 answers "²" with a 500 (int() cannot read it) and ignores "abc".
    response = await ds.client.get(f"{path}{'&' if '?' in path else '?'}_ttl={ttl}")
    assert response.status_code == 400
    assert "_ttl must be a number of seconds" in response.text
    assert response.headers["content-type"].startswith(
        "application/json" if ".json" in path else "text/html"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/relations/events?_facet=%00",
        "/relations/events.json?_where=%00",
        "/relations/events.json?%00=1",
        "/relations/paragraphs.json?_search=Mongolia%00",
        "/relations/search.json?q=a%00b",
        "/relations.json?sql=select+1%00",
    ],
)
async def test_a_nul_character_in_the_query_string_is_a_400(ds, path):
    # Datasette 0.65 gives SQLite's 500 for most ("the query contains a null character"),
    # and the canned search read "a%00b" as "a".
    response = await ds.client.get(path)
    assert response.status_code == 400
    assert "The query string holds a NUL character (%00)" in response.text


@pytest.mark.parametrize("parameter", ["_year_from", "_year_to"])
async def test_a_range_end_given_twice_is_a_400(ds, parameter):
    response = await ds.client.get(f"/relations/events.json?{parameter}=1990&{parameter}=2000")
    assert response.status_code == 400
    assert response.json()["error"] == f"{parameter} takes one year, not 2: 1990, 2000"
    # The same year twice asks one question.
    response = await ds.client.get(f"/relations/events.json?{parameter}=990&{parameter}=0990")
    assert response.status_code == 200


async def test_a_search_longer_than_a_search_box_takes_is_refused(ds):
    longest = module_from_path(str(ROOT / "plugins" / "search_query.py"), "sq").LONGEST_QUERY
    sql = "select fts_query(printf('%.*c', :n, 'a')) as q"
    response = await ds.client.get("/relations.json", params={"sql": sql, "n": longest})
    assert response.json()["rows"] == [["a" * longest]]
    response = await ds.client.get("/relations.json", params={"sql": sql, "n": longest + 1})
    assert response.json()["rows"] == [['""']]  # an empty phrase: finds nothing
    for mode in ("raw", "escaped"):
        response = await ds.client.get(
            "/relations/paragraphs.json",
            params={"_search": "a " * (longest // 2) + "a", "_searchmode": mode},
        )
        assert response.status_code == 400
        assert response.json()["error"] == f"_search is longer than {longest:,} characters"
    response = await ds.client.get(
        "/relations/paragraphs.json", params={"_search": "a " * (longest // 2), "_size": 0}
    )
    assert response.status_code == 200


async def test_a_search_of_a_table_without_a_text_index_is_refused(ds):
    """Datasette would ignore it, and show every row as if it matched."""
    for query in ("_search=treaty", "_search_text=treaty&_searchmode=raw", "_search=x&_fts_table="):
        response = await ds.client.get(f"/relations/events.json?{query}")
        error = (
            f"{query.split('=')[0]} does not apply to events: it has no full-text index (the"
            " tables that have one: paragraphs)"
        )
        assert (response.status_code, response.json()["error"]) == (400, error)
    # An empty search box searches for nothing; the index itself may be searched.
    for path in ("events.json?_search=+", "paragraphs_fts.json?_search=treaty"):
        assert (await ds.client.get(f"/relations/{path}")).status_code == 200


@pytest.mark.parametrize("query", ["", "&_country=KAZ"])
async def test_the_decade_facet_of_paragraphs_reads_the_decade_index(seeds_db, metadata, query):
    """links.DECADE and schema.sql's index on the decade of an event's year must be the
    same expression, or SQLite computes the decade of every event."""
    ds = Datasette(
        [str(seeds_db)],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
        settings={"trace_debug": True},
    )
    response = await ds.client.get(
        f"/relations/paragraphs.json?_facet_decade=1&_nosuggest=1&_trace=1{query}"
    )
    facet_sql = [t for t in response.json()["_trace"]["traces"] if "% 10" in t["sql"]]
    assert len(facet_sql) == 1
    with sqlite3.connect(seeds_db) as conn:
        plan = conn.execute(f"explain query plan {facet_sql[0]['sql']}", facet_sql[0]["params"])
        steps = [step for *_, step in plan]
    assert "SCAN events USING INDEX events_decade_paragraph_id_precision" in steps


async def test_only_the_sortable_columns_metadata_names_can_be_sorted_by(seeds_db, metadata):
    metadata = copy.deepcopy(metadata)  # the fixture's lasts the session
    metadata["databases"]["relations"]["tables"]["events"]["sortable_columns"] = ["year"]
    ds = Datasette([str(seeds_db)], metadata=metadata, plugins_dir=str(ROOT / "plugins"))
    response = await ds.client.get("/relations/events.json?_sort=id")
    assert (response.status_code, response.json()["error"]) == (400, "Cannot sort table by id")
    assert (await ds.client.get("/relations/events.json?_sort=year")).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/relations/events.json?_sort=year",
        "/relations/events.json?_sort_desc=date",
        "/relations/countries.json?_sort=name",
        "/relations/events.json?_sort=",
        "/relations/events.json?_facet_size=3",
        "/relations/events.json?_facet_size=max",
        "/relations/events.json?_facet_size=%D9%A3",  # Arabic-Indic 3: int() reads it
        "/relations/events.json?_facet_size=" + "1" * 18,  # as many digits as a size may have
    ],
)
async def test_a_good_sort_or_facet_size_still_works(ds, path):
    response = await ds.client.get(path)
    assert response.status_code == 200, response.text[:300]


async def test_a_table_without_a_primary_key_sorts_by_rowid(tmp_path):
    path = tmp_path / "plain.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table notes (text)")
        conn.execute("create view notes_view as select text from notes")
    ds = Datasette([str(path)], plugins_dir=str(ROOT / "plugins"))
    assert (await ds.client.get("/plain/notes.json?_sort_desc=rowid")).status_code == 200
    assert (await ds.client.get("/plain/notes.json?_sort=rowid")).status_code == 200
    assert (await ds.client.get("/plain/notes.json?_sort=text")).status_code == 200
    assert (await ds.client.get("/plain/notes.json?_sort=other")).status_code == 400
    assert (await ds.client.get("/plain/notes_view.json?_sort=text")).status_code == 200
    assert (await ds.client.get("/plain/notes_view.json?_sort=rowid")).status_code == 400


@pytest.mark.parametrize("immutable", [False, True])
async def test_country_cells_without_a_countries_table_keep_their_codes(tmp_path, immutable):
    path = tmp_path / "plain.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table trips (id integer primary key, host_country text)")
        conn.execute("insert into trips values (1, 'KAZ')")
    files = {"immutables": [str(path)]} if immutable else {"files": [str(path)]}
    ds = Datasette(
        **files,
        metadata={"plugins": {"country-cells": {"columns": ["host_country"]}}},
        plugins_dir=str(ROOT / "plugins"),
    )
    response = await ds.client.get("/plain/trips")
    assert response.status_code == 200
    assert '<td class="col-host_country type-str">KAZ</td>' in response.text


async def test_a_cell_two_plugins_would_render_leaves_no_coroutine_never_awaited(
    seeds_db, metadata, tmp_path
):
    # An integer in a money column: money-cells gives it its value before id-links is asked.
    ds = changed_copy(
        seeds_db,
        metadata,
        tmp_path,
        "create table prices (id integer primary key, value integer)",
        "insert into prices values (1, 1992)",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = await ds.client.get("/relations/prices")
        gc.collect()
    assert response.status_code == 200
    assert '<td class="col-value type-int">1,992</td>' in response.text
    assert [str(w.message) for w in caught if w.category is RuntimeWarning] == []


async def test_no_cell_plugin_gives_a_coroutine_datasette_may_never_await(ds):
    """Datasette calls the render_cell hooks' results in turn until one gives a value: each
    must be a value or a function to call, never a coroutine already made."""
    await ds.invoke_startup()
    cells = [
        ("KAZ", "country_code", "events"),  # country-cells
        (1992, "value", None),  # money-cells, and id-links' configured columns
        (3, "paragraph_id", None),  # id-links on a query page
        ({"value": 3, "label": "3"}, "paragraph_id", "events"),  # id-links on a table page
    ]
    for value, column, table in cells:
        given = pm.hook.render_cell(
            row=None, value=value, column=column, table=table, database="relations", datasette=ds
        )
        assert given and not any(inspect.iscoroutine(result) for result in given), column


async def test_a_year_known_to_its_decade_or_century_reads_as_that_period(ds, conn):
    periods = conn.execute(
        "select id, year, precision from events where precision in ('decade', 'century')"
        " or id = (select min(id) from events where precision = 'year') order by id"
    ).fetchall()
    assert {precision for _, _, precision in periods} == {"year", "decade", "century"}
    readable = {
        "year": str,
        "decade": lambda y: f"{y}s",
        "century": lambda y: f"{y // 100 + 1}th century",
    }
    for event_id, year, precision in periods:
        for path in (f"/relations/events?id={event_id}", f"/relations/events/{event_id}"):
            page = (await ds.client.get(path)).text
            assert f'<td class="col-year type-int">{readable[precision](year)}</td>' in page, path
        data = (await ds.client.get(f"/relations/events/{event_id}.json")).json()
        assert data["rows"][0][data["columns"].index("year")] == year  # JSON keeps the number
