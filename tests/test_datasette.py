import csv
import html
import io
import itertools
import re
import sqlite3
import urllib.parse

import pytest
import sqlite_utils
from datasette.app import Datasette
from datasette.utils import derive_named_parameters

from ingest.extract import EVENT_TYPES
from ingest.load import YEAR_PRECISIONS

from .conftest import LINKED_TABLES, ROOT, datasette_of, every_page

TABLES = [
    "articles",
    "sections",
    "paragraphs",
    "list_items",
    "tables",
    "table_rows",
    "infobox",
    "countries",
    "paragraph_countries",
    "events",
    "event_countries",
    "visits",
    "amounts",
    "envoys",
    "missions",
]


async def search(ds, q, **params):
    response = await ds.client.get(
        "/relations/paragraphs.json",
        params={"_search": q, "_shape": "array", "_col": "text", **params},
    )
    assert response.status_code == 200, response.text
    return [row["text"] for row in response.json()]


async def test_search_stems_plurals(ds):
    texts = await search(ds, "treaties")
    assert texts and all("treat" in t.lower() for t in texts)
    assert any("treaty" in t and "treaties" not in t for t in texts)


async def test_search_folds_diacritics(ds):
    texts = await search(ds, "Khurelsukh")
    assert len(texts) == 1
    assert "Ukhnaagiin Khürelsükh visited Nur-Sultan" in texts[0]


async def test_raw_phrase_query(ds):
    phrase = await search(ds, '"third neighbor"', _searchmode="raw")
    assert len(phrase) == 1
    assert "key third neighbor to Mongolia" in phrase[0]
    # Without the quotes the words need not be adjacent.
    assert len(await search(ds, "third neighbor", _searchmode="raw")) >= len(phrase)


async def test_raw_prefix_query(ds):
    texts = await search(ds, "Kazakh*", _searchmode="raw")
    assert texts and all("kazakh" in t.lower() for t in texts)
    assert len(texts) > len(await search(ds, "Kazakhs"))


async def test_escaped_mode_treats_fts_syntax_as_words(ds):
    texts = await search(ds, 'treaty" OR (')
    assert texts == await search(ds, "treaty or")
    assert texts and all("treaty" in t.lower() for t in texts)


async def test_csv_export_matches_json(ds):
    json_rows = (await ds.client.get("/relations/paragraphs.json?_shape=array&_size=max")).json()
    response = await ds.client.get("/relations/paragraphs.csv?_size=max")
    assert response.status_code == 200
    assert (
        response.headers["content-type"].startswith("text/plain")
        or "csv" in response.headers["content-type"]
    )
    records = list(csv.DictReader(io.StringIO(response.text)))
    assert len(records) == len(json_rows) == 89
    assert [int(r["id"]) for r in records] == [r["id"] for r in json_rows]
    assert records[0]["text"] == json_rows[0]["text"]


@pytest.mark.parametrize("table", TABLES)
async def test_every_table_exports_json_and_csv(ds, seeds_db, table):
    """Every row, in both formats: the same primary keys as the table holds."""
    db = sqlite_utils.Database(seeds_db)
    keys = db[table].pks
    stored = [
        tuple(map(str, row)) for row in db.execute(f"select {', '.join(keys)} from [{table}]")
    ]
    as_json = (await ds.client.get(f"/relations/{table}.json?_shape=array&_size=max")).json()
    as_csv = (await ds.client.get(f"/relations/{table}.csv?_size=max")).text
    for rows in (as_json, list(csv.DictReader(io.StringIO(as_csv)))):
        assert sorted(tuple(str(row[key]) for key in keys) for row in rows) == sorted(stored)


async def test_the_home_page_searches_the_text(ds):
    home = (await ds.client.get("/")).text
    form = re.search(
        r'<form class="home-search" action="([^"]+)" method="get">(.*?)</form>', home, re.DOTALL
    )
    assert form and '<input type="search" id="home-search" name="q"' in form.group(2)
    # Submitted, it asks the canned search.
    results = await ds.client.get(f"/{form.group(1)}.json", params={"q": "treaty"})
    assert form.group(1) == "relations/search" and results.json()["rows"]


async def test_canned_search_ranks_and_highlights(ds, conn):
    response = await ds.client.get(
        "/relations/search.json", params={"q": "treaty", "_shape": "array"}
    )
    assert response.status_code == 200, response.text
    results = response.json()
    assert len(results) == 6
    assert set(results[0]) == {"paragraph_id", "article", "section", "snippet", "license", "rank"}
    ranks = [r["rank"] for r in results]
    assert ranks == sorted(ranks)
    assert all("<mark>" in r["snippet"] for r in results)
    assert {r["article"] for r in results} >= {"China–Mongolia relations"}
    # Each with its article's licence: not every text is Wikipedia's.
    assert {(r["article"], r["license"]) for r in results} == set(
        conn.execute(
            "select title, license from articles where id in (select article_id from"
            " paragraphs where id in (select rowid from paragraphs_fts where paragraphs_fts match 'treaty'))"
        ).fetchall()
    )
    assert any(r["license"].startswith("unknown") for r in results)


async def canned_search(ds, q):
    response = await ds.client.get("/relations/search.json", params={"q": q, "_shape": "array"})
    assert response.status_code == 200, response.text
    return sorted(row["paragraph_id"] for row in response.json())


async def table_search(ds, q, mode):
    response = await ds.client.get(
        "/relations/paragraphs.json",
        params={"_search": q, "_searchmode": mode, "_shape": "array", "_col": "id"},
    )
    assert response.status_code == 200, response.text
    return sorted(row["id"] for row in response.json())


@pytest.mark.parametrize(
    "q",
    [
        "treat*", '"third neighbor"', "trade NOT coal", "(treaty OR agreement) AND China",
        "NEAR(treaty China, 5)", "^China", "text:treaty",
    ],
)  # fmt: skip
async def test_canned_search_keeps_fts5_syntax(ds, q):
    expected = await table_search(ds, q, "raw")
    assert expected and await canned_search(ds, q) == expected


@pytest.mark.parametrize(
    "q",
    [
        "China-Mongolia", "Mongolia's", "U.S.", "China AND NOT the", ")treaty(",
        "(treaty OR", "treaty AND AND china", "treaty AND",
    ],
)  # fmt: skip
async def test_canned_search_reads_other_text_as_words_as_table_search_does(ds, q):
    # FTS5 alone: a syntax error, or "no such column". Datasette's ?_search= quotes each
    # word (escape_fts), and so does the canned search.
    expected = await table_search(ds, q, "escaped")
    assert expected and await canned_search(ds, q) == expected


@pytest.mark.parametrize("q", ["China-Mongolia", "Mongolia's", "U.S."])
async def test_punctuated_words_are_found(ds, q):
    assert await canned_search(ds, q)


async def test_canned_search_without_words_is_an_empty_form(ds):
    assert await canned_search(ds, "") == []
    assert await canned_search(ds, "  ") == []
    response = await ds.client.get("/relations/search")
    assert response.status_code == 200
    assert 'name="q"' in response.text


@pytest.mark.parametrize("q", ["", " ", '"', '""'])
async def test_table_search_without_words_finds_nothing_instead_of_failing(ds, q):
    # Datasette 0.65 hands FTS5 an empty query here: an error page (HTTP 400).
    assert await table_search(ds, q, "escaped") == []
    page = await ds.client.get("/relations/paragraphs", params={"_search": q})
    assert page.status_code == 200
    assert "0 rows where search matches" in page.text


async def test_canned_search_html_shows_marks_and_escapes_text(metadata, tmp_path):
    document = "= Markup =\n\nThe Kalgan <img src=x onerror=alert(1)> treaty & its <b>terms</b>.\n"
    ds = datasette_of({"markup.txt": document}, tmp_path, metadata)
    response = await ds.client.get("/relations/search", params={"q": "Kalgan"})
    assert response.status_code == 200
    cells = re.findall(r'<td class="col-snippet[^"]*">(.*?)</td>', response.text, re.DOTALL)
    escaped = "&lt;img src=x onerror=alert(1)&gt; treaty &amp; its &lt;b&gt;terms&lt;/b&gt;."
    assert [cell.strip() for cell in cells] == [f"The <mark>Kalgan</mark> {escaped}"]


async def test_canned_outline_is_the_section_tree(ds):
    response = await ds.client.get(
        "/relations/outline.json",
        params={"article": "mongolia-united-states-relations", "_shape": "array"},
    )
    outline = [(r["level"], r["path"], r["paragraphs"]) for r in response.json()]
    assert outline == [
        (2, "History", 0),
        (3, "History › Early relations", 4),
        (3, "History › Modern era", 11),
        (3, "History › High level visits", 0),
        (2, "Development assistance", 4),
        (2, "Defense", 2),
        (2, "Migration", 2),
        (2, "Economic interests", 2),
        (2, "Diplomatic missions", 2),
        (2, "See also", 0),
    ]


async def test_metadata_documents_every_table_and_column(ds, metadata):
    db = ds.get_database("relations")
    documented = metadata["databases"]["relations"]["tables"]
    for table in await db.table_names():
        if table.startswith(("paragraphs_fts_", "sqlite_")):  # FTS5's and SQLite's own
            continue
        assert documented[table]["description"], table
        columns = set(await db.table_columns(table))
        described = set(documented[table]["columns"])
        assert (columns - described, described - columns) == (set(), set()), (
            f"{table}: columns without a description in metadata.yml, descriptions of no column"
        )


# A value for each parameter the canned queries take, that gives rows on the seeds.
QUERY_EXAMPLES = {"country": "USA", "q": "treaty", "article": "mongolia-united-states-relations"}


async def test_every_canned_query_gives_rows_for_its_own_parameters(ds, metadata):
    db = ds.get_database("relations")
    for name, query in metadata["databases"]["relations"]["queries"].items():
        parameters = await derive_named_parameters(db, query["sql"])
        missing = set(parameters) - set(QUERY_EXAMPLES)
        assert not missing, f"{name}: give QUERY_EXAMPLES a value of {', '.join(missing)}"
        arguments = urllib.parse.urlencode({p: QUERY_EXAMPLES[p] for p in parameters})
        response = await ds.client.get(f"/relations/{name}.json?{arguments}")
        assert response.status_code == 200, (name, response.text)
        assert response.json()["rows"], f"{name}?{arguments} gives no rows"


def test_the_event_type_description_names_every_type_in_order(metadata):
    described = metadata["databases"]["relations"]["tables"]["events"]["columns"]["event_type"]
    assert described.startswith(", ".join(EVENT_TYPES) + " or other: ")


async def test_a_country_is_given_by_its_code_or_its_name_in_any_case(ds, metadata):
    db = ds.get_database("relations")
    taking_a_country = [
        name
        for name, query in metadata["databases"]["relations"]["queries"].items()
        if "country" in await derive_named_parameters(db, query["sql"])
    ]
    pages = metadata["plugins"]["country-pages"]["queries"]
    assert {query for part, query in pages.items() if part != "established"} <= set(
        taking_a_country
    )
    for name in taking_a_country:
        rows = {}
        for country in (
            "USA",
            "usa",
            "US",
            " United States ",
            "united states",
            "United States of America",
            "America",  # a name the text's mentions are found by (country_aliases)
        ):
            response = await ds.client.get(f"/relations/{name}.json", params={"country": country})
            rows[country] = response.json()["rows"]
        assert rows["USA"], name
        assert all(found == rows["USA"] for found in rows.values()), name


async def test_a_country_name_may_come_with_a_phones_apostrophe(ds):
    for name in ("People’s Republic of China", "People's Republic of China", "CHN"):
        response = await ds.client.get("/relations/country_articles.json", params={"country": name})
        assert [row[1] for row in response.json()["rows"]] == ["China–Mongolia relations"], name


async def test_every_canned_query_shows_its_rows_before_its_sql(ds, metadata):
    """On a phone the SQL alone fills the screen: hidden, with a link that shows it."""
    arguments = urllib.parse.urlencode(QUERY_EXAMPLES)
    for name in metadata["databases"]["relations"]["queries"]:
        html = (await ds.client.get(f"/relations/{name}?{arguments}")).text
        assert 'id="sql-query"' not in html, name
        assert re.search(r'class="show-hide-sql">\(<a href="[^"]*_show_sql=1[^"]*">show', html), (
            name
        )


async def test_every_page_of_the_text_credits_its_licence_and_source(ds, metadata):
    """Wikipedia's text is CC BY-SA: every page that shows it says so in its footer, the
    canned queries' and the country pages' too, not only the tables'."""
    queries = metadata["databases"]["relations"]["queries"]
    arguments = urllib.parse.urlencode(QUERY_EXAMPLES)
    paths = [f"/relations/{name}?{arguments}" for name in queries]
    paths += ["/relations/paragraphs", "/-/country/KAZ", "/-/countries"]
    for path in paths:
        html = (await ds.client.get(path)).text
        footer = html[html.index('<footer class="ft">') : html.index("</footer>")]
        assert 'href="https://creativecommons.org/licenses/by-sa/4.0/"' in footer, path
        assert "Data source: Wikipedia articles and one essay" in footer, path


def test_year_counts_keep_the_events_the_year_links_keep(metadata):
    """What counts for a year or a decade is metadata's `precision` of each table's year
    link (plugins/links.py); the per-year counts of the build and the two chart queries
    spell the same lists out, and must agree with it, or their charts and the facets
    would count differently."""
    tables = metadata["databases"]["relations"]["tables"]
    queries = metadata["databases"]["relations"]["queries"]

    def kept(table, scale):
        precisions = tables[table]["plugins"]["country-year"]["year"]["precision"][scale]
        return "(" + ", ".join(f"'{precision}'" for precision in precisions) + ")"

    assert kept("events", "year") == str(YEAR_PRECISIONS)
    assert f"amounts.precision in {kept('amounts', 'year')}" in queries["trade_by_partner"]["sql"]
    assert f"precision in {kept('visits', 'decade')}" in queries["visits_by_decade"]["sql"]


@pytest.mark.parametrize("path", ["/relations/nope", "/relations/events?_country=K", "/nope"])
async def test_an_error_page_links_home(seeds_db, metadata, path):
    ds = Datasette(
        [str(seeds_db)],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
        settings={"base_url": "/mongolia/"},
    )
    response = await ds.client.get(path)
    assert response.status_code in (400, 404)
    assert '<p class="crumbs"><a href="/mongolia/">home</a></p>' in response.text


async def test_search_page_shows_its_form_and_results_not_its_sql(ds):
    html = (await ds.client.get("/relations/search?q=treaty")).text
    assert 'id="sql-query"' not in html and "_show_sql=1" in html
    assert 'name="q"' in html and "<mark>treaty</mark>" in html.lower()
    shown = (await ds.client.get("/relations/search?q=treaty&_show_sql=1")).text
    assert 'id="sql-query"' in shown


def form_text(html):
    """The words of a query page's form, its button's label last."""
    form = re.search(r'<form class="sql".*?</form>', html, re.DOTALL).group(0)
    button = re.search(r'<input type="submit" value="([^"]*)"', form).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", form).split() + [button])


async def test_a_canned_query_form_speaks_of_rows_and_its_own_button(ds):
    # Datasette's "Custom SQL query returning 6 rows" and "Run SQL", for a search.
    search = await ds.client.get("/relations/search?q=treaty")
    assert form_text(search.text) == "6 rows ( show the SQL ) q Edit SQL Search"
    per_year = await ds.client.get("/relations/events_per_year?country=KAZ&_hide_sql=1")
    assert form_text(per_year.text) == "17 rows ( show the SQL ) country Edit SQL Run query"
    # SQL of one's own keeps Datasette's form.
    custom = await ds.client.get("/relations?sql=select+1")
    assert (
        form_text(custom.text)
        == "Custom SQL query returning 1 row ( hide ) select 1 Format SQL Run SQL"
    )


@pytest.mark.parametrize("base_url", ["/", "/mongolia/"])
async def test_description_links_are_relative_and_lead_to_pages(seeds_db, metadata, base_url):
    """metadata.yml's descriptions link relatively, so that they work under a base_url
    and on datasette-hashed-urls' routes without a redirect."""
    ds = Datasette(
        [str(seeds_db)],
        metadata=metadata,
        plugins_dir=str(ROOT / "plugins"),
        settings={"base_url": base_url},
    )
    database = metadata["databases"]["relations"]
    described = {
        f"relations/{name}": query["description_html"]
        for name, query in database["queries"].items()
        if "href=" in query.get("description_html", "")
    }
    assert len(described) >= 3
    # The index page's and the database page's, which lead to the country pages.
    described |= {"": metadata["description_html"], "relations": database["description_html"]}
    for path, description in described.items():
        for href in re.findall(r'href="([^"]+)"', description):
            assert not href.startswith("/"), href
            page_url = f"http://localhost{base_url}{path}"
            target = urllib.parse.urljoin(page_url, html.unescape(href)).split("#")[0]
            assert target.startswith(f"http://localhost{base_url}")
            # Datasette's test client takes paths without the base_url.
            inner = target.removeprefix(f"http://localhost{base_url}")
            response = await ds.client.get("/" + inner)
            assert response.status_code == 200, (href, target)


# Ties of one year dated more and less closely, in the order of neither: a visits table,
# amounts and one paragraph of several events.
TIED_YEARS = """= Kazakhstan–Mongolia relations =

In 1992 trade reached $10 million. In March 1992 Japan gave $2 million. In 1992 aid was $3 million.
In May 1992 Kazakhstan lent $4 million, in 1992 Russia gave $5 million and in the 1990s $6 million.

The two signed a treaty in 1993, met in April 1993, and in 1993 and in June 1993 agreed again.

=== High level visits ===
| Date | Person | Office | Location |
| 1994 | Nursultan Nazarbayev | President of Kazakhstan | Ulaanbaatar |
| March 1994 | Punsalmaagiin Ochirbat | President of Mongolia | Almaty |
| 1994 | Akezhan Kazhegeldin | Prime Minister of Kazakhstan | Ulaanbaatar |
| May 12, 1994 | Puntsagiin Jasrai | Prime Minister of Mongolia | Almaty |
| 1994 | Kassym-Jomart Tokayev | Minister of Foreign Affairs | Ulaanbaatar |
| 1990s | Tserenpiliin Gombosüren | Minister of Foreign Affairs | Almaty |
| 1994 | Nursultan Nazarbayev | President of Kazakhstan | Ulaanbaatar |
"""


@pytest.fixture(scope="module")
def tied(tmp_path_factory, metadata):
    folder = tmp_path_factory.mktemp("tied")
    return datasette_of({"tied.txt": TIED_YEARS}, folder, metadata), folder / "relations.db"


# Datasette 0.65 orders a table's first page by the sort column alone, and the next pages
# by it and the id: rows that tie must come in id order on the first page too, or a page
# repeats some and skips others. (table, querystring, the order of the next pages.)
SORTED_PAGES = [
    ("events", "_sort=year", "year, id"),
    ("events", "_sort=paragraph_id", "paragraph_id, id"),
    ("visits", "_sort=year", "year, id"),
    ("visits", "_sort_desc=year", "year desc, id"),
    ("amounts", "_sort=year", "year, id"),
    ("amounts", "_sort_desc=year", "year desc, id"),
]


@pytest.mark.parametrize("table,sort,order_by", SORTED_PAGES)
async def test_sorted_pages_give_every_row_once_in_order(tied, table, sort, order_by):
    ds, db_path = tied
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        rows = conn.execute(f"select id, year, precision from {table} order by {order_by}")
        expected = rows.fetchall()
    # The ties this test is about: one year dated to the day or month, and to the year.
    years = [(year, precision) for _, year, precision in expected]
    assert any(years.count((year, "year")) and years.count((year, "month")) for year, _ in years)
    rows = await every_page(ds, f"/relations/{table}.json?{sort}&_size=2&_shape=objects")
    assert [(row["id"], row["year"], row["precision"]) for row in rows] == expected


# The plugins' filters, with those that SQLite could answer from an index on the table's
# own columns (an event's year, a visit's visitor or host country): their ties too must
# come in id order (see SORTED_PAGES).
LINK_FILTERS = ["_country=USA", "_decade=2000", "_year_from=1990&_year_to=2010", "_year=1992"]


@pytest.mark.parametrize("table", LINKED_TABLES)
async def test_filtered_sorted_pages_give_ties_in_id_order(ds, seeds_db, table):
    read_only = sqlite3.connect(f"file:{seeds_db}?mode=ro", uri=True)
    columns = sqlite_utils.Database(read_only)[table].columns_dict
    for link_filter, column in itertools.product(LINK_FILTERS, columns):
        url = f"/relations/{table}.json?{link_filter}&_sort={column}&_size=max&_shape=objects"
        rows = [(row[column], row["id"]) for row in (await ds.client.get(url)).json()["rows"]]
        in_order = sorted(rows, key=lambda row: (row[0] is not None, row[0], row[1]))
        assert rows == in_order, (link_filter, column)


@pytest.mark.parametrize(
    "url",
    [
        "/relations/events.json?_decade=2000&_sort=precision",
        "/relations/events.json?_year_from=1990&_sort=end_date",
        "/relations/visits.json?_country=USA&_sort_desc=year",
        "/relations/visits.json?_country=MNG&_sort=office",
    ],
)
async def test_filtered_sorted_pages_give_every_row_once(ds, url):
    every_row = (await ds.client.get(f"{url}&_size=max&_shape=objects")).json()["rows"]
    paged = await every_page(ds, f"{url}&_size=3&_shape=objects")
    assert len(every_row) > 6
    assert [row["id"] for row in paged] == [row["id"] for row in every_row]


@pytest.mark.parametrize("table", TABLES)
async def test_first_sorted_page_gives_ties_in_primary_key_order(ds, seeds_db, table):
    """What the next pages assume of the first (see SORTED_PAGES), for every column of every
    table of the seeds, sorted ascending: all rows on one page, checked against SQL."""
    db = sqlite_utils.Database(sqlite3.connect(f"file:{seeds_db}?mode=ro", uri=True))
    pks = db[table].pks
    keys = ", ".join(f"[{pk}]" for pk in pks)
    for column in db[table].columns_dict:
        sql = f"select {keys} from [{table}] order by [{column}], {keys} limit 1000"
        expected = [list(row) for row in db.execute(sql)]
        page = await ds.client.get(
            f"/relations/{table}.json",
            params={"_sort": column, "_size": "max", "_shape": "objects"},
        )
        assert [[row[pk] for pk in pks] for row in page.json()["rows"]] == expected, column
