#!/usr/bin/env python3
"""The page's log lines view in headless Chromium; run by a Swift test.

    python3 browser_lines.py --receiver URL --search TEXT --open-id ID [--timeout 30]

1. Opens <receiver>/?view=lines and waits for the list: reads its rows (tr.line-row: level, request id,
   text) and the column titles.
2. Types --search into the text box and waits for the list to settle; reads the rows again.
3. Clears the box; clicks the first row without a request id and reads the detail shown under it; posts
   a line to the receiver and waits for the list to show it (counting the details still open); clicks
   the row again (the detail goes).
4. Presses j until the line without a request id is selected (reading the selected line), then Enter,
   and counts the details shown.
5. Clicks the first row of request --open-id and waits for that request's view.

Prints one JSON object (columns, rows, searched, detail, detail_after_refresh, detail_after_second_click,
keyboard_selected, keyboard_detail, opened, status_text, view_select) and exits 0; on failure prints a message on stderr and exits 1. Uses browser_e2e.py's
driver setup (same needs).
"""
import sys
import urllib.parse
import urllib.request

# Importing browser_e2e must not leave a __pycache__ folder in the test target's sources.
sys.dont_write_bytecode = True

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import browser_e2e as e2e


def settled(driver):
    return driver.find_element(By.ID, "request-table").get_attribute("aria-busy") is None


def url_q(driver):
    return urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query).get("q", [""])[0]


# A live refresh rebuilds the rows while they are read: an element gone stale means "read again".
def retrying(driver, timeout, what, read):
    def attempt(d):
        try:
            return (read(d),)
        except StaleElementReferenceException:
            return None
    return e2e.wait_for(driver, timeout, what, attempt)[0]


def rows(driver, timeout):
    return retrying(driver, timeout, "the rows", lambda d: [
        {"level": row.get_attribute("data-level"), "request_id": row.get_attribute("data-request-id"),
         "text": row.find_element(By.CSS_SELECTOR, ".col-message").text}
        for row in d.find_elements(By.CSS_SELECTOR, "#request-rows > tr.line-row")])


def click(driver, timeout, selector):
    retrying(driver, timeout, f"a click on {selector}", lambda d: d.find_element(By.CSS_SELECTOR, selector).click())


def search(driver, box, text, timeout):
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    box.send_keys(text)
    e2e.wait_for(driver, timeout, f"the address bar to carry {text!r}", lambda d: url_q(d) == text)
    e2e.wait_for(driver, timeout, f"the list to settle for {text!r}", settled)


def run(arguments, driver):
    timeout = arguments.timeout
    driver.get(arguments.receiver + "/?view=lines")
    e2e.wait_for(driver, timeout, "the log lines to load",
                 lambda d: settled(d) and d.find_elements(By.CSS_SELECTOR, "#request-rows > tr.line-row"))
    result = {
        "columns": retrying(driver, timeout, "the columns",
                            lambda d: [th.text for th in d.find_elements(By.CSS_SELECTOR, "#request-table thead th")]),
        "rows": rows(driver, timeout),
        "status_text": driver.find_element(By.ID, "list-status").text,
        "view_select": driver.find_element(By.NAME, "view").get_attribute("value"),
    }
    box = driver.find_element(By.NAME, "q")
    search(driver, box, arguments.search, timeout)
    result["searched"] = rows(driver, timeout)
    search(driver, box, "", timeout)

    lone = "#request-rows > tr.line-row.no-id"
    click(driver, timeout, lone)
    e2e.wait_for(driver, timeout, "the line's detail", lambda d: d.find_elements(By.CSS_SELECTOR, "#request-rows > tr.line-detail"))
    result["detail"] = retrying(driver, timeout, "the detail", lambda d: d.find_element(By.CSS_SELECTOR, "#request-rows > tr.line-detail").text)
    # A line arriving meanwhile refreshes the list; the open detail stays open.
    before = len(rows(driver, timeout))
    post = urllib.request.Request(arguments.receiver + "/api/logs", data=b'{"service":"api","request_id":"r-late","message":"a late line"}', method="POST")
    urllib.request.urlopen(post, timeout=timeout).read()
    e2e.wait_for(driver, timeout, "the late line to be listed", lambda d: len(rows(d, timeout)) == before + 1)
    result["detail_after_refresh"] = len(driver.find_elements(By.CSS_SELECTOR, "#request-rows > tr.line-detail"))
    click(driver, timeout, lone)
    result["detail_after_second_click"] = len(driver.find_elements(By.CSS_SELECTOR, "#request-rows > tr.line-detail"))

    # Keyboard: j walks every line, those without a request id too; Enter on one of those shows its text.
    driver.execute_script("document.activeElement && document.activeElement.blur()")
    selected = None
    for _ in range(10):
        ActionChains(driver).send_keys("j").perform()
        selected = driver.execute_script(
            "const row = document.querySelector('#request-rows > tr.line-row[aria-selected=\"true\"]');"
            "return row ? row.querySelector('.col-message').textContent : null")
        if selected and selected.startswith("startup failed"):
            break
    result["keyboard_selected"] = selected
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    e2e.wait_for(driver, timeout, "Enter to show the line's text",
                 lambda d: d.find_elements(By.CSS_SELECTOR, "#request-rows > tr.line-detail"))
    result["keyboard_detail"] = len(driver.find_elements(By.CSS_SELECTOR, "#request-rows > tr.line-detail"))

    click(driver, timeout, f'#request-rows > tr.line-row[data-request-id="{arguments.open_id}"]')
    state = e2e.wait_for_view(driver, arguments.open_id, timeout, "the line's request view")
    result["opened"] = state["id"] if state["rendered"] else None
    return result


def main(argv):
    return e2e.drive_script("browser_lines", __doc__, argv, run, options=["--search", "--open-id"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
