"""Faceting by country and decade on the events table, clicked in Chromium."""

import re

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.browser  # -m 'not browser' leaves these out


def row_count(page):
    """The N of the "N rows where ..." heading."""
    heading = page.locator("h3").filter(has_text=re.compile(r"^\s*[\d,]+ rows?")).first
    return int(re.match(r"\s*([\d,]+)", heading.inner_text()).group(1).replace(",", ""))


def test_click_a_country_then_a_decade(server, page):
    page.goto(f"{server}/relations/events")
    everything = row_count(page)
    countries = page.locator("#facet-country")
    assert countries.locator("strong").first.inner_text().startswith("country")

    countries.get_by_role("link", name="Kazakhstan", exact=True).click()
    page.wait_for_url(re.compile(r"_country=KAZ"))
    kazakhstan = row_count(page)
    assert 0 < kazakhstan < everything
    selected = page.locator("#facet-country li").filter(has=page.locator("a.cross")).first
    assert selected.inner_text().startswith(f"Kazakhstan · {kazakhstan}")
    assert "linked to Kazakhstan (KAZ)" in page.locator("h3").first.inner_text()
    screenshot(page, "facet-country")

    page.locator("#facet-decade").get_by_role("link", name="1990s", exact=True).click()
    page.wait_for_url(re.compile(r"_decade=1990"))
    assert "_country=KAZ" in page.url
    nineties = row_count(page)
    assert 0 < nineties < kazakhstan
    decade = page.locator("#facet-decade li").filter(has=page.locator("a.cross")).first
    assert decade.inner_text().startswith(f"1990s · {nineties}")
    years = page.locator("table.rows-and-columns td.col-year").all_inner_texts()
    # Each a year of the 1990s, or the decade itself for "the 1990s" (year_cells.py).
    assert years and all(y == "1990s" or 1990 <= int(y) <= 1999 for y in years)
    screenshot(page, "facet-country-decade")

    # Unselecting the country keeps the decade.
    page.locator("#facet-country li a.cross").first.click()
    page.wait_for_url(re.compile(r"^(?!.*_country=).*_decade=1990"))
    assert row_count(page) >= nineties


def test_a_filter_that_matches_nothing_is_removed_by_its_cross(server, page):
    page.goto(f"{server}/relations/events")
    everything = row_count(page)
    page.goto(f"{server}/relations/events?_country=ZZZ")
    assert row_count(page) == 0
    selected = page.locator("#facet-country li").filter(has=page.locator("a.cross"))
    assert selected.inner_text().startswith("ZZZ · 0")
    screenshot(page, "facet-nothing-selected")
    selected.locator("a.cross").click()
    page.wait_for_url(re.compile(r"/relations/events(\?(?!.*_country=).*)?$"))
    assert row_count(page) == everything


def test_column_notes_fold_into_a_line_that_opens_them(server, page):
    page.goto(f"{server}/relations/events")
    notes = page.locator("details.column-notes")
    described = notes.locator("dl.column-descriptions dt")
    assert notes.locator("summary").inner_text() == f"What each column holds ({described.count()})"
    assert described.count() > 5 and not described.first.is_visible()
    first_row = page.locator("table.rows-and-columns tbody tr").first
    folded_at = first_row.bounding_box()["y"]
    notes.locator("summary").click()
    assert described.first.is_visible()
    # Open, they push the rows down by a screen's third or more: folding gives that back.
    assert first_row.bounding_box()["y"] - folded_at > 300
