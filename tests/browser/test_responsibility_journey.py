"""A trainee explores the model in a real browser."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_trainee_explores_matrix_service_and_compare(
    live_server, live_content, page, screenshot
):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Who secures what in the cloud?"
    )
    screenshot("home")

    page.get_by_role("link", name="Matrix", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Responsibility matrix")
    row = page.get_by_role("row", name=re.compile("Guest operating system"))
    expect(row).to_contain_text("Customer")

    # Opening a cell shows its explanation beside the table (htmx), no reload.
    row.get_by_role("link", name=re.compile("in infrastructure services")).click()
    panel = page.locator("#duty-panel")
    expect(panel).to_contain_text("Owner: ")
    expect(panel).to_contain_text("Guest operating system")
    assert page.url.endswith("/matrix/")
    screenshot("matrix-cell")

    page.get_by_role("link", name="Services", exact=True).click()
    page.get_by_label("Search").fill("RDS")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="RDS", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Relational Database")
    screenshot("service-rds")

    page.get_by_label("Compare RDS with").select_option(label="EC2")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", name="Moving from RDS to EC2")).to_be_visible()
    expect(page.get_by_text("Gives these back to")).to_be_visible()
    screenshot("compare")


def test_matrix_cell_works_without_javascript(browser, live_server, live_content):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/matrix/")
    page.get_by_role("row", name=re.compile("Backups")).get_by_role(
        "link", name=re.compile("in abstracted services")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who secures this?")
    expect(page.get_by_text("Owner:")).to_be_visible()
    context.close()
