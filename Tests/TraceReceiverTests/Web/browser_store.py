#!/usr/bin/env python3
"""The page of a receiver whose store cannot write, in headless Chromium; run by a Swift test.

    python3 browser_store.py --receiver URL [--timeout 30]

Opens <receiver>/ and waits for #store-status to be shown. Prints one JSON object (banner_text,
banner_hidden) and exits 0; on failure prints a message on stderr and exits 1. Uses browser_e2e.py's
driver setup (same needs).
"""
import sys

# Importing browser_e2e must not leave a __pycache__ folder in the test target's sources.
sys.dont_write_bytecode = True

from selenium.webdriver.common.by import By

import browser_e2e as e2e


def run(arguments, driver):
    driver.get(arguments.receiver + "/")
    banner = lambda d: d.find_element(By.ID, "store-status")
    e2e.wait_for(driver, arguments.timeout, "the store banner to show", lambda d: banner(d).is_displayed())
    return {"banner_text": banner(driver).text, "banner_hidden": banner(driver).get_attribute("hidden") is not None}


def main(argv):
    return e2e.drive_script("browser_store", __doc__, argv, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
