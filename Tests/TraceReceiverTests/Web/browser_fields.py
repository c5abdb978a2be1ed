#!/usr/bin/env python3
"""Searching the request list by field in the page's text box, in headless Chromium; run by a Swift test.

    python3 browser_fields.py --receiver URL --searches JSON [--timeout 30]

--searches is a JSON array of texts. Opens <receiver>/, waits for the list, then types each text into
the search box (as a person would, replacing what was there) and waits for the list to settle: the
address bar carries the text (the page then starts its fetch) and #request-table is no longer aria-busy. Prints one JSON object,
{"results": [{"text", "state", "request_ids", "status_text", "url_q"}]}, and exits 0; on failure prints
a message on stderr and exits 1. Uses browser_e2e.py's driver setup (same needs).
"""
import json
import sys
import urllib.parse

# Importing browser_e2e must not leave a __pycache__ folder in the test target's sources.
sys.dont_write_bytecode = True

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import browser_e2e as e2e


def list_state(driver):
    return driver.find_element(By.ID, "list-status").get_attribute("data-state")


def url_q(driver):
    return urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query).get("q", [""])[0]


def run(arguments, driver):
    timeout = arguments.timeout
    driver.get(arguments.receiver + "/")
    e2e.wait_for(driver, timeout, "the request list to load", lambda d: list_state(d) in ("ok", "empty"))
    box = driver.find_element(By.NAME, "q")
    results = []
    for text in json.loads(arguments.searches):
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(Keys.DELETE)
        box.send_keys(text)
        e2e.wait_for(driver, timeout, f"the address bar to carry {text!r}", lambda d: url_q(d) == text.strip())
        e2e.wait_for(driver, timeout, f"the list to settle for {text!r}",
                     lambda d: d.find_element(By.ID, "request-table").get_attribute("aria-busy") is None)
        rows = driver.find_elements(By.CSS_SELECTOR, "#request-rows > tr.req-row")
        results.append({
            "text": text,
            "state": list_state(driver),
            "request_ids": [row.get_attribute("data-request-id") for row in rows],
            "status_text": driver.find_element(By.ID, "list-status").text,
            "url_q": url_q(driver),
        })
    return {"results": results}


def main(argv):
    return e2e.drive_script("browser_fields", __doc__, argv, run, options=["--searches"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
