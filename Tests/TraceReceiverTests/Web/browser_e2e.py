#!/usr/bin/env python3
"""Browser end-to-end check of the trace-receiver web page, run by a Swift test.

    python3 browser_e2e.py --demo URL --receiver URL --artifacts DIR [--big-trace ID] [--timeout 30]

1. Opens the demo page (--demo), clicks #checkout-fail and waits for its #results li[data-done="true"],
   which carries the failing request's id (data-request-id).
2. Opens <receiver>/?id=<id> and waits until #request-view[data-rendered="true"][data-request-id=<id>]
   shows span rows of at least --min-services services and a browser marker
   (.wf-marker[data-source="frontend"]); reloads while the records have not all arrived yet.
   Saves DIR/failing-checkout.png at 1280x900.
3. With --big-trace ID: opens <receiver>/?id=<ID> five times (reloads) and reads the view's
   data-render-ms / data-load-ms; saves DIR/big-trace.png.
4. Collects SEVERE browser console entries of both pages. On the demo page, the resource error of the
   deliberately failing checkout (HTTP 5xx) and a missing favicon are expected and reported separately
   ("expected_console_errors"), as is a 404 for the trace on a load that is retried because the
   request's records had not all arrived yet.

Prints one JSON object on stdout and exits 0 on success; on failure prints a message on stderr
(naming what was awaited when a wait timed out), saves DIR/failure.png when it can and exits 1.
Needs python3 (stdlib) and selenium 4 with /usr/bin/chromium and /usr/bin/chromedriver (override
with CHROMIUM_BINARY / CHROMEDRIVER); Selenium Manager is never asked to download anything.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

VIEWPORT = (1280, 900)
BIG_TRACE_RUNS = 5
# The deliberately failing checkout's 5xx, and a missing favicon, are not errors of the demo page.
EXPECTED_DEMO_ERROR = re.compile(
    r"Failed to load resource: the server responded with a status of 5\d\d|favicon\.ico - Failed to load resource")

EXPECTED_RETRY_ERROR = re.compile(r"/api/debug/trace/\S+ - Failed to load resource: the server responded with a status of 404")


class E2EFailure(Exception):
    """A check failed; the message says what."""


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="Browser end-to-end check of the trace-receiver web page.")
    parser.add_argument("--demo", required=True, help="URL of the demo gateway's page")
    parser.add_argument("--receiver", required=True, help="base URL of the receiver")
    parser.add_argument("--artifacts", required=True, help="directory for screenshots")
    parser.add_argument("--big-trace", help="request id of a large trace to time")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds for each wait (default 30)")
    parser.add_argument("--min-services", type=int, default=2,
                        help="span services the failing checkout's waterfall must show (default 2)")
    return parser.parse_args(argv)


def start_driver(profile_dir):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                     f"--user-data-dir={profile_dir}", f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    set_viewport(driver, *VIEWPORT)
    return driver


def set_viewport(driver, width, height):
    """Makes the page's viewport (not the window) width x height."""
    try:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    except WebDriverException:
        driver.set_window_size(width, height)


def wait_for(driver, timeout, what, condition, poll=0.1):
    """Polls condition(driver) until it returns something truthy; the timeout message names `what`."""
    try:
        return WebDriverWait(driver, timeout, poll_frequency=poll).until(condition)
    except TimeoutException:
        raise E2EFailure(f"timed out after {timeout:g}s waiting for {what} (at {driver.current_url})") from None


def is_expected_console_error(entry):
    if entry["page"] == "demo":
        return EXPECTED_DEMO_ERROR.search(entry["message"]) is not None
    if entry["page"] == "receiver-retry":
        # Loads before the request's records had all arrived: a 404 for the trace is the reason to retry.
        return EXPECTED_RETRY_ERROR.search(entry["message"]) is not None
    return False


def console_entries(driver, page, collected):
    """Appends this page's SEVERE console entries to collected as {"page","message"}."""
    try:
        entries = driver.get_log("browser")
    except WebDriverException:
        return
    for entry in entries:
        if entry.get("level") == "SEVERE":
            collected.append({"page": page, "message": entry.get("message", "")})


# ---- 1. demo page: make a failing checkout -------------------------------------------------------

def failing_checkout(driver, demo_url, timeout):
    driver.get(demo_url)
    button = wait_for(driver, timeout, "the demo page's #checkout-fail button",
                      lambda d: next(iter(d.find_elements(By.ID, "checkout-fail")), None))
    selector = '#results li[data-action="checkout-fail"]'
    # The new line may be appended or prepended: it is the one that was not there before the click.
    before = {item.id for item in driver.find_elements(By.CSS_SELECTOR, selector)}
    button.click()

    def done_item(d):
        for item in d.find_elements(By.CSS_SELECTOR, selector):
            if item.id not in before and item.get_attribute("data-done") == "true":
                return item
        return None

    item = wait_for(driver, timeout, f'the demo\'s {selector}[data-done="true"] after clicking #checkout-fail', done_item)
    request_id = (item.get_attribute("data-request-id") or "").strip()
    if not request_id:
        raise E2EFailure(f"the failing checkout's result has no data-request-id (data-status={item.get_attribute('data-status')!r})")
    return request_id


# ---- 2./3. receiver page ------------------------------------------------------------------------

VIEW_STATE_SCRIPT = """
const view = document.getElementById('request-view');
if (!view) return {missing: true};
const services = [];
for (const row of view.querySelectorAll('.wf-row.wf-span[data-service]')) {
  if (!services.includes(row.dataset.service)) services.push(row.dataset.service);
}
const message = document.getElementById('rv-message');
return {
  id: view.dataset.requestId || null,
  state: view.dataset.state || null,
  rendered: view.dataset.rendered === 'true',
  renderMs: view.dataset.renderMs || null,
  loadMs: view.dataset.loadMs || null,
  services: services,
  markers: view.querySelectorAll('.wf-marker[data-source="frontend"]').length,
  logLines: view.querySelectorAll('.log-line').length,
  message: message ? message.textContent : '',
};
"""


def view_state(driver):
    return driver.execute_script(VIEW_STATE_SCRIPT)


def request_url(receiver, request_id):
    return receiver.rstrip("/") + "/?id=" + urllib.parse.quote(request_id, safe="")


def wait_for_view(driver, request_id, timeout, what):
    """Waits until the view for request_id is rendered or has failed; returns its state."""
    def settled(d):
        state = view_state(d)
        if state.get("missing"):
            return None
        if state["id"] == request_id and (state["rendered"] or state["state"] == "error"):
            return state
        return None
    return wait_for(driver, timeout, what, settled, poll=0.05)


def open_failing_request(driver, receiver, request_id, timeout, min_services, console):
    """Opens the request's view, reloading until both backend hops and the browser report are shown."""
    url = request_url(receiver, request_id)
    deadline = time.monotonic() + timeout
    driver.get(url)
    last = {}
    while True:
        remaining = deadline - time.monotonic()
        what = f'#request-view[data-rendered="true"][data-request-id="{request_id}"]'
        last = wait_for_view(driver, request_id, max(remaining, 1.0), what)
        if last["rendered"] and len(last["services"]) >= min_services and last["markers"] >= 1:
            return last
        if time.monotonic() >= deadline:
            raise E2EFailure(
                f"timed out after {timeout:g}s waiting for the view of {request_id} to show span rows of "
                f">= {min_services} services and a browser marker (.wf-marker[data-source=\"frontend\"]); "
                f"last: state={last['state']}, services={last['services']}, markers={last['markers']}, "
                f"message={last['message']!r}")
        time.sleep(0.5)
        console_entries(driver, "receiver-retry", console)
        driver.refresh()


def follows_late_record(driver, request_id, timeout):
    """With the view open, posts one more browser report for the request from the page itself (same
    origin) and waits, without reloading, until the view shows one more log line."""
    count = len(driver.find_elements(By.CSS_SELECTOR, "#request-view .log-line"))
    marker = "late report " + str(time.time_ns())
    status = driver.execute_async_script(
        """const [id, message, done] = arguments;
        fetch('/api/frontend-log', {method: 'POST', headers: {'Content-Type': 'application/json'},
          body: JSON.stringify({level: 'warning', message, request_id: id, service: 'e2e-late'})})
          .then((r) => done(r.status), (e) => done(String(e)));""", request_id, marker)
    if status != 202:
        raise E2EFailure(f"posting the late report answered {status}")
    try:
        WebDriverWait(driver, timeout).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, "#request-view .log-line")) > count
            and marker in d.find_element(By.ID, "request-view").text)
    except TimeoutException:
        raise E2EFailure(f"timed out after {timeout:g}s waiting for the open view to show a report posted after it "
                         f"rendered ({count} log lines before)") from None
    return len(driver.find_elements(By.CSS_SELECTOR, "#request-view .log-line"))


def time_big_trace(driver, receiver, trace_id, timeout):
    url = request_url(receiver, trace_id)
    render, load = [], []
    for run in range(BIG_TRACE_RUNS):
        if run == 0:
            driver.get(url)
        else:
            driver.refresh()
        what = f'#request-view[data-rendered="true"][data-request-id="{trace_id}"] (big trace, run {run + 1})'
        state = wait_for_view(driver, trace_id, timeout, what)
        if not state["rendered"]:
            raise E2EFailure(f"the big trace {trace_id} did not render: {state['message']}")
        render.append(float(state["renderMs"]))
        load.append(float(state["loadMs"]))
    return state, render, load


def summary(values):
    return {"median": round(statistics.median(values), 1), "max": round(max(values), 1), "runs": values}


def screenshot(driver, directory, name):
    path = os.path.join(directory, name)
    if not driver.save_screenshot(path):
        raise E2EFailure(f"could not save the screenshot {path}")
    return path


# ---- main ---------------------------------------------------------------------------------------

def run(arguments, driver):
    console = []
    request_id = failing_checkout(driver, arguments.demo, arguments.timeout)
    console_entries(driver, "demo", console)

    view = open_failing_request(driver, arguments.receiver, request_id, arguments.timeout, arguments.min_services, console)
    screenshots = [screenshot(driver, arguments.artifacts, "failing-checkout.png")]
    result = {
        "request_id": request_id,
        "view_rendered": True,
        "view_services": view["services"],
        "frontend_markers": view["markers"],
        "log_lines": view["logLines"],
        "log_lines_after_late_report": follows_late_record(driver, request_id, arguments.timeout),
    }
    if arguments.big_trace:
        big, render, load = time_big_trace(driver, arguments.receiver, arguments.big_trace, arguments.timeout)
        result["big_trace"] = {"request_id": arguments.big_trace, "log_lines": big["logLines"], "services": big["services"]}
        result["render_ms"] = summary(render)
        result["load_ms"] = summary(load)
        screenshots.append(screenshot(driver, arguments.artifacts, "big-trace.png"))
    else:
        result["render_ms"] = summary([float(view["renderMs"])])
        result["load_ms"] = summary([float(view["loadMs"])])
    console_entries(driver, "receiver", console)

    expected = [e for e in console if is_expected_console_error(e)]
    result["console_errors"] = [f"[{e['page']}] {e['message']}" for e in console if e not in expected]
    result["expected_console_errors"] = [f"[{e['page']}] {e['message']}" for e in expected]
    result["screenshots"] = screenshots
    return result


def drive(name, body, artifacts=None):
    """Runs body(driver) in a fresh headless Chromium profile and prints its result as one JSON object
    (returns 0); on failure prints `name: what failed` on stderr, with a screenshot in `artifacts` when
    given, and returns 1."""
    profile_dir = tempfile.mkdtemp(prefix=f"trace-receiver-{name}-")
    driver = None
    try:
        driver = start_driver(profile_dir)
        result = body(driver)
    except (E2EFailure, WebDriverException) as error:
        message = str(error).strip() or type(error).__name__
        if driver is not None and artifacts:
            try:
                path = os.path.join(artifacts, "failure.png")
                if driver.save_screenshot(path):
                    message += f" (screenshot: {path})"
            except WebDriverException:
                pass
        print(f"{name}: {message}", file=sys.stderr)
        return 1
    finally:
        if driver is not None:
            try:
                driver.quit()
            except WebDriverException:
                pass
        shutil.rmtree(profile_dir, ignore_errors=True)
    print(json.dumps(result))
    return 0


def drive_script(name, doc, argv, body, options=()):
    """The main of a small page script: reads --receiver, --timeout and each of `options` (further
    required string options), then drives body(arguments, driver) as drive() does."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--receiver", required=True)
    for option in options:
        parser.add_argument(option, required=True)
    parser.add_argument("--timeout", type=float, default=30.0)
    arguments = parser.parse_args(argv)
    return drive(name, lambda driver: body(arguments, driver))


def main(argv):
    arguments = parse_arguments(argv)
    os.makedirs(arguments.artifacts, exist_ok=True)
    return drive("browser_e2e", lambda driver: run(arguments, driver), artifacts=arguments.artifacts)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
