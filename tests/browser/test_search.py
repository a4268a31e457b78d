import re

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.browser  # -m 'not browser' leaves these out


def test_home_page_then_search(server, page):
    page.goto(server)
    assert page.title().startswith("Mongolia Relations")
    page.click("a[href='/relations/paragraphs']")
    page.fill("input#_search", "Khurelsukh")
    page.click("input[type=submit][value=Apply]")
    page.wait_for_url("**/paragraphs?_search=Khurelsukh*")
    assert page.locator("h3").first.inner_text().startswith("1 row")
    assert "Khürelsükh" in page.locator("table.rows-and-columns").inner_text()
    screenshot(page, "search")


def test_search_from_the_home_pages_box(server, page):
    page.goto(server)
    page.fill("input#home-search", "third neighbor")
    page.press("input#home-search", "Enter")
    page.wait_for_url("**/relations/search?q=third+neighbor")
    marks = page.locator("table.rows-and-columns td.col-snippet mark").all_inner_texts()
    assert marks and {m.lower() for m in marks} == {"third", "neighbor"}
    screenshot(page, "home-search")


def test_canned_search_highlights(server, page):
    page.goto(f"{server}/relations/search?q=treaty")
    marks = page.locator("table.rows-and-columns mark")
    assert marks.count() >= 6
    assert {m.lower() for m in marks.all_inner_texts()} == {"treaty", "treaties"}
    screenshot(page, "canned-search")


def test_canned_search_from_its_empty_form(server, page):
    assert page.goto(f"{server}/relations/search").status == 200
    assert page.locator(".message-error").count() == 0
    page.fill("input[name=q]", "China-Mongolia")
    page.click("input[type=submit]")
    page.wait_for_url("**/relations/search?q=China-Mongolia*")
    # Searched as the phrase "China Mongolia", not as FTS5 syntax (a "no such column" error).
    marks = page.locator("table.rows-and-columns td.col-snippet mark").all_inner_texts()
    assert marks and all(re.findall(r"\w+", m.lower()) == ["china", "mongolia"] for m in marks)
    screenshot(page, "canned-search-punctuated")


def test_query_pages_fit_a_phone(server, browser):
    """The SQL shown above a query's results wraps on a phone instead of widening the
    page past the screen."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        # The canned queries hide their SQL until asked: _show_sql=1 is "show".
        for query in ["search?q=treaty", "visits_by_decade", "trade_by_partner"]:
            query += ("&" if "?" in query else "?") + "_show_sql=1"
            page.goto(f"{server}/relations/{query}")
            assert page.locator("pre#sql-query").is_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, query
    finally:
        context.close()
