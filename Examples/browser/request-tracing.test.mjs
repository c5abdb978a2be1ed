// Unit tests for request-tracing.js: `node --test Examples/browser/` (Node 20+, no dependencies).
//
// Each test loads the script into a fresh vm context that plays the browser window: fetch,
// navigator.sendBeacon, crypto, location, addEventListener and document are stubs recording what the
// script does with them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';

const source = readFileSync(new URL('./request-tracing.js', import.meta.url), 'utf8');
const ORIGIN = 'http://127.0.0.1:8090';
const RECEIVER = 'http://127.0.0.1:7890';
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * A fake page. `app(url, init)` answers the page's own requests (default: 200 with no id header);
 * `receiver` is 'up' (202), 'down' (fetch rejects) or a status code.
 */
function makePage({ app, receiver = 'up', beacon = true, install = {}, document, autoInstall = true } = {}) {
  const listeners = {};
  const page = {
    reports: [], // bodies the receiver got over fetch (parsed)
    beacons: [], // { url, type, body } handed to sendBeacon
    receiverPosts: 0, // every fetch to the receiver, successful or not
    appCalls: [], // { url, headers: Headers }
    listeners,
    receiver,
  };
  const fetch = async (input, init = {}) => {
    // Like a browser, resolve relative URLs against the page.
    const request = input instanceof Request ? new Request(input, init) : new Request(new URL(String(input), ORIGIN), init);
    if (request.url.startsWith(RECEIVER)) {
      page.receiverPosts++;
      assert.equal(init.keepalive, true);
      assert.equal(init.mode, 'cors');
      assert.equal(init.method, 'POST');
      assert.equal(request.headers.get('content-type'), 'application/json');
      if (page.receiver === 'down') throw new TypeError('Failed to fetch');
      page.reports.push(JSON.parse(init.body));
      return new Response('{"accepted":1}', { status: page.receiver === 'up' ? 202 : page.receiver });
    }
    page.appCalls.push({ url: request.url, headers: request.headers });
    return app ? app(request) : new Response('ok', { status: 200 });
  };
  const window = {
    location: { href: `${ORIGIN}/shop/cart?session=secret#top`, origin: ORIGIN },
    navigator: {
      userAgent: 'node-test/1.0',
      sendBeacon: beacon
        ? (url, blob) => {
            page.beacons.push({ url, blob });
            return true;
          }
        : undefined,
    },
    crypto: webcrypto,
    fetch,
    Headers,
    Request,
    Response,
    URL,
    Blob,
    TextEncoder,
    TextDecoder,
    setTimeout,
    clearTimeout,
    console,
    document,
    addEventListener(type, handler) {
      (listeners[type] ||= []).push(handler);
    },
    removeEventListener(type, handler) {
      listeners[type] = (listeners[type] || []).filter((h) => h !== handler);
    },
  };
  window.window = window;
  vm.createContext(window);
  vm.runInContext(source, window, { filename: 'request-tracing.js' });
  page.window = window;
  page.RT = window.RequestTracing;
  if (autoInstall) page.RT.install({ receiver: RECEIVER, ...install });
  page.dispatch = (type, event) => (listeners[type] || []).forEach((handler) => handler(event));
  page.beaconBodies = async () => Promise.all(page.beacons.map(async (b) => JSON.parse(await b.blob.text())));
  return page;
}

/** Collects every onReport call. */
function recordResults(page) {
  const results = [];
  page.RT.onReport((report, result) => results.push({ report, result }));
  return results;
}

async function until(condition, what = 'condition', timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

// ------------------------------------------------------------------------------------------ UUIDv7

test('uuidv7: canonical lowercase form, version 7, variant 10, current time', () => {
  const { RT } = makePage();
  const before = Date.now();
  const id = RT.uuidv7();
  const after = Date.now();
  assert.match(id, UUID_V7);
  const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
  assert.ok(ms >= before && ms <= after + 1, `timestamp ${ms} not in [${before}, ${after}]`);
  assert.equal(id[14], '7');
  assert.ok('89ab'.includes(id[19]));
});

test('uuidv7: strictly increasing and unique, even many per millisecond', () => {
  const { RT } = makePage();
  const ids = Array.from({ length: 20000 }, () => RT.uuidv7());
  for (let i = 1; i < ids.length; i++) {
    assert.ok(ids[i - 1] < ids[i], `not increasing at ${i}: ${ids[i - 1]} >= ${ids[i]}`);
    assert.match(ids[i], UUID_V7);
  }
  assert.equal(new Set(ids).size, ids.length);
});

// ------------------------------------------------------------------------------------------ fetch

test('fetch: same-origin requests get a fresh X-Request-ID, cross-origin ones do not', async () => {
  const page = makePage();
  await page.window.fetch('/api/hello');
  await page.window.fetch(`${ORIGIN}/api/checkout?x=1`, { method: 'POST', body: 'a' });
  await page.window.fetch('https://cdn.example.com/lib.js');
  const [hello, checkout, cdn] = page.appCalls;
  assert.match(hello.headers.get('x-request-id'), UUID_V7);
  assert.match(checkout.headers.get('x-request-id'), UUID_V7);
  assert.notEqual(hello.headers.get('x-request-id'), checkout.headers.get('x-request-id'));
  assert.equal(cdn.headers.get('x-request-id'), null);
});

test('fetch: propagateTo adds the header for listed origins, RegExps and functions', async () => {
  const page = makePage({
    install: { propagateTo: ['https://api.example.com', /^https:\/\/regex\.example\.org\//, (url) => url.includes('fn.example.net')] },
  });
  for (const url of ['https://api.example.com/v1/x', 'https://regex.example.org/y', 'https://fn.example.net/z', 'https://other.example.com/']) {
    await page.window.fetch(url);
  }
  const ids = page.appCalls.map((call) => call.headers.get('x-request-id'));
  assert.match(ids[0], UUID_V7);
  assert.match(ids[1], UUID_V7);
  assert.match(ids[2], UUID_V7);
  assert.equal(ids[3], null);
});

test("fetch: the caller's own X-Request-ID is kept (object, Headers, Request) along with other headers", async () => {
  const page = makePage();
  await page.window.fetch('/a', { headers: { 'X-Request-ID': 'caller-1', Accept: 'text/plain' } });
  await page.window.fetch('/b', { headers: new Headers({ 'x-request-id': 'caller-2' }) });
  await page.window.fetch(new Request(`${ORIGIN}/c`, { headers: { 'X-Request-Id': 'caller-3', 'X-Other': 'kept' } }));
  await page.window.fetch(new Request(`${ORIGIN}/d`, { headers: { 'X-Other': 'kept-too' } }));
  const [a, b, c, d] = page.appCalls;
  assert.equal(a.headers.get('x-request-id'), 'caller-1');
  assert.equal(a.headers.get('accept'), 'text/plain');
  assert.equal(b.headers.get('x-request-id'), 'caller-2');
  assert.equal(c.headers.get('x-request-id'), 'caller-3');
  assert.equal(c.headers.get('x-other'), 'kept');
  assert.match(d.headers.get('x-request-id'), UUID_V7);
  assert.equal(d.headers.get('x-other'), 'kept-too');
  assert.equal(page.RT.lastRequest.id, d.headers.get('x-request-id'));
});

test("fetch: the response's X-Request-ID is read and remembered, else the id sent", async () => {
  let answer = 'server-chosen-id';
  const page = makePage({ app: () => new Response('ok', { headers: answer ? { 'X-Request-ID': answer } : {} }) });
  const first = await page.window.fetch('/api/hello');
  assert.equal(first.requestId, 'server-chosen-id');
  assert.equal(page.RT.lastRequest.id, 'server-chosen-id');
  assert.equal(page.RT.lastRequest.path, '/api/hello');
  assert.equal(page.RT.lastRequest.status, 200);
  answer = null;
  const second = await page.window.fetch('/api/whoami');
  const sent = page.appCalls[1].headers.get('x-request-id');
  assert.equal(second.requestId, sent);
  assert.equal(page.RT.lastRequest.id, sent);
  assert.equal(await second.text(), 'ok', 'the body is untouched');
});

test('fetch: a 500 is reported as an error with the request id; 4xx as a warning', async () => {
  const page = makePage({
    app: (request) =>
      new Response('{}', {
        status: request.url.includes('missing') ? 404 : 500,
        statusText: request.url.includes('missing') ? 'Not Found' : 'Internal Server Error',
        headers: { 'X-Request-ID': request.headers.get('x-request-id') },
      }),
    install: { service: 'shop-web', build: 'v9' },
  });
  const response = await page.window.fetch('/api/checkout?fail=1&token=secret');
  assert.equal(response.status, 500, 'the page still gets the response');
  await page.window.fetch('/api/missing-item');
  await until(() => page.reports.length === 2, 'two reports');
  const [failure, missing] = page.reports;
  assert.equal(failure.level, 'error');
  assert.equal(failure.event, 'fetch_failed');
  assert.equal(failure.request_id, response.requestId);
  assert.equal(failure.method, 'GET');
  assert.equal(failure.path, '/api/checkout', 'no query string by default');
  assert.equal(failure.status, 500);
  assert.equal(failure.error_type, 'HTTPError');
  assert.equal(failure.service, 'shop-web');
  assert.match(failure.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.deepEqual(failure.context, { url: `${ORIGIN}/shop/cart`, ua: 'node-test/1.0', build: 'v9' });
  assert.ok(!JSON.stringify(failure).includes('secret'), 'query strings are not sent');
  assert.equal(missing.level, 'warning');
  assert.equal(missing.status, 404);
  assert.equal(missing.path, '/api/missing-item');
  assert.ok(!('stack' in failure), 'empty keys are omitted');
});

test('fetch: levels and ignoreStatuses configure what is reported', async () => {
  const page = makePage({
    app: (request) => new Response('', { status: Number(new URL(request.url).pathname.slice(1)) }),
    install: { levels: { clientError: null }, ignoreStatuses: [503] },
  });
  for (const status of [404, 503, 502]) await page.window.fetch(`/${status}`);
  await settle();
  assert.deepEqual(page.reports.map((r) => r.status), [502]);
  assert.equal(page.RT.options.levels.serverError, 'error', 'other levels keep their defaults');
});

test('fetch: a network error is reported and rethrown unchanged, carrying the request id', async () => {
  const failure = new TypeError('Failed to fetch');
  const page = makePage({
    app: () => {
      throw failure;
    },
  });
  await assert.rejects(page.window.fetch('/api/hello'), (error) => error === failure);
  const sent = page.appCalls[0].headers.get('x-request-id');
  assert.equal(failure.requestId, sent);
  await until(() => page.reports.length === 1, 'the report');
  const [report] = page.reports;
  assert.equal(report.level, 'error');
  assert.equal(report.event, 'fetch_failed');
  assert.equal(report.request_id, sent);
  assert.equal(report.error, 'Failed to fetch');
  assert.equal(report.error_type, 'TypeError');
  assert.equal(report.status, undefined);
  assert.equal(page.RT.lastRequest.id, sent);
});

test('fetch: an AbortError is rethrown but not reported', async () => {
  const page = makePage({
    app: () => {
      throw new DOMException('The user aborted a request.', 'AbortError');
    },
  });
  await assert.rejects(page.window.fetch('/api/slow'), { name: 'AbortError' });
  await settle();
  assert.equal(page.reports.length, 0);
});

// ------------------------------------------------------------------------------------------ transport

test('transport: falls back to sendBeacon with a text/plain Blob when the report POST fails', async () => {
  const page = makePage({ receiver: 'down', app: () => new Response('', { status: 502 }) });
  const results = recordResults(page);
  await page.window.fetch('/api/checkout');
  await until(() => page.beacons.length === 1, 'the beacon');
  assert.equal(page.receiverPosts, 1, 'fetch was tried first');
  const [beacon] = page.beacons;
  assert.equal(beacon.url, `${RECEIVER}/api/frontend-log`);
  assert.equal(beacon.blob.type, 'text/plain');
  const [body] = await page.beaconBodies();
  assert.equal(body.status, 502);
  assert.equal(body.request_id, page.appCalls[0].headers.get('x-request-id'));
  await until(() => results.length === 1, 'the result');
  assert.deepEqual({ ...results[0].result }, { sent: true, via: 'beacon' });
});

test('transport: without fetch, reports go by sendBeacon', async () => {
  const page = makePage({ autoInstall: false });
  page.window.fetch = undefined;
  page.RT.install({ receiver: RECEIVER });
  const result = await page.RT.report({ level: 'error', message: 'no fetch here' });
  assert.equal(result.via, 'beacon');
  assert.equal(result.sent, true);
  const [body] = await page.beaconBodies();
  assert.equal(body.message, 'no fetch here');
});

test('transport: report() resolves after the receiver answered, and onReport sees it', async () => {
  const seen = [];
  const page = makePage({ install: { onReport: (report, result) => seen.push([report.message, result.sent, result.status]) } });
  const result = await page.RT.report({ level: 'warning', message: 'checkout slow', request_id: 'abc-1', event: 'slow_checkout' });
  assert.deepEqual({ ...result }, { sent: true, via: 'fetch', status: 202 });
  assert.deepEqual(seen, [['checkout slow', true, 202]]);
  assert.equal(page.reports[0].event, 'slow_checkout');
  assert.equal(page.reports[0].request_id, 'abc-1');
});

test('transport: a receiver refusing a report (429) is not retried nor reported', async () => {
  const page = makePage({ receiver: 429 });
  const result = await page.RT.report({ message: 'one' });
  assert.equal(result.sent, false);
  assert.equal(result.reason, 'http_429');
  await settle();
  assert.equal(page.receiverPosts, 1);
  assert.equal(page.beacons.length, 0);
});

test('transport: pagehide and visibilitychange→hidden send queued reports by sendBeacon', async () => {
  const document = { visibilityState: 'visible', listeners: {}, addEventListener(type, fn) { (this.listeners[type] ||= []).push(fn); } };
  const page = makePage({ install: { flushDelayMs: 60000 }, document });
  page.RT.report({ message: 'queued one' });
  page.dispatch('pagehide', {});
  assert.equal(page.beacons.length, 1);
  page.RT.report({ message: 'queued two' });
  document.visibilityState = 'hidden';
  document.listeners.visibilitychange.forEach((fn) => fn({}));
  assert.equal(page.beacons.length, 2);
  assert.deepEqual((await page.beaconBodies()).map((b) => b.message), ['queued one', 'queued two']);
  assert.equal(page.receiverPosts, 0);
});

// ------------------------------------------------------------------------------------------ errors

test('errors: a window error is linked to its own requestId, else the last recent request, else none', async () => {
  const page = makePage({ install: { linkWindowMs: 100 } });
  const response = await page.window.fetch('/api/hello');

  // 1. An error without an id, right after the request: linked to that request.
  const typeError = new TypeError("Cannot read properties of undefined (reading 'total')");
  page.dispatch('error', { message: `Uncaught ${typeError.message}`, error: typeError, filename: `${ORIGIN}/demo.js`, lineno: 3, colno: 7 });
  // 2. An error carrying its own request id wins over the last request.
  page.dispatch('error', { message: 'Uncaught Error: boom', error: page.RT.error('boom', 'older-request') });
  // 3. A cross-origin "Script error." without an error object.
  page.dispatch('error', { message: 'Script error.', error: null, filename: '', lineno: 0, colno: 0 });
  await until(() => page.reports.length === 3, 'three reports');
  const [linked, own, script] = page.reports;
  assert.equal(linked.event, 'js_error');
  assert.equal(linked.level, 'error');
  assert.equal(linked.request_id, response.requestId);
  assert.equal(linked.error_type, 'TypeError');
  assert.equal(linked.message, "Cannot read properties of undefined (reading 'total')");
  assert.match(linked.stack, /TypeError: Cannot read properties/);
  assert.equal(own.request_id, 'older-request');
  assert.equal(script.message, 'Script error.');

  // 4. Past linkWindowMs, an error is linked to nothing.
  await new Promise((resolve) => setTimeout(resolve, 150));
  page.dispatch('error', { message: 'late', error: new RangeError('late') });
  await until(() => page.reports.length === 4, 'the late report');
  assert.equal(page.reports[3].request_id, undefined);
  assert.equal(page.reports[3].error_type, 'RangeError');
});

test('errors: an unhandled rejection is linked through requestId, cause, or the last request', async () => {
  const page = makePage({
    app: (request) => new Response('{}', { status: 404, headers: { 'X-Request-ID': request.headers.get('x-request-id') } }),
    install: { levels: { clientError: null } },
  });
  const response = await page.window.fetch('/api/missing-item');
  page.dispatch('unhandledrejection', { reason: page.RT.error('Item not found', response.requestId) });
  page.dispatch('unhandledrejection', { reason: new Error('wrapped', { cause: page.RT.error('inner', 'cause-id') }) });
  page.dispatch('unhandledrejection', { reason: { code: 42 } });
  page.dispatch('unhandledrejection', { reason: 'just a string' });
  await until(() => page.reports.length === 4, 'four reports');
  const [item, wrapped, object, text] = page.reports;
  assert.equal(item.event, 'unhandled_rejection');
  assert.equal(item.request_id, response.requestId);
  assert.equal(item.message, 'Unhandled promise rejection: Item not found');
  assert.equal(item.error, 'Item not found');
  assert.equal(item.error_type, 'Error');
  assert.ok(item.stack);
  assert.equal(wrapped.request_id, 'cause-id');
  assert.equal(object.error, '{"code":42}');
  assert.equal(object.request_id, response.requestId, 'no id of its own: the last request');
  assert.equal(text.error, 'just a string');
  assert.equal(text.error_type, 'string');
});

test('errors: reportErrors/reportRejections false switch the listeners off', async () => {
  const page = makePage({ install: { reportErrors: false, reportRejections: false } });
  page.dispatch('error', { message: 'x', error: new Error('x') });
  page.dispatch('unhandledrejection', { reason: new Error('y') });
  await settle();
  assert.equal(page.reports.length, 0);
});

// ------------------------------------------------------------------------------------------ limits

test('limits: at most maxReportsPerMinute are sent; the next one counts what was dropped', async () => {
  const page = makePage();
  const results = await Promise.all(Array.from({ length: 25 }, (_, i) => page.RT.report({ message: `distinct ${i}` })));
  assert.equal(results.filter((r) => r.sent).length, 20);
  assert.equal(results.filter((r) => r.reason === 'rate_limited').length, 5);
  assert.equal(page.reports.length, 20);
  assert.deepEqual(page.reports.map((r) => r.message), Array.from({ length: 20 }, (_, i) => `distinct ${i}`));
});

test('limits: identical repeats are collapsed and counted on the next one sent', async () => {
  const page = makePage({ install: { repeatWindowMs: 80 } });
  const error = new TypeError('x is not a function');
  for (let i = 0; i < 5; i++) page.dispatch('error', { message: error.message, error });
  page.dispatch('error', { message: 'other', error: new Error('other') });
  await until(() => page.reports.length === 2, 'two reports');
  await settle();
  assert.deepEqual(page.reports.map((r) => r.message), ['x is not a function', 'other']);
  await new Promise((resolve) => setTimeout(resolve, 100));
  page.dispatch('error', { message: error.message, error });
  await until(() => page.reports.length === 3, 'the repeat after the window');
  assert.equal(page.reports[2].repeated, 4);
});

test('limits: message, error and stack are truncated to their byte caps on a character boundary', async () => {
  const page = makePage({ install: { maxMessageBytes: 4096, maxStackBytes: 16384 } });
  const error = new Error('é'.repeat(10000)); // 2 bytes each
  error.stack = 'at frame\n'.repeat(5000); // 45,000 bytes
  await page.RT.report({ level: 'error', message: '€'.repeat(5000), error });
  const [report] = page.reports;
  const bytes = (text) => Buffer.byteLength(text, 'utf8');
  assert.ok(bytes(report.message) <= 4096, `message ${bytes(report.message)} bytes`);
  assert.ok(bytes(report.message) > 4000);
  assert.ok(report.message.endsWith('…[truncated]'));
  assert.ok(!report.message.includes('\uFFFD'), 'no broken character');
  assert.ok(bytes(report.error) <= 4096);
  assert.ok(bytes(report.stack) <= 16384 && bytes(report.stack) > 16000);
  assert.ok(bytes(JSON.stringify(report)) < 64 * 1024);
});

test('limits: an over-large report still fits the receiver limit', async () => {
  const page = makePage({ install: { maxMessageBytes: 50000, maxStackBytes: 50000 } });
  await page.RT.report({ message: 'm'.repeat(50000), error: 'e'.repeat(50000), stack: 's'.repeat(50000) });
  const [report] = page.reports;
  assert.ok(Buffer.byteLength(JSON.stringify(report)) <= 60000);
  assert.equal(report.stack, undefined);
});

// ------------------------------------------------------------------------------------------ no loops

test('no loop: with the receiver down and no beacon, each failure is tried once and nothing else is reported', async () => {
  const page = makePage({
    receiver: 'down',
    beacon: false,
    app: () => {
      throw new TypeError('Failed to fetch');
    },
  });
  const results = recordResults(page);
  await assert.rejects(page.window.fetch('/api/hello'));
  page.dispatch('error', { message: 'boom', error: new Error('boom') });
  await until(() => results.length === 2, 'two results');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(page.receiverPosts, 2, 'one POST per report, no retries, no reports about reports');
  assert.equal(results.length, 2);
  assert.deepEqual(results.map((r) => r.result.reason), ['unreachable', 'unreachable']);
  assert.equal(page.appCalls.length, 1);
  assert.equal(page.listeners.unhandledrejection.length, 1);
});

test('no loop: fetches to the receiver itself are not reported, and reports made from onReport are refused', async () => {
  const page = makePage({ receiver: 500 });
  let nested;
  page.RT.onReport(() => {
    nested = page.RT.report({ message: 'from inside onReport' });
  });
  const result = await page.RT.report({ message: 'outer' });
  assert.equal(result.reason, 'http_500');
  assert.equal((await nested).reason, 'recursive');
  const own = await page.window.fetch(`${RECEIVER}/api/frontend-log`, { method: 'POST', keepalive: true, mode: 'cors', headers: { 'Content-Type': 'application/json' }, body: '{"message":"m"}' });
  assert.equal(own.status, 500);
  await settle();
  assert.equal(page.receiverPosts, 2, 'the outer report and the page\'s own POST, nothing more');
});

test('never throws: broken listeners, odd fetch arguments and odd events stay inside', async () => {
  const page = makePage();
  page.RT.onReport(() => {
    throw new Error('listener bug');
  });
  assert.deepEqual({ ...(await page.RT.report({ message: 'x' })) }, { sent: true, via: 'fetch', status: 202 });
  page.dispatch('error', undefined);
  page.dispatch('error', {});
  page.dispatch('unhandledrejection', { reason: Object.create(null) });
  page.dispatch('unhandledrejection', { get reason() { return undefined; } });
  await page.window.fetch({ toString: () => '/weird' });
  await settle();
  assert.equal(page.appCalls[0].url, `${ORIGIN}/weird`);
});

// ------------------------------------------------------------------------------------------ install

test('install: auto-installs from its script tag data attributes; the meta tag gives the receiver otherwise', async () => {
  const attributes = { 'data-service': 'tagged', 'data-build': 'b-7', 'data-propagate-to': 'https://api.example.com, https://x.example.com' };
  const document = {
    currentScript: { getAttribute: (name) => attributes[name] ?? null, hasAttribute: (name) => name in attributes },
    querySelector: (selector) => (selector === 'meta[name="trace-receiver"]' ? { getAttribute: () => RECEIVER } : null),
    addEventListener() {},
  };
  const page = makePage({ document, autoInstall: false });
  assert.equal(page.RT.installed, true);
  assert.equal(page.RT.options.receiver, RECEIVER);
  assert.equal(page.RT.options.service, 'tagged');
  assert.deepEqual([...page.RT.options.propagateTo], ['https://api.example.com', 'https://x.example.com']);
  await page.window.fetch('https://x.example.com/p');
  assert.match(page.appCalls[0].headers.get('x-request-id'), UUID_V7);
  await page.RT.report({ message: 'hi' });
  assert.equal(page.reports[0].service, 'tagged');
  assert.equal(page.reports[0].context.build, 'b-7');
});

test('install: twice wraps fetch once; uninstall restores it; no receiver means no reports', async () => {
  const page = makePage({ autoInstall: false });
  const original = page.window.fetch;
  page.RT.install({});
  const wrapped = page.window.fetch;
  page.RT.install({ service: 'again' });
  assert.equal(page.window.fetch, wrapped);
  assert.equal(page.listeners.error.length, 1);
  assert.equal((await page.RT.report({ message: 'x' })).reason, 'no_receiver');
  page.RT.uninstall();
  assert.equal(page.window.fetch, original);
  assert.equal(page.listeners.error.length, 0);
});
