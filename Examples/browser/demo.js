// The demo page's behaviour (no inline scripts: the page is served with CSP script-src 'self').
//
// Each button click appends an <li> to #results with
//   data-action      the button id
//   data-request-id  the id of the request the click made (as the gateway answered it)
//   data-status      that request's HTTP status ('' when it did not complete)
//   data-done        "true" once the click's reports were handed to the receiver (at once when there
//                    is nothing to report); data-report then says how: "sent", "none", or why not
//                    ("rate_limited", "duplicate", "unreachable", "http_429", "timeout", ...)
// and a "view trace" link to <receiver>/?id=<request id>.
(function () {
  'use strict';

  var RT = window.RequestTracing;
  var meta = document.querySelector('meta[name="trace-receiver"]');
  var receiver = ((meta && meta.getAttribute('content')) || 'http://127.0.0.1:7890').replace(/\/+$/, '');
  var REPORT_TIMEOUT_MS = 15000;

  RT.install({ receiver: receiver, service: 'browser-demo', build: 'examples-demo' });

  document.getElementById('receiver-url').textContent = receiver;
  document.getElementById('receiver-link').href = receiver + '/';

  // ------------------------------------------------------------------ waiting for reports

  var seen = []; // every { report, result } so far, so a waiter registered late still finds its report
  var waiters = [];

  RT.onReport(function (report, result) {
    var entry = { report: report, result: result };
    seen.push(entry);
    if (seen.length > 200) seen.shift();
    waiters = waiters.filter(function (waiter) {
      if (!waiter.match(report)) return true;
      waiter.resolve(entry);
      return false;
    });
  });

  /** Resolves with the first { report, result } matching `match`, or { timeout: true } after a while. */
  function waitForReport(match) {
    for (var i = 0; i < seen.length; i++) {
      if (seen[i].report && match(seen[i].report)) {
        var found = seen.splice(i, 1)[0];
        return Promise.resolve(found);
      }
    }
    return new Promise(function (resolve) {
      var waiter = { match: match, resolve: resolve };
      waiters.push(waiter);
      setTimeout(function () {
        var index = waiters.indexOf(waiter);
        if (index >= 0) {
          waiters.splice(index, 1);
          resolve({ timeout: true });
        }
      }, REPORT_TIMEOUT_MS);
    });
  }

  function reportFor(event, requestId) {
    return waitForReport(function (report) {
      return report.event === event && report.request_id === requestId;
    });
  }

  // ------------------------------------------------------------------ result lines

  var results = document.getElementById('results');

  function addLine(action, label) {
    var item = document.createElement('li');
    item.setAttribute('data-action', action);
    item.setAttribute('data-request-id', '');
    item.setAttribute('data-status', '');
    item.className = 'pending';
    var title = document.createElement('span');
    title.className = 'label';
    title.textContent = label;
    var detail = document.createElement('span');
    detail.className = 'detail';
    detail.textContent = 'requesting…';
    var links = document.createElement('span');
    links.className = 'links';
    item.appendChild(title);
    item.appendChild(detail);
    item.appendChild(links);
    results.insertBefore(item, results.firstChild);
    var hint = document.getElementById('hint');
    if (hint) hint.className = 'hint hidden';
    return item;
  }

  function setDetail(item, text) {
    item.querySelector('.detail').textContent = text;
  }

  function setRequest(item, requestId, status) {
    item.setAttribute('data-request-id', requestId || '');
    item.setAttribute('data-status', status ? String(status) : '');
    var links = item.querySelector('.links');
    links.textContent = '';
    if (!requestId) return;
    var id = document.createElement('code');
    id.className = 'request-id';
    id.textContent = requestId;
    var view = document.createElement('a');
    view.className = 'view-trace';
    view.href = receiver + '/?id=' + encodeURIComponent(requestId);
    view.target = '_blank';
    view.rel = 'noopener';
    view.textContent = 'view trace';
    var json = document.createElement('a');
    json.className = 'trace-json';
    json.href = receiver + '/api/debug/trace/' + encodeURIComponent(requestId);
    json.target = '_blank';
    json.rel = 'noopener';
    json.textContent = 'JSON';
    links.appendChild(id);
    links.appendChild(view);
    links.appendChild(json);
  }

  /** Marks the line done; `entries` are the { report, result } (or { timeout }) it waited for. */
  function finish(item, entries, text) {
    var outcome = 'none';
    var reported = [];
    for (var i = 0; i < (entries || []).length; i++) {
      var entry = entries[i];
      var how = entry.timeout ? 'timeout' : entry.result.sent ? 'sent' : entry.result.reason || 'failed';
      if (outcome === 'none' || outcome === 'sent') outcome = how;
      if (entry.report) reported.push(entry.report.event + ' (' + entry.report.level + ')' + (entry.result.sent ? ' sent via ' + entry.result.via : ' not sent: ' + how));
      if (entry.report && entry.report.request_id) item.setAttribute('data-linked-request-id', entry.report.request_id);
    }
    setDetail(item, text + (reported.length ? ' · reported: ' + reported.join(', ') : ' · nothing to report'));
    item.setAttribute('data-report', outcome);
    item.className = outcome === 'none' ? 'ok' : outcome === 'sent' ? 'reported' : 'not-reported';
    item.setAttribute('data-done', 'true');
  }

  /** Requests `path`; resolves with { response, requestId, status } or { error, requestId }. */
  function request(path) {
    return fetch(path, { headers: { Accept: 'application/json, text/plain' } }).then(
      function (response) {
        return { response: response, requestId: response.requestId || response.headers.get('X-Request-ID'), status: response.status };
      },
      function (error) {
        return { error: error, requestId: error && error.requestId, status: 0 };
      }
    );
  }

  /** A network failure: the wrapped fetch reports it itself; wait for that report. */
  function networkFailure(item, outcome, path) {
    setRequest(item, outcome.requestId, 0);
    return reportFor('fetch_failed', outcome.requestId).then(function (entry) {
      finish(item, [entry], 'GET ' + path + ' failed: ' + outcome.error.message);
    });
  }

  // ------------------------------------------------------------------ the four actions

  var actions = {
    'checkout-ok': function (item) {
      var path = '/api/checkout';
      return request(path).then(function (outcome) {
        if (outcome.error) return networkFailure(item, outcome, path);
        setRequest(item, outcome.requestId, outcome.status);
        if (outcome.status >= 400) {
          return reportFor('fetch_failed', outcome.requestId).then(function (entry) {
            finish(item, [entry], 'GET ' + path + ' → ' + outcome.status);
          });
        }
        return outcome.response.json().then(
          function (body) {
            var inventory = body && body.inventory && body.inventory.request_id === outcome.requestId;
            finish(item, [], 'GET ' + path + ' → ' + outcome.status + (inventory ? ' (gateway and inventory logged the same request id)' : ''));
          },
          function () {
            finish(item, [], 'GET ' + path + ' → ' + outcome.status);
          }
        );
      });
    },

    'checkout-fail': function (item) {
      var path = '/api/checkout?fail=1';
      return request(path).then(function (outcome) {
        if (outcome.error) return networkFailure(item, outcome, path);
        setRequest(item, outcome.requestId, outcome.status);
        setDetail(item, 'GET ' + path + ' → ' + outcome.status + ' · reporting…');
        return reportFor('fetch_failed', outcome.requestId).then(function (entry) {
          finish(item, [entry], 'GET ' + path + ' → ' + outcome.status);
        });
      });
    },

    'js-error': function (item) {
      var path = '/api/hello';
      return request(path).then(function (outcome) {
        if (outcome.error) return networkFailure(item, outcome, path);
        setRequest(item, outcome.requestId, outcome.status);
        setDetail(item, 'GET ' + path + ' → ' + outcome.status + ' · throwing a TypeError…');
        var reported = reportFor('js_error', outcome.requestId);
        // A bug in code that runs after the response, outside any promise: it reaches window.onerror.
        // The error carries no request id; the script links it to the request that just finished.
        setTimeout(function renderGreeting() {
          var greeting = { text: 'Hello' };
          greeting.render(); // TypeError: greeting.render is not a function
        }, 0);
        return reported.then(function (entry) {
          finish(item, [entry], 'GET ' + path + ' → ' + outcome.status + ', then TypeError: greeting.render is not a function');
        });
      });
    },

    'promise-rejection': function (item) {
      var path = '/api/missing-item';
      return request(path).then(function (outcome) {
        if (outcome.error) return networkFailure(item, outcome, path);
        setRequest(item, outcome.requestId, outcome.status);
        setDetail(item, 'GET ' + path + ' → ' + outcome.status + ' · rejecting a promise…');
        var reports = [reportFor('unhandled_rejection', outcome.requestId)];
        if (outcome.status >= 400) reports.unshift(reportFor('fetch_failed', outcome.requestId));
        // Nobody handles this rejection: the script reports it, linked through error.requestId.
        Promise.reject(RT.error('Item not found (HTTP ' + outcome.status + ')', outcome.requestId, 'ItemNotFoundError'));
        return Promise.all(reports).then(function (entries) {
          finish(item, entries, 'GET ' + path + ' → ' + outcome.status + ', then an unhandled rejection');
        });
      });
    }
  };

  Object.keys(actions).forEach(function (action) {
    var button = document.getElementById(action);
    if (!button) return;
    button.addEventListener('click', function () {
      var item = addLine(action, button.querySelector('strong').textContent);
      actions[action](item).catch(function (error) {
        setDetail(item, 'demo failed: ' + (error && error.message));
        item.setAttribute('data-report', 'error');
        item.setAttribute('data-done', 'true');
      });
    });
  });
})();
