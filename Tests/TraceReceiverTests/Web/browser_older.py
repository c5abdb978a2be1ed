#!/usr/bin/env python3
"""The log lines view's "Show older lines" in headless Chromium; run by a Swift test.

    python3 browser_older.py --receiver URL --service NAME [--timeout 30]

0. Opens <receiver>/ (the request list, empty: no line has a request id), reads its status and clicks
   its "Show log lines", then counts the lines listed.
1. Opens <receiver>/?view=lines&service=NAME and waits for the list: counts its rows, reads the status
   and whether the "Show older lines" button is shown.
2. Clicks the button and waits for more rows; reads them all (their text, newest first), the status and
   the button again.
3. Posts one more line of NAME and waits for the live refresh to list it above the others: counts the
   rows (the older pages must still be there).

Prints one JSON object (empty_status, switched_count, first_count, first_status, button_first, after_count, after_texts, after_status,
button_after, live_count, live_first) and exits 0; on failure prints a message on stderr and exits 1.
"""
import json
import sys
import urllib.request

sys.dont_write_bytecode = True

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By

import browser_e2e as e2e
from browser_lines import settled


def texts(driver, timeout):
    # One script for all rows: a WebDriver call per row would make each poll take seconds.
    return driver.execute_script(
        "return [...document.querySelectorAll('#request-rows > tr.line-row .col-message')].map((cell) => cell.textContent)")


def click_show_lines(driver):
    """The empty list's status once its Show log lines button is there, which it then clicks; None until
    then. A second list fetch at start-up writes the status again: a stale read means "look again"."""
    try:
        buttons = driver.find_elements(By.ID, "show-lines")
        if not buttons:
            return None
        status = driver.find_element(By.ID, "list-status").text
        buttons[0].click()
        return status
    except StaleElementReferenceException:
        return None


def button_shown(driver):
    return driver.find_element(By.ID, "older-lines").is_displayed()


def run(arguments, driver):
    timeout = arguments.timeout
    # No line has a request id: the request list says where they are, and its button switches views.
    driver.get(arguments.receiver + "/")
    empty_status = e2e.wait_for(driver, timeout, "a click on the empty list's Show log lines", click_show_lines)
    e2e.wait_for(driver, timeout, "the log lines view", lambda d: "view=lines" in d.current_url and settled(d)
                 and d.find_elements(By.CSS_SELECTOR, "#request-rows > tr.line-row"))
    switched = len(texts(driver, timeout))

    driver.get(f"{arguments.receiver}/?view=lines&service={arguments.service}")
    e2e.wait_for(driver, timeout, "the log lines to load",
                 lambda d: settled(d) and d.find_elements(By.CSS_SELECTOR, "#request-rows > tr.line-row"))
    first = texts(driver, timeout)
    result = {
        "empty_status": empty_status,
        "switched_count": switched,
        "first_count": len(first),
        "first_status": driver.find_element(By.ID, "list-status").text,
        "button_first": button_shown(driver),
    }
    driver.find_element(By.ID, "older-lines").click()
    e2e.wait_for(driver, timeout, "the older lines", lambda d: len(texts(d, timeout)) > len(first))
    after = texts(driver, timeout)
    result.update({
        "after_count": len(after),
        "after_texts": after,
        "after_status": driver.find_element(By.ID, "list-status").text,
        "button_after": button_shown(driver),
    })
    line = json.dumps({"service": arguments.service, "message": "the newest line"}).encode()
    urllib.request.urlopen(urllib.request.Request(arguments.receiver + "/api/logs", data=line, method="POST"), timeout=timeout).read()
    e2e.wait_for(driver, timeout, "the live refresh", lambda d: texts(d, timeout)[:1] == ["the newest line"])
    live = texts(driver, timeout)
    result.update({"live_count": len(live), "live_first": live[0]})
    return result


def main(argv):
    return e2e.drive_script("browser_older", __doc__, argv, run, options=["--service"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
