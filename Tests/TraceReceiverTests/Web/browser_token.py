#!/usr/bin/env python3
"""A browser signing in to a receiver that has a token, in headless Chromium; run by a Swift test.

    python3 browser_token.py --receiver URL --token TOKEN [--timeout 30]

1. Opens <receiver>/ and waits for the request list to report the refusal (#list-status data-state=error).
2. Opens <receiver>/?token=<TOKEN> and waits for the list to load (data-state ok or empty).

Prints one JSON object (refused_text, final_url, list_state, cookie_visible_to_script) and exits 0; on
failure prints a message on stderr and exits 1. Uses browser_e2e.py's driver setup (same needs).
"""
import sys
import urllib.parse

# Importing browser_e2e must not leave a __pycache__ folder in the test target's sources.
sys.dont_write_bytecode = True

from selenium.webdriver.common.by import By

import browser_e2e as e2e


def list_state(driver):
    return driver.find_element(By.ID, "list-status").get_attribute("data-state")


def run(arguments, driver):
    timeout = arguments.timeout
    driver.get(arguments.receiver + "/")
    e2e.wait_for(driver, timeout, "the request list to report the refusal", lambda d: list_state(d) == "error")
    refused_text = driver.find_element(By.ID, "list-status").text
    driver.get(arguments.receiver + "/?token=" + urllib.parse.quote(arguments.token, safe=""))
    e2e.wait_for(driver, timeout, "the request list to load once signed in", lambda d: list_state(d) in ("ok", "empty"))
    return {
        "refused_text": refused_text,
        "final_url": driver.current_url,
        "list_state": list_state(driver),
        "cookie_visible_to_script": driver.execute_script("return document.cookie"),
    }


def main(argv):
    return e2e.drive_script("browser_token", __doc__, argv, run, options=["--token"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
