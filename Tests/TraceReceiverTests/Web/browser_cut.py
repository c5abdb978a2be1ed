#!/usr/bin/env python3
"""The request view of a trace too long for one timeline, in headless Chromium; run by a Swift test.

    python3 browser_cut.py --receiver URL --request-id ID [--timeout 30]

Opens <receiver>/?id=ID and waits for the view to render. Prints one JSON object (cut_note: the text
above the log lines, or null when there is none; log_lines: how many the view lists) and exits 0; on
failure prints a message on stderr and exits 1. Uses browser_e2e.py's driver setup (same needs).
"""
import sys

# Importing browser_e2e must not leave a __pycache__ folder in the test target's sources.
sys.dont_write_bytecode = True

from selenium.webdriver.common.by import By

import browser_e2e as e2e


def run(arguments, driver):
    driver.get(e2e.request_url(arguments.receiver, arguments.request_id))
    e2e.wait_for_view(driver, arguments.request_id, arguments.timeout, "the request view to render")
    notes = driver.find_elements(By.CSS_SELECTOR, ".logs-section .logs-cut")
    lines = driver.find_elements(By.CSS_SELECTOR, ".logs-section .log-line")
    return {"cut_note": notes[0].text if notes else None, "log_lines": len(lines)}


def main(argv):
    return e2e.drive_script("browser_cut", __doc__, argv, run, options=("--request-id",))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
