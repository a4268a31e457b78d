"""The country pages (plugins/pages.py, templates/) through Datasette's client."""

import copy
import html
import re
import shutil
import sqlite3
import urllib.parse
from collections import Counter

import pytest
from datasette.app import Datasette
from datasette.plugins import pm
from datasette.utils import module_from_path

from .conftest import LINKED_TABLES, ROOT, changed_copy, datasette_of, every_page, immutable_ds

PAGES = module_from_path(str(ROOT / "plugins" / "pages.py"), "pages")
# Counts to 10**8 first: far past any time limit.
COUNT_TO_10_8 = (
    "with recursive n(i) as (select 1 union all select i + 1 from n where i < 100000000) "
)
# The time limit of the tests of slow queries: far above what any other query of the
# seeds takes (about 1 ms), even on a loaded machine, and far below counting to 10**8.
TIME_LIMIT_MS = 500


async def page(ds, path, status=200):
    response = await ds.client.get(path)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return response.text


async def country_part(documents, folder, metadata, name):
    """Part `name` of the page of KAZ, in a database built from documents (datasette_of)."""
    return section(await page(datasette_of(documents, folder, metadata), "/-/country/KAZ"), name)


def section(text, name):
    match = re.search(rf'<section class="part {name}">(.*?)</section>', text, re.DOTALL)
    assert match, name
    return match.group(1)


def shown_counts(text, code):
    """{table: count} of a country page's links to its rows; None for a link without one."""
    found = re.findall(
        rf'<a href="/relations/(\w+)\?_country={code}&amp;_facet_country=1&amp;_facet_decade=1">'
        r"(?:([\d,]+) )?\w+</a>",
        section(text, "established"),
    )
    return {table: int(count.replace(",", "")) if count else None for table, count in found}


async def filtered_counts(ds, code):
    """{table: rows of ?_country=code} for each table linked to countries that has rows
    linked to code: a country page leaves the others unsaid (Mongolia is no article's
    partner)."""
    counts = {}
    for table in LINKED_TABLES:
        data = (await ds.client.get(f"/relations/{table}.json?_country={code}&_size=1")).json()
        if data["filtered_table_rows_count"]:
            counts[table] = data["filtered_table_rows_count"]
    assert counts
    return counts


def countries_counts(text):
    """{code: {table: count}} of the countries page."""
    counts = {}
    for table, code, count in re.findall(
        r'<a href="/relations/(\w+)\?_country=([A-Z]{3})">([\d,]+)</a>', text
    ):
        counts.setdefault(code, {})[table] = int(count.replace(",", ""))
    return counts


@pytest.fixture
def slow_count_of(ds, monkeypatch):
    """slow_count_of(table) makes the SQL with which the pages count table's rows linked
    to a country count to 10**8 first, same columns and parameters."""
    # The links.py that the plugins share.
    link_class = pm.get_plugin("pages.py").links.Link
    count_of_value_sql, counts_by_value_sql = (
        link_class.count_of_value_sql,
        link_class.counts_by_value_sql,
    )

    def slow(table):
        async def slow_count_sql(self, db):
            if self.table != table:
                return await count_of_value_sql(self, db)
            return COUNT_TO_10_8 + "select count(*) from n where :value is not null"

        async def slow_counts_sql(self, db, sql, *args):
            if self.table != table:
                return await counts_by_value_sql(self, db, sql, *args)
            return COUNT_TO_10_8 + "select 'MNG' as value, count(*) as count from n"

        monkeypatch.setattr(link_class, "count_of_value_sql", slow_count_sql)
        monkeypatch.setattr(link_class, "counts_by_value_sql", slow_counts_sql)

    return slow


async def test_country_page(ds, conn):
    text = await page(ds, "/-/country/KAZ")
    assert "<h1>Kazakhstan <span" in text
    assert "<title>Kazakhstan (KAZ)" in text
    established = section(text, "established")
    assert "Relations established <strong>22 January 1992</strong>" in established
    assert 'href="/relations/articles/' in established
    envoys = section(text, "envoys")
    missions = conn.execute(
        "select name from missions where sending_country = 'KAZ' or host_country = 'KAZ'"
    ).fetchall()
    assert missions
    for (name,) in missions:
        assert html.escape(name) in envoys
    visits = section(text, "visits")
    persons = conn.execute(
        "select person from visits where visitor_country = 'KAZ' or host_country = 'KAZ'"
    ).fetchall()
    assert persons
    for (person,) in persons:
        assert html.escape(person) in visits


async def test_country_page_links_every_paragraph_that_mentions_it(ds, conn):
    text = await page(ds, "/-/country/KAZ")
    mentions = section(text, "mentions")
    linked = {int(i) for i in re.findall(r'href="/relations/paragraphs/(\d+)"', mentions)}
    expected = {
        i
        for (i,) in conn.execute(
            "select paragraph_id from paragraph_countries where country_code = 'KAZ'"
        )
    }
    assert expected and linked == expected


async def test_country_page_lists_at_most_fifty_paragraphs(ds, conn):
    text = await page(ds, "/-/country/MNG")
    mentions = section(text, "mentions")
    total = conn.execute(
        "select count(*) from paragraph_countries where country_code = 'MNG'"
    ).fetchone()[0]
    assert total == 85  # the seeds' paragraphs that name Mongolia: more than are shown
    linked = re.findall(r'href="/relations/paragraphs/(\d+)"', mentions)
    assert len(linked) == 50
    assert "of 85" in mentions
    assert 'href="/relations/paragraphs?_country=MNG' in mentions


async def test_home_country_says_so(ds):
    text = await page(ds, "/-/country/MNG")
    assert "Mongolia is the country this database is about" in section(text, "established")


async def test_country_without_an_article(ds, conn):
    text = await page(ds, "/-/country/SUN")
    assert (
        "No article here is about relations between Mongolia and the Soviet Union, so no date"
        " of establishment is recorded."
    ) in section(text, "established")


async def test_names_that_take_the_read_so_in_sentences(ds):
    usa = await page(ds, "/-/country/USA")
    assert "<h1>United States <span" in usa
    assert "Rows linked to the United States:" in usa
    assert "<h2>Paragraphs that mention the United States</h2>" in usa
    kazakhstan = await page(ds, "/-/country/KAZ")
    assert "Rows linked to Kazakhstan:" in kazakhstan


async def test_timeline_is_the_canned_query(ds, conn):
    text = await page(ds, "/-/country/KAZ")
    timeline = section(text, "timeline")
    assert 'class="export-links"' in timeline
    assert 'href="/relations/events_per_year.json?country=KAZ"' in timeline
    assert '<table class="rows-and-columns timeline-table">' in timeline
    # The first table on the page: datasette-vega draws the chart in front of it.
    assert text.index("<table") == text.index('<table class="rows-and-columns timeline-table">')
    cells = re.findall(r"<td>(\d+)</td>", timeline)
    kazakhstan = (
        "select year, precision from events where id in"
        " (select event_id from event_countries where country_code = 'KAZ')"
    )
    events = conn.execute(kazakhstan).fetchall()
    years = Counter(year for year, precision in events if precision not in ("decade", "century"))
    assert [int(c) for c in cells] == sorted(years) + [years[y] for y in sorted(years)]
    # "the 15th century" is an event of 1400 in the events table, not in the timeline.
    assert (1400, "century") in events and 1400 not in years
    assert "g.mark=bar" in text
    # "The events, oldest first": the country's events, in time order.
    (href,) = re.findall(r'<a href="([^"]+)">the events, oldest first</a>', timeline)
    listed = await ds.client.get(
        html.unescape(href).replace("/events?", "/events.json?") + "&_shape=array&_size=max"
    )
    assert [row["year"] for row in listed.json()] == sorted(year for year, _ in events)


@pytest.mark.parametrize("immutable", [False, True])
@pytest.mark.parametrize("code", ["USA", "MNG"])
async def test_counts_match_the_filtered_tables(ds, seeds_db, metadata, immutable, code):
    # Mutable: counted per page by SQL; immutable: the country facet's startup counts.
    counting = await immutable_ds(seeds_db, metadata) if immutable else ds
    text = await page(counting, f"/-/country/{code}")
    assert shown_counts(text, code) == await filtered_counts(ds, code)


def time_limited_ds(seeds_db, metadata):
    return Datasette(
        [str(seeds_db)],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
        settings={"sql_time_limit_ms": TIME_LIMIT_MS},
    )


@pytest.mark.parametrize("table", ["events", "paragraphs"])
async def test_a_count_past_the_time_limit_leaves_the_rest_of_the_country_page(
    ds, seeds_db, metadata, slow_count_of, table
):
    slow_count_of(table)
    slow = time_limited_ds(seeds_db, metadata)
    text = await page(slow, "/-/country/MNG")
    counts = await filtered_counts(ds, "MNG")
    assert shown_counts(text, "MNG") == {**counts, table: None}
    assert (
        f'<p class="none">The rows of {table} could not be counted within the time limit.</p>'
        in section(text, "established")
    )
    # The paragraphs are listed all the same, with their number when it is known.
    assert counts["paragraphs"] > 50
    known = "" if table == "paragraphs" else f" of {counts['paragraphs']}"
    assert f"The first 50{known}; <a href=" in section(text, "mentions")


async def test_a_count_past_the_time_limit_leaves_the_rest_of_the_countries_page(
    ds, seeds_db, metadata, slow_count_of
):
    everything = countries_counts(await page(ds, "/-/countries"))
    slow_count_of("events")
    slow = time_limited_ds(seeds_db, metadata)
    text = await page(slow, "/-/countries")
    without_events = {
        code: {table: count for table, count in by_table.items() if table != "events"}
        for code, by_table in everything.items()
    }
    assert countries_counts(text) == {code: c for code, c in without_events.items() if c}
    assert (
        '<p class="none">The rows of events could not be counted within the time limit.'
        " Their columns are empty, and a country linked only through them is not listed.</p>"
    ) in text


async def test_an_immutable_database_is_counted_at_startup_whatever_the_time_limit(
    ds, seeds_db, metadata, slow_count_of
):
    everything = countries_counts(await page(ds, "/-/countries"))
    counted = await immutable_ds(seeds_db, metadata, sql_time_limit_ms=TIME_LIMIT_MS)
    # Counted at startup; a count made now would pass the time limit.
    slow_count_of("events")
    text = await page(counted, "/-/country/MNG")
    assert shown_counts(text, "MNG") == await filtered_counts(ds, "MNG")
    assert "could not be counted" not in text
    text = await page(counted, "/-/countries")
    assert countries_counts(text) == everything
    assert "could not be counted" not in text


async def test_countries_index(ds, conn):
    text = await page(ds, "/-/countries")
    assert '<a href="/-/country/KAZ">Kazakhstan</a>' in text
    linked = set(re.findall(r'<a href="/-/country/([A-Z]{3})">', text))
    expected = {
        code
        for (code,) in conn.execute(
            "select country_code from paragraph_countries union select country_code"
            " from event_countries union select visitor_country from visits union"
            " select host_country from visits union select partner_country from articles"
        )
        if code
    }
    assert linked == expected
    row = re.search(r'<a href="/-/country/KAZ">Kazakhstan</a>.*?</tr>', text, re.DOTALL).group(0)
    events = conn.execute(
        "select count(*) from event_countries where country_code = 'KAZ'"
    ).fetchone()[0]
    assert f'<a href="/relations/events?_country=KAZ">{events}</a>' in row
    assert "22 January 1992" in row


@pytest.mark.parametrize(
    "asked, near",
    [
        ("Mongolai", '<a href="/-/country/MNG">Mongolia</a>'),
        (
            "Austrai",
            '<a href="/-/country/AUS">Australia</a> or <a href="/-/country/AUT">Austria</a>',
        ),
        ("Narnia", None),
        # A word of the name.
        (
            "Korea",
            '<a href="/-/country/PRK">North Korea</a> or <a href="/-/country/KOR">South Korea</a>',
        ),
        ("kazak", '<a href="/-/country/KAZ">Kazakhstan</a>'),
    ],
)
async def test_an_unknown_country_suggests_near_names(ds, asked, near):
    text = await page(ds, f"/-/country/{asked}", status=404)
    suggested = re.search(r'<p class="near">Did you mean (.*?)\?</p>', text)
    assert (suggested and suggested.group(1)) == near


async def test_countries_in_the_menu(ds):
    text = await page(ds, "/relations")
    assert '<a href="/-/countries">Countries</a>' in text


@pytest.mark.parametrize("code", ["XYZ", "Narnia", "K1Z", "<script>alert(1)</script>"])
async def test_unknown_country_is_a_friendly_404(ds, code):
    text = await page(ds, "/-/country/" + urllib.parse.quote(code, safe=""), status=404)
    assert "Unknown country" in text
    assert 'href="/-/countries"' in text
    assert "<script>alert" not in text
    assert html.escape(code) in text


@pytest.mark.parametrize(
    "name, code",
    [
        ("Kazakhstan", "KAZ"),
        ("kaz", "KAZ"),
        ("KZ", "KAZ"),
        ("Republic%20of%20Kazakhstan", "KAZ"),
        ("united states", "USA"),
        ("Soviet%20Union", "SUN"),
        # Renamed, not dissolved: the text's mentions of Burma are linked to Myanmar.
        ("Burma", "MMR"),
        ("BUR", "MMR"),
        # Other names the text's mentions are found by (country_aliases).
        ("USSR", "SUN"),
        ("UK", "GBR"),
        ("ivory%20coast", "CIV"),
    ],
)
async def test_a_country_named_another_way_redirects_to_its_code(ds, name, code):
    response = await ds.client.get(f"/-/country/{name}")
    assert (response.status_code, response.headers["location"]) == (302, f"/-/country/{code}")


@pytest.mark.parametrize("code", ["ßa", "ﬀa"])
async def test_a_code_that_upper_cases_to_another_is_not_redirected(ds, code):
    # "ßa".upper() is "SSA": a page that is not the one asked for.
    text = await page(ds, "/-/country/" + urllib.parse.quote(code), status=404)
    assert "Unknown country" in text


async def test_a_country_page_without_a_code_leads_to_the_list(ds):
    for path in ["/-/country", "/-/country/"]:
        response = await ds.client.get(path, follow_redirects=True)
        assert (response.status_code, response.url.path) == (200, "/-/countries")


@pytest.fixture
def hostile_db(seeds_db, tmp_path):
    """The seeds database plus a country, a paragraph and visits that carry markup."""
    path = tmp_path / "relations.db"
    shutil.copy(seeds_db, path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "insert into countries (code, name, official_name) values"
            " ('EVL', '<script>alert(\"name\")</script>', '<img src=x onerror=alert(1)>')"
        )
        conn.execute(
            "update paragraphs set text = text || ' <b onmouseover=alert(2)>bold</b>'"
            " where id = (select min(paragraph_id) from paragraph_countries"
            " where country_code = 'KAZ')"
        )
        paragraph = conn.execute("select min(id) from paragraphs").fetchone()[0]
        conn.execute("insert into paragraph_countries values (?, 'EVL', 1)", [paragraph])
        conn.executemany(
            "insert into visits (article_id, person, year, visitor_country, host_country)"
            " values (1, ?, 2000, 'EVL', 'MNG')",
            [("<i>Someone</i>",)] + [(f"Visitor {i}",) for i in range(120)],
        )
        conn.executemany(
            "insert into envoys (article_id, name, title, country_code) values (1, ?, ?, 'EVL')",
            [("<i>Envoy</i>", "<b>Ambassador</b>")] + [(f"Envoy {i}", None) for i in range(100)],
        )
        # Exactly as many visits as a part shows: nothing more to see.
        conn.execute("insert into countries (code, name) values ('EXA', 'Exactly')")
        conn.executemany(
            "insert into visits (article_id, person, year, visitor_country, host_country)"
            " values (1, ?, 2000, 'EXA', 'MNG')",
            [(f"Visitor {i}",) for i in range(100)],
        )
    conn.close()
    return path


def served(db_path, metadata, **settings):
    return Datasette(
        [str(db_path)],
        immutables=[],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
        settings=settings,
    )


@pytest.fixture
def hostile_ds(hostile_db, metadata):
    return served(hostile_db, metadata)


async def test_pages_escape_what_the_data_says(hostile_ds):
    text = await page(hostile_ds, "/-/country/EVL")
    assert '<script>alert("name")' not in text
    assert "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;" in text
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<i>Someone</i>" not in text and "&lt;i&gt;Someone&lt;/i&gt;" in text
    assert "<i>Envoy</i>" not in text and "&lt;i&gt;Envoy&lt;/i&gt;" in text
    assert "<b>Ambassador</b>" not in text and "&lt;b&gt;Ambassador&lt;/b&gt;" in text
    text = await page(hostile_ds, "/-/country/KAZ")
    assert "<b onmouseover" not in text and "&lt;b onmouseover=alert(2)&gt;" in text
    text = await page(hostile_ds, "/-/countries")
    assert '<script>alert("name")' not in text
    # The country cells of the table pages, and the facet labels.
    for path in ["/relations/visits", "/relations/paragraphs?_facet_country=1"]:
        text = await page(hostile_ds, path)
        assert '<script>alert("name")' not in text
        assert "&lt;script&gt;alert(" in text


async def test_long_lists_are_cut_with_a_link_to_the_rest(hostile_ds):
    text = await page(hostile_ds, "/-/country/EVL")
    visits = section(text, "visits")
    assert len(re.findall(r'href="/relations/visits/\d+"', visits)) == 100
    link = re.search(r'The first 100 of 121; <a href="([^"]+)">see them all</a>', visits)
    link = link.group(1)
    assert link == "/relations/country_visits?country=EVL"
    # The link lists every row the part lists the first of, in the same order.
    everything = await hostile_ds.client.get(link.replace("?", ".json?") + "&_shape=objects")
    persons = [row["person"] for row in everything.json()["rows"]]
    assert len(persons) == 121
    shown = re.findall(r"<td>(Visitor \d+|&lt;i&gt;Someone&lt;/i&gt;)</td>", visits)
    assert [html.unescape(person) for person in shown] == persons[:100]
    envoys = section(text, "envoys")
    assert 'The first 100; <a href="/relations/country_envoys?country=EVL">see them all' in envoys
    # A part with exactly as many rows as it shows has no more to see.
    visits = section(await page(hostile_ds, "/-/country/EXA"), "visits")
    assert len(re.findall(r'href="/relations/visits/\d+"', visits)) == 100
    assert "see them all" not in visits


async def test_see_all_pages_through_a_table_when_its_query_would_stop_short(hostile_db, metadata):
    # A canned query returns max_returned_rows at most: past that, the part's table, which
    # pages through every row linked to the country.
    ds = served(hostile_db, metadata, max_returned_rows=120)
    visits = section(await page(ds, "/-/country/EVL"), "visits")
    link = re.search(r'The first 100 of 121; <a href="([^"]+)">see them all</a>', visits)
    assert link.group(1) == "/relations/visits?_country=EVL"
    rows = await every_page(ds, "/relations/visits.json?_country=EVL&_shape=objects&_size=max")
    persons = [row["person"] for row in rows]
    assert sorted(persons) == sorted(["<i>Someone</i>"] + [f"Visitor {i}" for i in range(120)])
    query = (await ds.client.get("/relations/country_visits.json?country=EVL")).json()
    assert (len(query["rows"]), query["truncated"]) == (120, True)
    # Envoys have no country link to count them by: their query.
    envoys = section(await page(ds, "/-/country/EVL"), "envoys")
    assert 'The first 100; <a href="/relations/country_envoys?country=EVL">see them all' in envoys
    # Mongolia's 85 paragraphs in the seeds: more than shown, and than 60.
    ds = served(hostile_db, metadata, max_returned_rows=60)
    mentions = section(await page(ds, "/-/country/MNG"), "mentions")
    assert 'The first 50 of 85; <a href="/relations/paragraphs?_country=MNG">see' in mentions
    ds = served(hostile_db, metadata, max_returned_rows=85)
    mentions = section(await page(ds, "/-/country/MNG"), "mentions")
    assert 'The first 50 of 85; <a href="/relations/country_paragraphs?country=MNG">' in mentions


@pytest.mark.parametrize("order", ["desc", "asc"])
async def test_the_countries_page_gives_a_countrys_earliest_establishment(
    seeds_db, metadata, tmp_path, order
):
    metadata = copy.deepcopy(metadata)  # whatever order the query gives the dates in
    query = metadata["databases"]["relations"]["queries"]["relations_established"]
    assert "order by established desc" in query["sql"]
    query["sql"] = query["sql"].replace(
        "order by established desc", f"order by established {order}"
    )
    ds = changed_copy(
        seeds_db,
        metadata,
        tmp_path,
        "insert into articles (slug, title, kind, source, content_hash, partner_country,"
        " established, established_year) values ('second', 'Second', 'bilateral', 'x',"
        " 'h', 'KAZ', '2000-05', 2000)",
    )
    kazakhstan = re.search(
        r'<tr>\s*<td><a href="/-/country/KAZ".*?</tr>', await page(ds, "/-/countries"), re.DOTALL
    )[0]
    assert "<td>22 January 1992</td>" in kazakhstan and "May 2000" not in kazakhstan
    established = section(await page(ds, "/-/country/KAZ"), "established")
    assert "22 January 1992" in established and "May 2000" in established


async def test_a_part_past_the_time_limit_leaves_the_rest_of_the_page(seeds_db, metadata):
    metadata = copy.deepcopy(metadata)  # the fixture's lasts the session
    slow = COUNT_TO_10_8 + "select count(*) as events, :country as year from n"
    metadata["databases"]["relations"]["queries"]["slow_timeline"] = {"sql": slow}
    metadata["plugins"]["country-pages"]["queries"]["timeline"] = "slow_timeline"
    ds = Datasette(
        [str(seeds_db)],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
        settings={"sql_time_limit_ms": TIME_LIMIT_MS},
    )
    text = await page(ds, "/-/country/KAZ")
    assert (
        "took longer than the time limit to list here:"
        ' <a href="/relations/slow_timeline?country=KAZ">open its query</a>'
    ) in section(text, "timeline")
    assert "Relations established <strong>22 January 1992</strong>" in text
    assert section(text, "mentions").count('href="/relations/paragraphs/') > 5


async def test_a_template_dir_overrides_the_projects_templates(ds, seeds_db, metadata, tmp_path):
    (tmp_path / "country.html").write_text("Overridden: {{ name }}", encoding="utf-8")
    (tmp_path / "_facet_results.html").write_text("Own facets", encoding="utf-8")
    overridden = Datasette(
        [str(seeds_db)],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
        template_dir=str(tmp_path),
    )
    assert await page(overridden, "/-/country/KAZ") == "Overridden: Kazakhstan"
    assert "Own facets" in await page(overridden, "/relations/events?_country=KAZ")
    # What it does not override still comes from the project's templates/.
    assert "<h1>Countries</h1>" in await page(overridden, "/-/countries")
    # Without it, the project's own.
    assert "<h1>Kazakhstan <span" in await page(ds, "/-/country/KAZ")
    assert "Own facets" not in await page(ds, "/relations/events?_country=KAZ")


@pytest.mark.parametrize(
    "ending",
    [
        "\n-- earliest first",
        ";  ",
        ";\n-- a note; with a semicolon",
        "; /* a; b */\n",
        ";\n/* the latest\n   last */",
    ],
)
async def test_a_canned_query_may_end_in_a_comment_or_semicolon(seeds_db, metadata, ds, ending):
    metadata = copy.deepcopy(metadata)  # the fixture's lasts the session
    queries = metadata["databases"]["relations"]["queries"]
    for name in ["country_articles", "country_visits", "country_paragraphs"]:
        queries[name]["sql"] += ending
    commented = Datasette([str(seeds_db)], metadata=metadata, plugins_dir=str(ROOT / "plugins"))
    assert await page(commented, "/-/country/KAZ") == await page(ds, "/-/country/KAZ")


def test_only_a_real_terminator_is_taken_off():
    assert PAGES.without_terminator("select 1;\n-- x; y") == "select 1"
    assert PAGES.without_terminator("select ';' as s") == "select ';' as s"
    assert PAGES.without_terminator("select 1 -- a;") == "select 1 -- a;"
    assert PAGES.without_terminator("select 1; select 2") == "select 1; select 2"


async def test_a_missing_canned_query_stops_the_server_as_it_starts(seeds_db, metadata):
    metadata = copy.deepcopy(metadata)  # the fixture's lasts the session
    metadata["plugins"]["country-pages"]["queries"]["visits"] = "no_such_query"
    ds = Datasette([str(seeds_db)], metadata=metadata, plugins_dir=str(ROOT / "plugins"))
    message = "country-pages: queries: visits: no canned query 'no_such_query' in 'relations'"
    with pytest.raises(Exception, match=re.escape(message)) as raised:
        await ds.invoke_startup()
    assert raised.type.__name__ == "ConfigError"  # links.py's, of the plugin's own loading


async def test_a_database_built_before_the_queries_view_stops_the_server(
    seeds_db, metadata, tmp_path
):
    # As one built before country_names: the canned queries that read it cannot run.
    path = tmp_path / "relations.db"
    shutil.copy(seeds_db, path)
    with sqlite3.connect(path) as conn:
        conn.execute("drop view country_names")
    ds = Datasette([str(path)], metadata=metadata, plugins_dir=str(ROOT / "plugins"))
    message = (
        "country-pages: queries: code: 'country_code' cannot run on 'relations' (no such"
        " table: country_names): a database built by an earlier version? Build it again,"
        " or --append to it"
    )
    with pytest.raises(Exception, match=re.escape(message)):
        await ds.invoke_startup()


@pytest.mark.parametrize("immutable", [False, True])
async def test_a_country_table_without_the_configured_columns_stops_the_server(
    seeds_db, metadata, immutable
):
    metadata = copy.deepcopy(metadata)
    metadata["plugins"]["country-year"]["countries"] = {"table": "countries", "name": "nme"}
    ds = Datasette(
        [] if immutable else [str(seeds_db)],
        immutables=[str(seeds_db)] if immutable else [],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
    )
    with pytest.raises(Exception, match="country-year: countries: countries has no column nme"):
        await ds.invoke_startup()


async def test_another_databases_table_of_countries_is_its_own_business(
    seeds_db, metadata, tmp_path
):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table countries (iso text, label text)")
    ds = Datasette(
        [str(seeds_db), str(other)], metadata=metadata, plugins_dir=str(ROOT / "plugins")
    )
    await ds.invoke_startup()
    assert (await ds.client.get("/other/countries")).status_code == 200
    assert "Kazakhstan" in await page(ds, "/-/country/KAZ")


@pytest.mark.parametrize("immutable", [False, True])
async def test_a_mistake_in_a_tables_links_stops_the_server_as_it_starts(
    seeds_db, metadata, immutable
):
    metadata = copy.deepcopy(metadata)
    events = metadata["databases"]["relations"]["tables"]["events"]["plugins"]["country-year"]
    events["country"]["colunm"] = events["country"].pop("column")
    ds = Datasette(
        [] if immutable else [str(seeds_db)],
        immutables=[str(seeds_db)] if immutable else [],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
    )
    message = "country-year for events: unknown keys ['colunm']"
    with pytest.raises(Exception, match=re.escape(message)) as raised:
        await ds.invoke_startup()
    assert raised.type.__name__ == "ConfigError"


@pytest.mark.parametrize(
    "name, in_a_sentence",
    [
        ("Soviet Union", "the Soviet Union"),
        ("Netherlands Antilles", "the Netherlands Antilles"),
        ("Philippines", "the Philippines"),
        ("Kazakhstan", "Kazakhstan"),
        ("Heard Island and McDonald Islands", "Heard Island and McDonald Islands"),
    ],
)
def test_which_names_take_the(name, in_a_sentence):
    assert PAGES.in_a_sentence(name) == in_a_sentence


@pytest.mark.parametrize(
    "path, title",
    [
        ("/relations/events_per_year?country=KAZ", "Events per year for a country · relations"),
        ("/relations/search?q=treaty", "Search the text · relations"),
        ("/relations?sql=select+1", "relations: select 1"),  # Datasette's, for arbitrary SQL
    ],
)
async def test_a_canned_query_page_is_titled_by_its_title_not_its_sql(ds, path, title):
    text = await page(ds, path)
    assert re.search(r"<title>(.*?)</title>", text, re.DOTALL).group(1) == title


@pytest.mark.parametrize(
    "settings, query, cache_control",
    [
        ({}, "", "max-age=5"),
        ({"default_cache_ttl": 3600}, "", "max-age=3600"),
        ({"default_cache_ttl": 0}, "", "no-cache"),
        ({}, "?_ttl=60", "max-age=60"),
        ({}, "?_ttl=" + "9" * 18, "max-age=" + "9" * 18),  # as many digits as a ttl may have
        ({}, "?_ttl=0", "no-cache"),
        ({}, "?_ttl=", "max-age=5"),
    ],
)
async def test_country_pages_are_cached_like_datasettes_own_pages(
    seeds_db, metadata, settings, query, cache_control
):
    ds = Datasette(
        [str(seeds_db)], metadata=metadata, plugins_dir=str(ROOT / "plugins"), settings=settings
    )
    table = await ds.client.get(f"/relations/events{query}")
    assert table.headers["cache-control"] == cache_control
    for path in ("/-/countries", "/-/country/KAZ"):
        response = await ds.client.get(path + query)
        assert response.status_code == 200
        assert response.headers["cache-control"] == cache_control
    # What is not found is not kept.
    assert "cache-control" not in (await ds.client.get("/-/country/XXX")).headers


async def test_a_visit_with_one_side_unknown_is_listed_on_the_other_sides_page(metadata, tmp_path):
    # Outside a bilateral article nothing says who "Prime Minister X" visits for.
    document = (
        "= Mongolia and Central Asia =\n\n"
        "In October 2005, Prime Minister Tsakhiagiin Elbegdorj visited Kazakhstan.\n"
    )
    visits = await country_part({"central-asia.txt": document}, tmp_path, metadata, "visits")
    cells = re.findall(r"<td>(.*?)</td>", visits)
    assert cells == [
        '<a href="/relations/visits/1">October 2005</a>',
        "Tsakhiagiin Elbegdorj",
        "Prime Minister",
        '<span class="unknown">unknown</span>',
        '<a href="/-/country/KAZ">Kazakhstan</a>',
        "Kazakhstan",
    ]


@pytest.mark.parametrize(
    "value, readable",
    [("1992-01-05", "5 January 1992"), ("1992-01", "January 1992"), ("1992", "1992")],
)
def test_dates_read_as_a_person_writes_them(value, readable):
    assert PAGES.readable_date(value) == readable


@pytest.mark.parametrize(
    "start, end, readable",
    [
        ("2008-06", "2008-08", "June–August 2008"),
        ("2004-07-14", "2004-07-21", "14–21 July 2004"),
        ("2019-07-30", "2019-08-02", "30 July – 2 August 2019"),
        ("2019-12-30", "2020-01-02", "30 December 2019 – 2 January 2020"),
        ("2010-12", "2011-01", "December 2010 – January 2011"),
        ("1993-10", None, "October 1993"),
        ("1998", "1998", "1998"),
    ],
)
def test_periods_read_as_a_person_writes_them(start, end, readable):
    assert PAGES.readable_period(start, end) == readable


async def test_visits_on_a_country_page_give_their_dates_as_written(ds):
    visits = section(await page(ds, "/-/country/KAZ"), "visits")
    dates = re.findall(r'<tr><td><a href="/relations/visits/\d+">([^<]*)</a>', visits)
    # "summer of 2008", from the seed's "during his official visit to Mongolia".
    assert dates == ["October 1993", "1998", "June–August 2008", "October 2019", "October 2021"]


async def test_a_country_nothing_is_linked_to_says_so(ds):
    # Myanmar: the text names Burma (linked to MMR) nowhere in the seeds.
    text = await page(ds, "/-/country/MMR")
    assert "No rows are linked to Myanmar." in text
    assert "Rows linked to" not in text and "How rows are linked" not in text


async def test_a_country_page_says_what_each_link_and_count_is(ds):
    text = await page(ds, "/-/country/KAZ")
    # One and many, each with its own word.
    assert ">1 article</a>" in text and ">15 paragraphs</a>" in text
    mentions = section(text, "mentions")
    assert "Kazakhstan–Mongolia relations · 3 mentions" in mentions
    assert "› Ancient and medieval times · 1 mention" in mentions
    # An amount links to its paragraph, the timeline to its query with the chart open.
    assert '<a href="/relations/paragraphs/59">paragraph 59</a>' in section(text, "amounts")
    assert (
        'href="/relations/events_per_year?country=KAZ#g.mark=bar&amp;g.x_column=year'
        '&amp;g.x_type=temporal&amp;g.y_column=events&amp;g.y_type=quantitative">'
        "open the chart in its query"
    ) in text
    # Parts with fewer rows than shown have no "see them all".
    for part in ("envoys", "visits", "amounts"):
        assert "see them all" not in section(text, part)


async def test_a_country_page_says_how_its_rows_are_linked(ds):
    # 82 events but 25 paragraphs: the page says why.
    text = await page(ds, "/-/country/USA")
    assert (
        '<p class="how-linked">How rows are linked: a paragraph, and an amount in it, where the'
        " paragraph names the United States; an event where its sentence names the United States"
        " or comes from an article on relations with the United States (whose sentences often say"
        ' "the two countries"); a visit where the United States is one of its two sides.</p>'
    ) in section(text, "established")
    # Of a country no article is about, no article's events are said to be.
    soviet = section(await page(ds, "/-/country/SUN"), "established")
    assert "No article here is about relations between Mongolia and the Soviet Union" in soviet
    assert "an event where its sentence names the Soviet Union; a visit" in soviet


async def test_each_paragraph_on_a_country_page_gives_its_licence(ds, conn):
    mentions = section(await page(ds, "/-/country/USA"), "mentions")
    shown = re.findall(r'<span class="license">licence: ([^<]*)</span>', mentions)
    stored = conn.execute(
        "select articles.license from paragraph_countries join paragraphs on paragraphs.id ="
        " paragraph_countries.paragraph_id join articles on articles.id = paragraphs.article_id"
        " where country_code = 'USA' order by paragraphs.id"
    ).fetchall()
    assert shown == [html.escape(license) for (license,) in stored]
    assert "CC BY-SA 4.0" in shown and any(s.startswith("unknown") for s in shown)


async def test_envoys_link_to_the_article_that_names_them(ds):
    envoys = section(await page(ds, "/-/country/USA"), "envoys")
    assert envoys.count('href="/relations/articles/4">Mongolia–United States relations') == 2


async def test_an_official_name_is_shown_when_it_says_more_than_the_name(ds):
    assert '<p class="official-name">A state that no longer exists.</p>' in await page(
        ds, "/-/country/ANT"
    )
    assert 'class="official-name"' not in await page(ds, "/-/country/MNG")


async def test_the_countries_page_lists_names_in_order_with_their_dates(ds):
    text = await page(ds, "/-/countries")
    codes = list(dict.fromkeys(re.findall(r'href="/-/country/([A-Z]{3})"', text)))
    assert codes[:6] == ["AFG", "CAN", "CHN", "FRA", "DEU", "HKG"]  # by name: France, Germany

    def row(code):
        return re.search(rf'<tr>\s*<td><a href="/-/country/{code}".*?</tr>', text, re.DOTALL)[0]

    assert "<td>22 January 1992</td>" in row("KAZ")
    assert '<td><span class="home">the home country</span></td>' in row("MNG")
    assert '<td class="empty"></td>' in row("AFG")


async def test_country_pages_send_no_cache_headers_when_datasette_sends_none(seeds_db, metadata):
    ds = Datasette(
        [str(seeds_db)],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
        cache_headers=False,  # as datasette serve --reload
    )
    for path in ("/-/country/KAZ", "/-/countries", "/relations/events"):
        response = await ds.client.get(path)
        assert response.status_code == 200
        assert "cache-control" not in response.headers


async def test_amounts_show_the_period_they_are_dated_to(metadata, tmp_path):
    document = (
        "= Kazakhstan–Mongolia relations =\n\n"
        "In the 19th century, caravans carried $2 million of tea to Kazakhstan.\n\n"
        "In the 1990s, trade with Kazakhstan reached $10 million a year.\n\n"
        "In 1995, trade with Kazakhstan reached $20 million.\n\n"
        "In 1996, Kazakhstan charged a fee of $12.5 per visa.\n"
    )
    amounts = await country_part({"kazakhstan.txt": document}, tmp_path, metadata, "amounts")
    rows = re.findall(
        r'<tr><td>([^<]*)</td><td><a [^>]*>([^<]*)</a></td><td class="number">([^<]*)</td>',
        amounts,
    )
    # Values as the amounts table shows them (plugins/money_cells.py).
    assert rows == [
        ("19th century", "$2 million", "2,000,000 USD"),
        ("1990s", "$10 million", "10,000,000 USD"),
        ("1995", "$20 million", "20,000,000 USD"),
        ("1996", "$12.5", "12.50 USD"),
    ]
    assert "part of a total" not in amounts  # nor the advice about them


@pytest.mark.parametrize(
    "year, precision, readable",
    [
        (1995, "day", "1995"),
        (1990, "decade", "1990s"),
        (1800, "century", "19th century"),
        (2000, "century", "21st century"),
        (1100, "century", "12th century"),
        (None, None, ""),
    ],
)
def test_years_read_as_the_period_they_stand_for(year, precision, readable):
    assert PAGES.links.readable_year(year, precision) == readable


async def test_amounts_that_are_parts_of_a_total_are_marked(metadata, tmp_path):
    document = (
        "= Kazakhstan–Mongolia relations =\n\n"
        "In 2022, trade with Kazakhstan was $175 million, with exports of $149 million"
        " and imports of $26 million.\n"
    )
    amounts = await country_part({"kazakhstan.txt": document}, tmp_path, metadata, "amounts")
    rows = re.findall(
        r"<tr><td>[^<]*</td><td><a [^>]*>([^<]*)</a>([^<]*(?:<span[^>]*>[^<]*)?)", amounts
    )
    assert rows == [
        ("$175 million", ""),
        ("$149 million", ' <span class="part-of-total">(part of a total in its sentence)'),
        ("$26 million", ' <span class="part-of-total">(part of a total in its sentence)'),
    ]
    assert "Leave those marked as part of a total out of sums" in amounts


async def test_country_pages_show_what_a_database_of_ones_own_holds_as_it_is(
    seeds_db, metadata, tmp_path
):
    """A database served with make serve SERVE_DB= may hold text where a number or a date
    goes (SQLite lets it): the pages show it as it is instead of failing."""
    ds = changed_copy(
        seeds_db,
        metadata,
        tmp_path,
        "update amounts set value = 'n/a' where id = 1",
        "update articles set established = '99999999999999999999-01' where partner_country = 'USA'",
    )
    china, united_states = await page(ds, "/-/country/CHN"), await page(ds, "/-/country/USA")
    assert '<td class="number">n/a USD</td>' in section(china, "amounts")
    assert "Relations established <strong>99999999999999999999-01</strong>" in united_states
    assert "<td>99999999999999999999-01</td>" in await page(ds, "/-/countries")


async def test_the_pages_show_no_part_datasette_would_not_show_the_actor(seeds_db, metadata):
    """A canned query or a table that `allow` keeps from an actor: its page is a 403, and
    the country pages leave out its part and its counts; the actor it allows sees them."""
    restricted = copy.deepcopy(metadata)
    relations = restricted["databases"]["relations"]
    only_root = {"id": "root"}
    for name in ("country_visits", "country_envoys", "events_per_year", "relations_established"):
        relations["queries"][name]["allow"] = only_root
    for table in ("visits", "paragraphs", "events"):
        relations["tables"][table]["allow"] = only_root
    ds = Datasette([str(seeds_db)], metadata=restricted, plugins_dir=str(ROOT / "plugins"))
    root = {"ds_actor": ds.sign({"a": only_root}, "actor")}

    for path in ("/relations/country_visits?country=USA", "/relations/visits"):
        assert (await ds.client.get(path)).status_code == 403
        assert (await ds.client.get(path, cookies=root)).status_code == 200
    anyone = await page(ds, "/-/country/USA")
    for hidden in ("visits", "timeline"):
        assert f'<section class="part {hidden}">' not in anyone
    envoys = section(anyone, "envoys")
    assert "envoy-table" not in envoys and "mission-table" in envoys  # the missions stay
    assert set(shown_counts(anyone, "USA")) == set(LINKED_TABLES) - {
        "visits",
        "paragraphs",
        "events",
    }
    # The rows of the tables that stay open are linked; the others are text.
    hrefs = set(re.findall(r'href="/relations/(\w+)[/?]', anyone))
    assert hrefs >= {"amounts", "articles", "missions"}
    assert not hrefs & {"visits", "paragraphs", "events"}
    assert '<div class="source">Paragraph 38 · ' in section(anyone, "mentions")
    countries = await page(ds, "/-/countries")
    assert "visits" not in {
        table for by_table in countries_counts(countries).values() for table in by_table
    }
    assert "27 January 1987" not in countries

    response = await ds.client.get("/-/country/USA", cookies=root)
    assert "envoy-table" in section(response.text, "envoys")
    assert "visit-table" in section(response.text, "visits")
    assert '<section class="part timeline">' in response.text
    assert set(shown_counts(response.text, "USA")) == set(LINKED_TABLES)
    assert set(re.findall(r'href="/relations/(\w+)[/?]', response.text)) >= {
        "visits", "paragraphs", "events", "amounts", "articles", "envoys", "missions"
    }  # fmt: skip
    assert "27 January 1987" in (await ds.client.get("/-/countries", cookies=root)).text
