"""The country page and the charts, drawn by datasette-vega in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot

pytestmark = pytest.mark.browser  # -m 'not browser' leaves these out

CHART = "#g.mark=bar&g.x_column=year&g.x_type=temporal&g.y_column=events&g.y_type=quantitative"


def chart_drawn(page):
    page.wait_for_selector("canvas.marks, svg.marks", timeout=15_000)
    return page.locator("canvas.marks, svg.marks").first.bounding_box()


def test_country_page_draws_the_timeline(server, page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server}/-/country/KAZ")
    assert page.locator("h1").inner_text().startswith("Kazakhstan")
    assert "22 January 1992" in page.locator("section.established").inner_text()
    box = chart_drawn(page)
    assert box["width"] > 100 and box["height"] > 100
    assert "g.x_column=year" in page.url
    # A reading page: the charting options are on the query page the section links to.
    assert page.locator("#graphForm").count() == 1
    assert not page.locator("#graphForm").is_visible()
    assert page.locator("section.mentions li").count() > 0
    assert not page.locator(".scroll-hint").is_visible()  # its years fit
    screenshot(page, "country-page")
    assert not errors


def test_a_timeline_of_one_year_shows_its_table_and_no_charting_button(server, page):
    page.goto(f"{server}/-/country/FRA")
    expect(page.locator("table.timeline-table")).to_be_visible()
    page.wait_for_selector(".datasette-vega-inactive", state="attached", timeout=15_000)
    assert not page.get_by_role("button", name="Show charting options").is_visible()


def test_country_links_lead_to_the_country_page(server, page):
    page.goto(f"{server}/-/countries")
    screenshot(page, "countries")
    page.get_by_role("link", name="Kazakhstan", exact=True).first.click()
    page.wait_for_url(re.compile(r"/-/country/KAZ"))
    chart_drawn(page)


def test_charting_options_on_a_table_page(server, page):
    page.goto(f"{server}/relations/events?_country=KAZ")
    page.get_by_text("Show charting options").click()
    # X and Y columns and their types, colour and size: expect() waits for the form.
    selects = page.locator(".datasette-vega select")
    expect(selects).to_have_count(6)
    assert "year" in selects.first.locator("option").all_inner_texts()


def test_canned_query_chart_from_its_fragment(server, page):
    page.goto(f"{server}/relations/events_per_year?country=KAZ{CHART}")
    chart_drawn(page)
    screenshot(page, "events-per-year-chart")


@pytest.mark.parametrize(
    "query", ["events_per_year?country=KAZ", "trade_by_partner", "visits_by_decade"]
)
def test_a_chart_link_draws_its_chart_from_its_own_query_page(server, page, query):
    """The link in a query's description leads to a new page (only the fragment
    changing would leave datasette-vega's chart closed)."""
    page.goto(f"{server}/relations/{query}")
    page.get_by_role("link", name=re.compile(r"^Chart it")).click()
    box = chart_drawn(page)
    assert box["width"] > 100 and box["height"] > 100


def card_label(page, selector):
    """The label a phone shows above a cell: the content of its ::before."""
    return page.locator(selector).first.evaluate(
        "cell => getComputedStyle(cell, '::before').content"
    )


def test_on_a_phone_the_country_tables_label_each_cell(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{server}/-/country/KAZ")
        labels = [card_label(page, f".visit-table td:nth-of-type({n})") for n in range(1, 7)]
        assert labels == ['"When"', '"Who"', '"Office"', '"From"', '"To"', '"Where"']
        # The timeline stays a table: each year above its count.
        year, count = page.locator(".timeline-table tr").all()[:2]
        assert (
            year.locator("td").first.bounding_box()["x"]
            == (count.locator("td").first.bounding_box()["x"])
        )
        screenshot(page, "country-page-phone")
        # The years run past a phone's screen (not a desktop's): the page says they go on.
        assert page.evaluate(
            "(e => e.scrollWidth > e.clientWidth)(document.querySelector('.timeline-data'))"
        )
        expect(page.locator(".scroll-hint")).to_be_visible()
        page.goto(f"{server}/-/countries")
        assert card_label(page, ".countries-table td:nth-of-type(3)") == '"Relations established"'
        assert card_label(page, ".countries-table td:nth-of-type(4)") == '"articles"'
        # Afghanistan has no article and no date: those cells are left out of its card.
        afghanistan = page.locator(".countries-table tr", has_text="Afghanistan")
        assert not afghanistan.locator("td:nth-of-type(3)").is_visible()
        assert not afghanistan.locator("td:nth-of-type(4)").is_visible()
        assert afghanistan.locator("td:nth-of-type(6)").inner_text().strip() != ""  # events
        screenshot(page, "countries-phone")
    finally:
        context.close()
