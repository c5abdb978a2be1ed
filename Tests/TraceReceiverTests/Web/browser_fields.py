#!/usr/bin/env python3
"""Searching the request list by field in the page's text box, in headless Chromium; run by a Swift test.

    python3 browser_fields.py --receiver URL --searches JSON --open ID --click PREFIX [--timeout 30]

1. --searches is a JSON array of texts. Opens <receiver>/, waits for the list, then types each text into
   the search box (as a person would, replacing what was there) and waits for the list to settle: the
   address bar carries the text (the page then starts its fetch) and #request-table is no longer
   aria-busy. Then clears the box the same way.
2. Opens request --open, opens its first log line's fields (details.log-fields), reads the field search
   buttons offered (.field-filter) and clicks the first whose word starts with --click; waits for the
   list to settle again.

Prints one JSON object, {"results": [{"text", "state", "request_ids", "status_text", "url_q"}],
"offered": [words], "clicked": {"box", "state", "request_ids", "url_q", "view_open", "box_after_second_click"}}, and exits 0; on
failure prints a message on stderr and exits 1. Uses browser_e2e.py's driver setup (same needs).
"""
import json
import sys
import urllib.parse

# Importing browser_e2e must not leave a __pycache__ folder in the test target's sources.
sys.dont_write_bytecode = True

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import browser_e2e as e2e


def list_state(driver):
    return driver.find_element(By.ID, "list-status").get_attribute("data-state")


def url_q(driver):
    return urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query).get("q", [""])[0]


def wait_for_list(driver, timeout, what):
    e2e.wait_for(driver, timeout, f"the list to settle for {what}",
                 lambda d: d.find_element(By.ID, "request-table").get_attribute("aria-busy") is None)


def listed(driver):
    # One script reads every row at once: row by row, a list rendered again meanwhile (the fetch of the
    # search settling, a live refresh) made a row read go stale, 1 run in 5.
    ids = driver.execute_script(
        "return [...document.querySelectorAll('#request-rows > tr.req-row')].map((row) => row.dataset.requestId)")
    return {"state": list_state(driver), "request_ids": ids, "url_q": url_q(driver)}


def run(arguments, driver):
    timeout = arguments.timeout
    driver.get(arguments.receiver + "/")
    e2e.wait_for(driver, timeout, "the request list to load", lambda d: list_state(d) in ("ok", "empty"))
    box = driver.find_element(By.NAME, "q")
    results = []
    for text in json.loads(arguments.searches) + [""]:
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(Keys.DELETE)
        box.send_keys(text)
        e2e.wait_for(driver, timeout, f"the address bar to carry {text!r}", lambda d: url_q(d) == text.strip())
        wait_for_list(driver, timeout, repr(text))
        results.append(dict(listed(driver), text=text, status_text=driver.find_element(By.ID, "list-status").text))
    results.pop()  # the clearing one

    driver.get(e2e.request_url(arguments.receiver, arguments.open))
    e2e.wait_for_view(driver, arguments.open, timeout, "the request view")
    wait_for_list(driver, timeout, "the page's first list")
    offered = e2e.wait_for(driver, timeout, "the field search buttons", open_first_fields)
    chosen = next((word for word in offered if word.startswith(arguments.click)), None)
    if chosen is None:
        raise e2e.E2EFailure(f"no field search button starts with {arguments.click!r}: {offered}")
    e2e.wait_for(driver, timeout, f"a click on {chosen!r}", lambda d: click_word(d, chosen))
    e2e.wait_for(driver, timeout, "the address bar to carry the clicked field", lambda d: url_q(d) != "")
    wait_for_list(driver, timeout, "the clicked field")
    view = driver.find_element(By.ID, "request-view").get_attribute("data-request-id")
    clicked = dict(listed(driver), box=box_value(driver), view_open=view == arguments.open)
    # A second click on the same word leaves the search as it is.
    e2e.wait_for(driver, timeout, f"a second click on {chosen!r}", lambda d: click_word(d, chosen))
    wait_for_list(driver, timeout, "the second click")
    clicked["box_after_second_click"] = box_value(driver)
    return {"results": results, "offered": offered, "clicked": clicked}


# The view may be rebuilt while it is read (a live refresh): an element gone stale means "look again".
def open_first_fields(driver):
    """Opens the first log line's fields; their buttons' search words once shown, else None."""
    try:
        details = driver.find_element(By.CSS_SELECTOR, "#rv-body details.log-fields")
        if details.get_attribute("open") is None:
            details.find_element(By.TAG_NAME, "summary").click()
            return None
        words = [b.get_attribute("data-search-word") for b in details.find_elements(By.CSS_SELECTOR, ".field-filter")]
        return words or None
    except StaleElementReferenceException:
        return None


def click_word(driver, word):
    """Clicks the field search button of `word` in the open fields; whether it could."""
    try:
        for button in driver.find_elements(By.CSS_SELECTOR, "#rv-body details.log-fields[open] .field-filter"):
            if button.get_attribute("data-search-word") == word:
                button.click()
                return True
        open_first_fields(driver)
        return False
    except StaleElementReferenceException:
        return False


def box_value(driver):
    return driver.find_element(By.NAME, "q").get_attribute("value")


def main(argv):
    return e2e.drive_script("browser_fields", __doc__, argv, run, options=["--searches", "--open", "--click"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
