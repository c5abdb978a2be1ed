#!/usr/bin/env python3
"""A request seen only through OpenTelemetry, on the page in headless Chromium; run by a Swift test.

    python3 browser_otel.py --receiver URL --trace-id HEX [--timeout 30]

1. Opens <receiver>/ and waits for the request list to show the request of trace --trace-id (it has no
   request id); reads every row (its id, method, path, status, services) in one script.
2. Clicks that row and waits for the request's view: reads the names of its waterfall's spans.
3. Opens <receiver>/?view=lines, clicks the first log line of the trace (an OpenTelemetry log record
   with a trace id but no request id) and waits for the same view.

Prints one JSON object (rows, opened, span_names, line_opened) and exits 0; on failure prints a message on
stderr and exits 1. Uses browser_e2e.py's driver setup (same needs).
"""
import sys

sys.dont_write_bytecode = True

from selenium.webdriver.common.by import By

import browser_e2e as e2e
from browser_lines import click, settled

ROWS_SCRIPT = """
return [...document.querySelectorAll('#request-rows > tr.req-row')].map((row) => ({
  id: row.dataset.requestId || null,
  method: row.querySelector('.col-method').textContent,
  path: row.querySelector('.col-path').textContent,
  status: row.querySelector('.col-status').textContent,
  services: row.querySelector('.col-services').title,
}));
"""


def run(arguments, driver):
    timeout = arguments.timeout
    trace = arguments.trace_id
    row = f'#request-rows > tr.req-row[data-request-id="{trace}"]'
    driver.get(arguments.receiver + "/")
    e2e.wait_for(driver, timeout, f"the request list to show {row}",
                 lambda d: settled(d) and d.find_elements(By.CSS_SELECTOR, row))
    result = {"rows": driver.execute_script(ROWS_SCRIPT)}
    click(driver, timeout, row)
    state = e2e.wait_for_view(driver, trace, timeout, "the trace's request view")
    result["opened"] = state["id"] if state["rendered"] else None
    result["span_names"] = driver.execute_script(
        "return [...document.querySelectorAll('#request-view .wf-row.wf-span .wf-name')].map((name) => name.textContent)")

    line = f'#request-rows > tr.line-row[data-request-id="{trace}"]'
    driver.get(arguments.receiver + "/?view=lines")
    e2e.wait_for(driver, timeout, f"the log lines view to show {line}",
                 lambda d: settled(d) and d.find_elements(By.CSS_SELECTOR, line))
    click(driver, timeout, line)
    state = e2e.wait_for_view(driver, trace, timeout, "the line's trace view")
    result["line_opened"] = state["id"] if state["rendered"] else None
    return result


def main(argv):
    return e2e.drive_script("browser_otel", __doc__, argv, run, options=["--trace-id"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
