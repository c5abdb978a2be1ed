/*!
 * request-tracing.js: request ids and error reports for the browser, for the RequestTracing
 * trace receiver. No dependencies, no build step, ES2017.
 *
 *   <script src="/request-tracing.js" data-receiver="http://127.0.0.1:7890" data-service="shop-web"></script>
 *
 * or, from your own script:
 *
 *   RequestTracing.install({ receiver: 'http://127.0.0.1:7890', service: 'shop-web', build: 'v1.2.3' });
 *
 * What it does (see README.md next to this file):
 * - wraps window.fetch: same-origin requests (and origins in `propagateTo`) get an X-Request-ID header
 *   (a new UUIDv7 unless the caller set one); the id the server answers with (else the one sent) is
 *   remembered as the page's last request and put on the response as `response.requestId`;
 * - reports failed fetches (network error, HTTP 5xx, HTTP 4xx), uncaught errors and unhandled promise
 *   rejections to <receiver>/api/frontend-log, each with the request id it relates to;
 * - never throws into the page and never reports its own reporting failures.
 */
(function (root) {
  'use strict';

  if (!root || (root.RequestTracing && root.RequestTracing.__requestTracing)) return;

  var VERSION = '0.1.0';
  var HEADER = 'X-Request-ID';
  var EVENTS = { fetch: 'fetch_failed', error: 'js_error', rejection: 'unhandled_rejection' };
  var LEVELS = ['trace', 'debug', 'info', 'notice', 'warning', 'error', 'critical'];

  var DEFAULTS = {
    receiver: null, // base URL of the trace receiver; null reads <meta name="trace-receiver">, else no reports
    service: 'browser', // the `service` of every report
    build: null, // your app's version or commit, sent as context.build
    propagateTo: [], // other origins (strings like 'https://api.example.com', RegExps or functions of the URL)
    reportFetchFailures: true,
    reportErrors: true,
    reportRejections: true,
    // Level per fetch outcome; null or false means "do not report".
    levels: { networkError: 'error', serverError: 'error', clientError: 'warning' },
    ignoreStatuses: [], // HTTP statuses never reported (e.g. [401, 404])
    ignoreUrls: [], // fetches never reported: strings (URL prefixes), RegExps or functions of the URL
    linkWindowMs: 10000, // errors without their own request id link to the last request finished this recently
    maxReportsPerMinute: 20, // client-side cap (the receiver's own default is 30/min per client address)
    repeatWindowMs: 60000, // identical reports within this time are collapsed into a count
    maxMessageBytes: 4096,
    maxStackBytes: 16384,
    maxBodyBytes: 60000, // the receiver accepts 64 KiB per report
    includeQueryString: false, // send URL query strings and fragments (they often hold tokens)
    flushDelayMs: 0, // how long a report may wait to be sent with others
    onReport: null // function (report, result), called after every report attempt
  };

  var state = {
    installed: false,
    options: merge({}, DEFAULTS),
    originalFetch: null,
    wrappedFetch: null,
    lastRequest: null, // { id, method, url, path, status, startedAt, finishedAt }
    queue: [], // [{ report, body, resolve }]
    flushTimer: null,
    sentTimes: [], // send times within the last minute
    droppedSinceLastSent: 0,
    repeats: {}, // key -> { until, suppressed }
    listeners: [],
    reporting: false,
    removeHandlers: []
  };

  // ---------------------------------------------------------------- small helpers

  function merge(target, source) {
    if (!source) return target;
    for (var key in source) {
      if (Object.prototype.hasOwnProperty.call(source, key) && source[key] !== undefined) target[key] = source[key];
    }
    return target;
  }

  function now() {
    return Date.now();
  }

  function isoTimestamp(ms) {
    try {
      return new Date(ms).toISOString();
    } catch (e) {
      return undefined;
    }
  }

  function toArray(value) {
    if (value == null || value === '') return [];
    return Array.isArray(value) ? value : [value];
  }

  function safeString(value) {
    if (value === undefined) return 'undefined';
    if (value === null) return 'null';
    if (typeof value === 'string') return value;
    try {
      if (typeof value === 'object') {
        var json = JSON.stringify(value);
        if (json !== undefined && json !== '{}') return json;
      }
      return String(value);
    } catch (e) {
      return Object.prototype.toString.call(value);
    }
  }

  var encoder = typeof root.TextEncoder === 'function' ? new root.TextEncoder() : null;
  var decoder = typeof root.TextDecoder === 'function' ? new root.TextDecoder() : null;
  var TRUNCATED = '…[truncated]';

  function utf8Length(text) {
    if (encoder) return encoder.encode(text).length;
    return unescape(encodeURIComponent(text)).length;
  }

  /** `text` cut to at most `maxBytes` UTF-8 bytes (marker included), on a character boundary. */
  function truncate(text, maxBytes) {
    if (typeof text !== 'string' || !maxBytes || maxBytes <= 0) return text;
    if (text.length * 3 <= maxBytes || utf8Length(text) <= maxBytes) return text;
    var budget = Math.max(0, maxBytes - utf8Length(TRUNCATED));
    var cut;
    if (encoder && decoder) {
      var bytes = encoder.encode(text).subarray(0, budget);
      // Drop a partial multi-byte character at the end (continuation bytes are 10xxxxxx).
      var end = bytes.length;
      var back = end;
      while (back > 0 && (bytes[back - 1] & 0xc0) === 0x80) back--;
      if (back > 0) {
        var lead = bytes[back - 1];
        var need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
        if (end - (back - 1) < need) end = back - 1;
      }
      cut = decoder.decode(bytes.subarray(0, end));
    } else {
      cut = text.slice(0, Math.floor(budget / 3));
    }
    return cut + TRUNCATED;
  }

  function matches(url, patterns) {
    var list = toArray(patterns);
    for (var i = 0; i < list.length; i++) {
      var pattern = list[i];
      try {
        if (typeof pattern === 'function' ? pattern(url) : pattern && typeof pattern.test === 'function' ? pattern.test(url) : typeof pattern === 'string' && pattern && url.indexOf(pattern) === 0) return true;
      } catch (e) {
        /* a broken pattern matches nothing */
      }
    }
    return false;
  }

  function pageLocation() {
    return root.location || null;
  }

  function absoluteURL(url) {
    var location = pageLocation();
    try {
      return new root.URL(String(url), location ? location.href : undefined);
    } catch (e) {
      return null;
    }
  }

  /** The URL for reports: without query and fragment unless includeQueryString. */
  function reportableURL(url) {
    if (!url) return undefined;
    if (state.options.includeQueryString) return url.href;
    return url.origin + url.pathname;
  }

  function reportablePath(url) {
    if (!url) return undefined;
    return state.options.includeQueryString ? url.pathname + url.search : url.pathname;
  }

  function receiverBase() {
    var receiver = state.options.receiver;
    if (!receiver) return null;
    return String(receiver).replace(/\/+$/, '');
  }

  function receiverEndpoint() {
    var base = receiverBase();
    return base ? base + '/api/frontend-log' : null;
  }

  // ---------------------------------------------------------------- UUIDv7 (RFC 9562 §5.7)

  var lastMs = -1;
  var counter = 0; // the 12-bit rand_a field, used as a counter within one millisecond

  function randomBytes(count) {
    var bytes = new Uint8Array(count);
    var crypto = root.crypto;
    if (crypto && typeof crypto.getRandomValues === 'function') {
      crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < count; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    return bytes;
  }

  function hex(bytes) {
    var out = '';
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    return out;
  }

  /**
   * A new UUIDv7, lowercase, monotonic within the page: ids made in the same millisecond count up in
   * rand_a (seeded randomly, with headroom); past 4095 the timestamp borrows the next millisecond.
   */
  function uuidv7() {
    var random = randomBytes(10);
    var ms = now();
    if (ms > lastMs) {
      lastMs = ms;
      counter = ((random[0] & 0x07) << 8) | random[1]; // 11 bits: room for 2048+ more ids this millisecond
    } else {
      counter++;
      if (counter > 0xfff) {
        lastMs++;
        counter = ((random[0] & 0x07) << 8) | random[1];
      }
    }
    var time = lastMs.toString(16);
    while (time.length < 12) time = '0' + time;
    var randA = (0x7000 | counter).toString(16);
    var tail = random.subarray(2, 10);
    tail[0] = (tail[0] & 0x3f) | 0x80; // variant 10
    var randB = hex(tail);
    return time.slice(0, 8) + '-' + time.slice(8, 12) + '-' + randA + '-' + randB.slice(0, 4) + '-' + randB.slice(4);
  }

  // ---------------------------------------------------------------- request ids on fetch

  function shouldPropagate(url) {
    if (!url) return false;
    var location = pageLocation();
    if (location && url.origin === location.origin) return true;
    var targets = toArray(state.options.propagateTo);
    for (var i = 0; i < targets.length; i++) {
      var target = targets[i];
      if (typeof target === 'string') {
        var origin = absoluteURL(target);
        if (origin && origin.origin === url.origin) return true;
      } else if (matches(url.href, [target])) {
        return true;
      }
    }
    return false;
  }

  function remember(request) {
    state.lastRequest = request;
  }

  function lastRequestWithin(windowMs) {
    var last = state.lastRequest;
    if (!last || !last.id || last.finishedAt == null) return null;
    return now() - last.finishedAt <= windowMs ? last : null;
  }

  function attach(target, name, value) {
    if (!target || (typeof target !== 'object' && typeof target !== 'function')) return;
    try {
      if (target[name] === undefined) Object.defineProperty(target, name, { value: value, configurable: true, writable: true });
    } catch (e) {
      /* frozen or exotic objects keep their shape */
    }
  }

  function tracedFetch(input, init) {
    var original = state.originalFetch;
    var prepared;
    try {
      prepared = prepare(input, init);
    } catch (e) {
      prepared = null;
    }
    if (!prepared) return original.apply(root, arguments);

    var info = prepared.info;
    var promise;
    try {
      promise = original.call(root, input, prepared.init);
    } catch (error) {
      return Promise.reject(failed(error, info));
    }
    return Promise.resolve(promise).then(
      function (response) {
        try {
          succeeded(response, info);
        } catch (e) {
          /* never break the page's fetch */
        }
        return response;
      },
      function (error) {
        throw failed(error, info);
      }
    );
  }

  function prepare(input, init) {
    var isRequest = input && typeof input === 'object' && typeof input.url === 'string' && typeof input.method === 'string';
    var url = absoluteURL(isRequest ? input.url : input);
    var method = String((init && init.method) || (isRequest ? input.method : '') || 'GET').toUpperCase();
    var info = { id: null, method: method, url: url, startedAt: now() };
    if (shouldPropagate(url)) {
      var HeadersClass = root.Headers;
      var source = init && init.headers !== undefined ? init.headers : isRequest ? input.headers : undefined;
      var headers = new HeadersClass(source);
      var existing = headers.get(HEADER);
      if (existing) {
        info.id = existing;
      } else {
        info.id = uuidv7();
        headers.set(HEADER, info.id);
        init = merge({}, init);
        init.headers = headers;
      }
    }
    return { info: info, init: init };
  }

  function succeeded(response, info) {
    var answered = null;
    try {
      answered = response && response.headers ? response.headers.get(HEADER) : null;
    } catch (e) {
      answered = null;
    }
    var id = answered || info.id;
    var status = response ? response.status : undefined;
    var request = { id: id, method: info.method, url: info.url, status: status, startedAt: info.startedAt, finishedAt: now() };
    if (id) {
      remember(request);
      attach(response, 'requestId', id);
    }
    if (!state.options.reportFetchFailures || !status || status < 400 || isIgnored(info.url)) return;
    if (toArray(state.options.ignoreStatuses).indexOf(status) >= 0) return;
    var levels = state.options.levels || {};
    var level = status >= 500 ? levels.serverError : levels.clientError;
    if (!level) return;
    var statusText = response.statusText ? ' ' + response.statusText : '';
    enqueue(
      buildReport({
        level: level,
        event: EVENTS.fetch,
        message: info.method + ' ' + reportablePath(info.url) + ' answered ' + status + statusText,
        error: 'HTTP ' + status + statusText,
        error_type: 'HTTPError',
        request_id: id,
        method: info.method,
        path: reportablePath(info.url),
        status: status
      })
    );
  }

  function failed(error, info) {
    try {
      if (info.id) {
        remember({ id: info.id, method: info.method, url: info.url, status: 0, startedAt: info.startedAt, finishedAt: now() });
        attach(error, 'requestId', info.id);
      }
      var level = (state.options.levels || {}).networkError;
      var aborted = error && error.name === 'AbortError';
      if (state.options.reportFetchFailures && level && !aborted && !isIgnored(info.url)) {
        var description = errorMessage(error);
        enqueue(
          buildReport({
            level: level,
            event: EVENTS.fetch,
            message: info.method + ' ' + reportablePath(info.url) + ' failed: ' + description,
            error: description,
            error_type: errorName(error),
            stack: error && typeof error.stack === 'string' ? error.stack : undefined,
            request_id: info.id,
            method: info.method,
            path: reportablePath(info.url)
          })
        );
      }
    } catch (e) {
      /* the page gets its own error back regardless */
    }
    return error;
  }

  function isIgnored(url) {
    if (!url) return false;
    var base = receiverBase();
    if (base && url.href.indexOf(base + '/') === 0) return true; // never report on the receiver itself
    return matches(url.href, state.options.ignoreUrls);
  }

  // ---------------------------------------------------------------- errors and rejections

  function errorName(value) {
    if (value && typeof value === 'object') {
      if (typeof value.name === 'string' && value.name) return value.name;
      if (value.constructor && typeof value.constructor.name === 'string' && value.constructor.name !== 'Object') return value.constructor.name;
    }
    return value === null ? 'null' : typeof value;
  }

  function errorMessage(value) {
    if (value && typeof value === 'object' && typeof value.message === 'string') return value.message;
    return safeString(value);
  }

  /** The request id an error or rejection relates to: its own (or its cause's), else the last recent request. */
  function relatedRequestId(value) {
    var seen = 0;
    var current = value;
    while (current && typeof current === 'object' && seen < 5) {
      var own;
      try {
        own = current.requestId || current.request_id;
      } catch (e) {
        own = undefined;
      }
      if (typeof own === 'string' && own) return own;
      try {
        current = current.cause;
      } catch (e) {
        current = null;
      }
      seen++;
    }
    var last = lastRequestWithin(state.options.linkWindowMs);
    return last ? last.id : undefined;
  }

  function onError(event) {
    try {
      if (!state.installed || !state.options.reportErrors || !event) return;
      // Resource load failures (img, script) do not bubble to window; only script errors arrive here.
      if (event.message === undefined && event.error === undefined) return;
      var error = event.error;
      var message = (error && typeof error.message === 'string' && error.message) || event.message || 'Script error.';
      var stack = error && typeof error.stack === 'string' ? error.stack : undefined;
      if (!stack && event.filename) stack = 'at ' + event.filename + ':' + (event.lineno || 0) + ':' + (event.colno || 0);
      enqueue(
        buildReport({
          level: 'error',
          event: EVENTS.error,
          message: message,
          error: error ? errorMessage(error) : event.message,
          error_type: error ? errorName(error) : 'Error',
          stack: stack,
          request_id: relatedRequestId(error)
        })
      );
    } catch (e) {
      /* never throw from an error handler */
    }
  }

  function onRejection(event) {
    try {
      if (!state.installed || !state.options.reportRejections || !event) return;
      var reason = event.reason;
      var message = errorMessage(reason);
      enqueue(
        buildReport({
          level: 'error',
          event: EVENTS.rejection,
          message: 'Unhandled promise rejection: ' + message,
          error: message,
          error_type: errorName(reason),
          stack: reason && typeof reason.stack === 'string' ? reason.stack : undefined,
          request_id: relatedRequestId(reason)
        })
      );
    } catch (e) {
      /* never throw from an error handler */
    }
  }

  // ---------------------------------------------------------------- reports

  function buildReport(fields) {
    var options = state.options;
    var location = pageLocation();
    var pageURL = location ? absoluteURL(location.href) : null;
    var navigator = root.navigator;
    var report = {
      timestamp: isoTimestamp(fields.timestamp || now()),
      level: LEVELS.indexOf(fields.level) >= 0 ? fields.level : 'error',
      message: truncate(String(fields.message || fields.error || 'error'), options.maxMessageBytes),
      error: fields.error != null ? truncate(String(fields.error), options.maxMessageBytes) : undefined,
      error_type: fields.error_type ? truncate(String(fields.error_type), 256) : undefined,
      stack: fields.stack ? truncate(String(fields.stack), options.maxStackBytes) : undefined,
      request_id: fields.request_id || undefined,
      service: options.service || 'browser',
      event: fields.event,
      method: fields.method,
      path: fields.path ? truncate(fields.path, 2048) : undefined,
      status: fields.status || undefined,
      context: {
        url: pageURL ? truncate(reportableURL(pageURL), 2048) : undefined,
        ua: navigator && navigator.userAgent ? truncate(String(navigator.userAgent), 512) : undefined,
        build: options.build ? truncate(String(options.build), 256) : undefined
      }
    };
    return compact(report);
  }

  /** `value` without undefined, null and empty-string members (recursively for plain objects). */
  function compact(value) {
    var out = {};
    for (var key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      var member = value[key];
      if (member === undefined || member === null || member === '') continue;
      if (typeof member === 'object' && !Array.isArray(member)) {
        member = compact(member);
        if (Object.keys(member).length === 0) continue;
      }
      out[key] = member;
    }
    return out;
  }

  function repeatKey(report) {
    var firstStackLine = report.stack ? report.stack.split('\n', 2).join('\n') : '';
    return [report.level, report.event, report.message, report.error_type, firstStackLine, report.request_id || '', report.status || ''].join('\u0001');
  }

  function finish(entry, result) {
    var listeners = state.listeners.slice();
    if (typeof state.options.onReport === 'function') listeners.unshift(state.options.onReport);
    for (var i = 0; i < listeners.length; i++) {
      try {
        listeners[i](entry.report, result);
      } catch (e) {
        /* a listener's failure is the listener's */
      }
    }
    entry.resolve(result);
  }

  /**
   * Queues a report (after the repeat and rate checks); resolves with
   * { sent, via: 'fetch'|'beacon'|null, status?, reason? } once it has been handed over or dropped.
   */
  function enqueue(report) {
    var resolve;
    var promise = new Promise(function (r) {
      resolve = r;
    });
    var entry = { report: report, resolve: resolve };
    try {
      if (state.reporting) {
        // A report made while a report is being handled (e.g. from an onReport listener) could loop.
        finish(entry, { sent: false, via: null, reason: 'recursive' });
        return promise;
      }
      var options = state.options;
      if (!receiverEndpoint()) {
        finish(entry, { sent: false, via: null, reason: 'no_receiver' });
        return promise;
      }
      var time = now();
      var key = repeatKey(report);
      var repeat = state.repeats[key];
      if (repeat && time < repeat.until) {
        repeat.suppressed++;
        finish(entry, { sent: false, via: null, reason: 'duplicate' });
        return promise;
      }
      while (state.sentTimes.length && time - state.sentTimes[0] >= 60000) state.sentTimes.shift();
      if (options.maxReportsPerMinute > 0 && state.sentTimes.length >= options.maxReportsPerMinute) {
        state.droppedSinceLastSent++;
        finish(entry, { sent: false, via: null, reason: 'rate_limited' });
        return promise;
      }
      state.sentTimes.push(time);
      if (repeat && repeat.suppressed > 0) report.repeated = repeat.suppressed; // identical reports collapsed
      state.repeats[key] = { until: time + options.repeatWindowMs, suppressed: 0 };
      pruneRepeats(time);
      if (state.droppedSinceLastSent > 0) {
        report.dropped_before = state.droppedSinceLastSent; // reports dropped by the client-side cap
        state.droppedSinceLastSent = 0;
      }
      entry.body = encodeBody(report);
      state.queue.push(entry);
      scheduleFlush();
    } catch (e) {
      finish(entry, { sent: false, via: null, reason: 'error' });
    }
    return promise;
  }

  function pruneRepeats(time) {
    var keys = Object.keys(state.repeats);
    if (keys.length < 200) return;
    for (var i = 0; i < keys.length; i++) if (state.repeats[keys[i]].until <= time) delete state.repeats[keys[i]];
  }

  function encodeBody(report) {
    var body = JSON.stringify(report);
    var limit = state.options.maxBodyBytes;
    if (limit > 0 && utf8Length(body) > limit) {
      delete report.stack;
      body = JSON.stringify(report);
      if (utf8Length(body) > limit) {
        report.message = truncate(report.message, 1024);
        delete report.error;
        body = JSON.stringify(report);
      }
    }
    return body;
  }

  function scheduleFlush() {
    if (state.flushTimer !== null) return;
    state.flushTimer = root.setTimeout(function () {
      state.flushTimer = null;
      flush();
    }, state.options.flushDelayMs || 0);
  }

  /** Sends everything queued: with fetch, or with sendBeacon when `useBeacon` (page going away). */
  function flush(useBeacon) {
    var entries = state.queue;
    state.queue = [];
    if (useBeacon && state.flushTimer !== null) {
      try {
        root.clearTimeout(state.flushTimer);
      } catch (e) {
        /* ignore */
      }
      state.flushTimer = null;
    }
    var pending = [];
    for (var i = 0; i < entries.length; i++) pending.push(useBeacon ? sendWithBeacon(entries[i]) : send(entries[i]));
    return Promise.all(pending);
  }

  function send(entry) {
    var url = receiverEndpoint();
    var fetch = state.originalFetch || (typeof root.fetch === 'function' && !root.fetch.__requestTracing ? root.fetch : null);
    if (!fetch) return sendWithBeacon(entry);
    var attempt;
    try {
      attempt = fetch.call(root, url, {
        method: 'POST',
        keepalive: true,
        mode: 'cors',
        credentials: 'omit',
        headers: { 'Content-Type': 'application/json' },
        body: entry.body
      });
    } catch (e) {
      return sendWithBeacon(entry);
    }
    return Promise.resolve(attempt).then(
      function (response) {
        var status = response ? response.status : 0;
        var ok = status >= 200 && status < 300;
        settle(entry, ok ? { sent: true, via: 'fetch', status: status } : { sent: false, via: 'fetch', status: status, reason: 'http_' + status });
      },
      function () {
        // Network failure, CORS refusal or keepalive quota: a beacon with text/plain needs no preflight.
        return sendWithBeacon(entry);
      }
    ).catch(function () {
      /* nothing may escape as an unhandled rejection: it would be reported */
    });
  }

  function sendWithBeacon(entry) {
    var navigator = root.navigator;
    var queued = false;
    try {
      if (navigator && typeof navigator.sendBeacon === 'function') {
        var body = typeof root.Blob === 'function' ? new root.Blob([entry.body], { type: 'text/plain' }) : entry.body;
        queued = navigator.sendBeacon.call(navigator, receiverEndpoint(), body) === true;
      }
    } catch (e) {
      queued = false;
    }
    settle(entry, queued ? { sent: true, via: 'beacon' } : { sent: false, via: 'beacon', reason: 'unreachable' });
    return Promise.resolve();
  }

  function settle(entry, result) {
    state.reporting = true;
    try {
      finish(entry, result);
    } finally {
      state.reporting = false;
    }
  }

  // ---------------------------------------------------------------- page lifecycle

  function onPageHide() {
    try {
      flush(true);
    } catch (e) {
      /* ignore */
    }
  }

  function onVisibilityChange() {
    try {
      var document = root.document;
      if (document && document.visibilityState === 'hidden') flush(true);
    } catch (e) {
      /* ignore */
    }
  }

  function listen(target, type, handler) {
    if (!target || typeof target.addEventListener !== 'function') return;
    target.addEventListener(type, handler);
    state.removeHandlers.push(function () {
      if (typeof target.removeEventListener === 'function') target.removeEventListener(type, handler);
    });
  }

  function metaReceiver() {
    try {
      var document = root.document;
      var meta = document && document.querySelector ? document.querySelector('meta[name="trace-receiver"]') : null;
      var content = meta && meta.getAttribute('content');
      return content ? content : null;
    } catch (e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- public API

  /**
   * Installs the fetch wrapper and the error listeners (once; calling again only updates the options).
   * Returns the RequestTracing object.
   */
  function install(options) {
    var previous = state.installed ? state.options : DEFAULTS;
    var merged = merge(merge({}, previous), options || {});
    merged.levels = merge(merge({}, previous.levels), options && options.levels);
    if (!merged.receiver) merged.receiver = metaReceiver();
    state.options = merged;
    if (state.installed) return api;
    state.installed = true;

    var fetch = root.fetch;
    if (typeof fetch === 'function') {
      state.originalFetch = fetch.__requestTracingOriginal || fetch;
      var wrapped = function fetch(input, init) {
        return tracedFetch.apply(this, arguments);
      };
      try {
        Object.defineProperty(wrapped, '__requestTracing', { value: true });
        Object.defineProperty(wrapped, '__requestTracingOriginal', { value: state.originalFetch });
      } catch (e) {
        /* ignore */
      }
      state.wrappedFetch = wrapped;
      root.fetch = wrapped;
    }
    listen(root, 'error', onError);
    listen(root, 'unhandledrejection', onRejection);
    listen(root, 'pagehide', onPageHide);
    listen(root.document, 'visibilitychange', onVisibilityChange);
    return api;
  }

  /** Restores window.fetch and removes the listeners (queued reports are sent first). */
  function uninstall() {
    if (!state.installed) return;
    flush(false);
    if (state.wrappedFetch && root.fetch === state.wrappedFetch) root.fetch = state.originalFetch;
    for (var i = 0; i < state.removeHandlers.length; i++) state.removeHandlers[i]();
    state.removeHandlers = [];
    state.installed = false;
    state.wrappedFetch = null;
  }

  /** An Error carrying `requestId`, so its report (when thrown or rejected unhandled) links to that request. */
  function makeError(message, requestId, name) {
    var error = new Error(message);
    if (typeof Error.captureStackTrace === 'function') Error.captureStackTrace(error, makeError); // stack starts at the caller
    if (name) error.name = name;
    if (requestId) error.requestId = String(requestId);
    return error;
  }

  /** Sends a report of your own: { level, message, error, error_type, stack, request_id, event, ... }. */
  function manualReport(fields) {
    try {
      var input = merge({}, fields || {});
      if (input.error && typeof input.error === 'object') {
        var error = input.error;
        input.error = errorMessage(error);
        if (!input.error_type) input.error_type = errorName(error);
        if (!input.stack && typeof error.stack === 'string') input.stack = error.stack;
        if (!input.request_id) input.request_id = relatedRequestId(error);
      }
      if (!input.event) input.event = 'frontend_report';
      if (!input.level) input.level = 'error';
      return enqueue(buildReport(input));
    } catch (e) {
      return Promise.resolve({ sent: false, via: null, reason: 'error' });
    }
  }

  /** Calls `listener(report, result)` after every report attempt; returns a function that stops it. */
  function onReport(listener) {
    if (typeof listener !== 'function') return function () {};
    state.listeners.push(listener);
    return function () {
      var index = state.listeners.indexOf(listener);
      if (index >= 0) state.listeners.splice(index, 1);
    };
  }

  var api = {
    version: VERSION,
    install: install,
    uninstall: uninstall,
    uuidv7: uuidv7,
    error: makeError,
    report: manualReport,
    onReport: onReport,
    /** Sends queued reports now (with sendBeacon when `useBeacon` is true). */
    flush: function (useBeacon) {
      try {
        return flush(useBeacon === true).then(function () {});
      } catch (e) {
        return Promise.resolve();
      }
    },
    /** The request id an error (or anything thrown) relates to, by the same rules as reports. */
    requestIdFor: function (value) {
      try {
        return relatedRequestId(value);
      } catch (e) {
        return undefined;
      }
    },
    get lastRequest() {
      var last = state.lastRequest;
      if (!last) return null;
      return { id: last.id, method: last.method, path: reportablePath(last.url), status: last.status, startedAt: last.startedAt, finishedAt: last.finishedAt };
    },
    get options() {
      return merge({}, state.options);
    },
    get installed() {
      return state.installed;
    }
  };
  Object.defineProperty(api, '__requestTracing', { value: true });
  root.RequestTracing = api;

  // Auto-install from <script src="request-tracing.js" data-receiver="…" data-service="…" data-build="…">.
  try {
    var script = root.document && root.document.currentScript;
    if (script && typeof script.getAttribute === 'function' && (script.hasAttribute('data-receiver') || script.hasAttribute('data-service'))) {
      var propagate = script.getAttribute('data-propagate-to');
      install({
        receiver: script.getAttribute('data-receiver') || undefined,
        service: script.getAttribute('data-service') || undefined,
        build: script.getAttribute('data-build') || undefined,
        propagateTo: propagate ? propagate.split(/[\s,]+/).filter(Boolean) : undefined
      });
    }
  } catch (e) {
    /* a page without a DOM installs by hand */
  }
})(typeof window !== 'undefined' ? window : typeof globalThis !== 'undefined' ? globalThis : this);
