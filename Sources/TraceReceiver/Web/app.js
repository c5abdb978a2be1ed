/*
 * trace-receiver web UI: "what happened to request X?"
 *
 * Plain script, no build step. The page is served under a strict CSP, so nothing here uses
 * innerHTML or inline styles: every piece of API data (untrusted) is rendered with textContent,
 * and positions are set through the CSSOM (element.style.left = ...).
 *
 * Structure:
 *   1. Helpers      el(), cleanText(), time parsing to microseconds, formatting, service colours
 *   2. API          api(): fetch + JSON + error bodies ({"error","message"}) as ApiError
 *   3. URL state    filters and the open request id <-> query string (push/replace/popstate)
 *   4. List         fetch /api/requests, render rows, selection, empty/error states
 *   5. Live         EventSource('/api/live'), throttled list refresh, pause toggle, indicator
 *   6. View         fetch /api/debug/trace/{id}, model (offsets, span tree), header, waterfall, logs
 *   7. Keyboard     shortcuts, help dialog, copy to clipboard
 *   8. Boot
 *
 * DOM contract (stable hooks for tests and tooling):
 *   #filters [name=service|level|source|q|since|view]  filter controls, mirrored in the query string
 *       (view: "" lists requests, "lines" lists the newest matching log lines, with or without a request id)
 *       (q's words @key=value and @key:"a value" are field conditions, read by the receiver)
 *   #list-status[data-state=loading|ok|empty|error]  list state; error text is the API error body
 *   #request-table[aria-busy=true]  while the list is being fetched (old rows stay shown meanwhile)
 *   details.log-fields[open] .field-filter[data-search-word]  adds its @key=value word to the search
 *   #request-rows > tr.req-row[data-request-id][data-failed=true|false][aria-selected]
 *   #request-rows > tr.line-row[data-level][data-request-id]  in the lines view; a click opens the line's
 *       request, or (a line without one) shows its whole text in the tr.line-detail after it
 *   #live-status[data-state=connecting|live|paused|disconnected], #live-toggle[aria-pressed]
 *   #store-status[hidden]  shown while /health says the store cannot write (a full disk)
 *   #request-view[data-request-id][data-state=loading|ready|error]
 *       [data-rendered=true][data-render-ms][data-load-ms]   set once the view is built
 *       (data-rendered/-render-ms/-load-ms are removed whenever a new view starts loading)
 *     #rv-id, #rv-trace-id, #rv-status, #rv-duration, #rv-errors, #rv-services, #rv-message
 *     .waterfall
 *       .wf-row.wf-span[data-service][data-span-id][data-depth][data-status=ok|error]  one per span
 *       .wf-row.wf-browser[data-service=browser]  .wf-marker[data-source=frontend][data-level]
 *     .logs > .log-line[data-level][data-service][data-source][data-inferred=true]
 *       .tag-inferred, pre.log-error, details.log-fields
 *   performance.measure('request-view-render') (DOM build) and ('request-view-load') (fetch+build)
 *   URL: /?id=<request id>&service=&level=&source=&q=&since=&view=
 */
'use strict';

const FILTER_KEYS = ['service', 'level', 'source', 'q', 'since', 'view'];
// Null-prototype lookups: a record's level ("constructor", "__proto__", ...) is untrusted text.
const LEVEL_RANK = Object.assign(Object.create(null), { trace: 0, debug: 1, info: 2, notice: 3, warning: 4, error: 5, critical: 6 });
const LEVEL_LABEL = Object.assign(Object.create(null), { warning: 'WARN', critical: 'CRIT' });
const LIST_LIMIT = 50;
const LINES_LIMIT = 200;
const MAX_LINES_SHOWN = 5000;       // older pages stop being offered past this many lines
const LIVE_MIN_INTERVAL_MS = 500;   // at most ~2 list refreshes per second
const TYPING_DEBOUNCE_MS = 250;
const RECONNECT_MS = 5000;
const MAX_TEXT = 4000;              // longer strings are cut (with a note) before display
const LONG_MESSAGE = 400;           // longer messages are clamped to a few lines until expanded
const SERVICE_COLOURS = 8;

const state = {
  filters: { service: '', level: '', source: '', q: '', since: '', view: '' },
  requests: [],
  lines: [],            // the lines view's records: the newest page
  olderLines: [],       // …then the older pages asked for ("Show older lines"), kept across live refreshes
  linesCursor: null,    // where the page after the shown lines starts (null: none)
  olderFor: '',         // the filters the older pages were read with
  shownLines: [],       // what renderLines() listed, row by row
  selectedLine: null,   // the lineKey() of the line selected with j/k or a click, kept across refreshes
  openLines: new Set(), // lineKey()s of lines whose detail is shown, kept across live refreshes
  selectedId: null,
  openId: null,
  viewMissing: false,   // the open request's trace answered 404 (its records may still arrive)
  model: null,
  paused: false,
  missedUpdates: 0,
  liveState: 'connecting',
  services: new Set(),
  colours: new Map(),
};

const $ = (id) => document.getElementById(id);

/* ---------------------------------------------------------------- 1. Helpers */

// Control characters (except tab/newline) become visible symbols; bidi overrides are dropped.
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
const BIDI_CHARS = /[\u202a-\u202e\u2066-\u2069]/g;

function cleanText(value, max = MAX_TEXT) {
  let text = String(value)
    .replace(CONTROL_CHARS, (c) => (c === '\u007f' ? '\u2421' : String.fromCharCode(0x2400 + c.charCodeAt(0))))
    .replace(BIDI_CHARS, '');
  if (text.length > max) text = `${text.slice(0, max)}… (${text.length - max} more characters)`;
  return text;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = cleanText(text);
  return node;
}

function isNumber(value) {
  return typeof value === 'number' && Number.isFinite(value);
}

// RFC 3339 -> microseconds since the epoch (Date.parse would drop everything below a millisecond).
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:?\d{2})?$/;

function parseMicros(text) {
  const m = RFC3339.exec(typeof text === 'string' ? text.trim() : '');
  if (!m) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : ms * 1000;
  }
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  const fraction = m[7] ? Number(`${m[7]}000000`.slice(0, 6)) : 0;
  let offsetMinutes = 0;
  if (m[8] && m[8] !== 'Z' && m[8] !== 'z') {
    const digits = m[8].slice(1).replace(':', '');
    offsetMinutes = (m[8][0] === '-' ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  return ms * 1000 + fraction - offsetMinutes * 60e6;
}

function formatMs(ms) {
  if (!isNumber(ms)) return '—';
  const abs = Math.abs(ms);
  if (abs >= 10000) return `${(ms / 1000).toFixed(1)} s`;
  if (abs >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (abs >= 100) return `${ms.toFixed(1)} ms`;
  if (abs >= 10) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(3)} ms`;
}

function formatOffset(ms) {
  return (ms < 0 ? '−' : '+') + formatMs(Math.abs(ms));
}

// Axis labels: as few digits as the tick step needs.
function formatTick(ms, step) {
  if (step >= 1000) return `${+(ms / 1000).toFixed(3)} s`;
  const decimals = Math.max(0, Math.min(3, Math.ceil(-Math.log10(step))));
  return `${ms.toFixed(decimals)} ms`;
}

function pad(n, width = 2) {
  return String(n).padStart(width, '0');
}

// Local wall-clock time with milliseconds; the date is added when it is not today.
function formatClock(micros) {
  if (!isNumber(micros)) return '—';
  const d = new Date(Math.floor(micros / 1000));
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  const today = new Date();
  if (d.toDateString() === today.toDateString()) return time;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

// Stable colours: a service starts at the slot its name hashes to and moves on while that is taken.
function serviceColourClass(service) {
  if (service === 'frontend' || service === 'browser') return 'svc-browser';
  if (!state.colours.has(service)) {
    let hash = 0;
    for (let i = 0; i < service.length; i += 1) hash = (hash * 31 + service.charCodeAt(i)) >>> 0;
    const taken = new Set(state.colours.values());
    let slot = hash % SERVICE_COLOURS;
    for (let i = 0; i < SERVICE_COLOURS && taken.has(slot); i += 1) slot = (slot + 1) % SERVICE_COLOURS;
    state.colours.set(service, slot);
  }
  return `svc-${state.colours.get(service)}`;
}

function serviceChip(service) {
  return el('span', `svc-chip ${serviceColourClass(String(service))}`, service);
}

function rememberServices(services) {
  let added = false;
  for (const service of services) {
    if (typeof service === 'string' && service && !state.services.has(service)) {
      state.services.add(service);
      added = true;
    }
  }
  if (!added) return;
  const options = [...state.services].sort().map((service) => {
    const option = document.createElement('option');
    option.value = service;
    return option;
  });
  $('service-options').replaceChildren(...options);
}

function levelRank(level) {
  return LEVEL_RANK[String(level).toLowerCase()] ?? LEVEL_RANK.info;
}

function isErrorLevel(level) {
  return levelRank(level) >= LEVEL_RANK.error;
}

/* ---------------------------------------------------------------- 2. API */

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  describe() {
    const prefix = this.status ? `HTTP ${this.status}` : 'network error';
    return `${prefix} · ${this.code}: ${this.message}`;
  }
}

async function api(path, signal) {
  let response;
  try {
    response = await fetch(path, { signal, headers: { Accept: 'application/json' }, cache: 'no-store' });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'unreachable', 'the receiver did not answer');
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (_) {
    body = null;
  }
  if (!response.ok) {
    const message = (body && body.message) || text.slice(0, 500) || response.statusText;
    throw new ApiError(response.status, (body && body.error) || 'http_error', message);
  }
  if (body === null || typeof body !== 'object') throw new ApiError(response.status, 'bad_response', 'the answer was not a JSON object');
  return body;
}

/* ---------------------------------------------------------------- 3. URL state */

function readUrl() {
  const params = new URLSearchParams(location.search);
  const filters = {};
  for (const key of FILTER_KEYS) filters[key] = (params.get(key) || '').trim();
  return { filters, id: params.get('id') || null };
}

function urlFor(filters, id) {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filters[key]) params.set(key, filters[key]);
  if (id) params.set('id', id);
  const query = params.toString();
  return location.pathname + (query ? `?${query}` : '');
}

function syncUrl(mode) {
  const url = urlFor(state.filters, state.openId);
  if (url === location.pathname + location.search) return;
  if (mode === 'push') history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

function sameFilters(a, b) {
  return FILTER_KEYS.every((key) => a[key] === b[key]);
}

function hasFilters(filters) {
  return FILTER_KEYS.some((key) => key !== 'view' && filters[key]);
}

function isLinesView() {
  return state.filters.view === 'lines';
}

function onPopState() {
  const { filters, id } = readUrl();
  if (!sameFilters(filters, state.filters)) {
    state.filters = filters;
    writeFiltersToForm(filters);
    refreshList();
  }
  if (id && id !== state.openId) openRequest(id, { history: 'none' });
  else if (!id && state.openId) closeView({ history: 'none' });
}

/* ---------------------------------------------------------------- 4. List */

let listAbort = null;
let listInFlight = false;
let typingTimer = 0;

function readFiltersFromForm() {
  const form = $('filters');
  const filters = {};
  for (const key of FILTER_KEYS) filters[key] = form.elements[key].value.trim();
  return filters;
}

// Unknown values from a shared URL stay visible (and the server may reject them with a message).
function ensureOption(select, value) {
  if (!value || [...select.options].some((option) => option.value === value)) return;
  const option = document.createElement('option');
  option.value = value;
  option.textContent = cleanText(value, 40);
  select.append(option);
}

function writeFiltersToForm(filters) {
  const form = $('filters');
  for (const key of FILTER_KEYS) {
    const control = form.elements[key];
    if (control.tagName === 'SELECT') ensureOption(control, filters[key]);
    control.value = filters[key];
  }
}

function applyFilters() {
  clearTimeout(typingTimer);
  const next = readFiltersFromForm();
  if (sameFilters(next, state.filters)) return;
  state.filters = next;
  syncUrl('replace');
  refreshList();
}

function onFilterInput(event) {
  clearTimeout(typingTimer);
  if (event.target.tagName === 'SELECT') applyFilters();
  else typingTimer = setTimeout(applyFilters, TYPING_DEBOUNCE_MS);
}

function listQuery() {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (key !== 'view' && state.filters[key]) params.set(key, state.filters[key]);
  params.set('limit', String(isLinesView() ? LINES_LIMIT : LIST_LIMIT));
  // URLSearchParams writes a space as "+", which the receiver (as RFC 3986 says) reads as a plus; a
  // literal plus is already "%2B", so every "+" here is a space.
  return params.toString().replace(/\+/g, '%20');
}

async function refreshList() {
  if (listAbort) listAbort.abort();
  const controller = new AbortController();
  listAbort = controller;
  listInFlight = true;
  $('request-table').setAttribute('aria-busy', 'true');
  const lines = isLinesView();
  if (!(lines ? state.lines : state.requests).length) setListStatus('loading', lines ? 'Loading log lines…' : 'Loading requests…');
  try {
    const body = await api(`${lines ? '/api/debug/logs' : '/api/requests'}?${listQuery()}`, controller.signal);
    const items = lines ? body.logs : body.requests;
    const objects = Array.isArray(items) ? items.filter((r) => r && typeof r === 'object') : [];
    if (lines !== isLinesView()) return;  // the view changed while this was on its way
    if (lines) keepOlderLines(objects, body.nextCursor);
    state.lines = lines ? objects : [];
    state.requests = lines ? [] : objects;
    if (lines) renderLines();
    else renderList();
  } catch (error) {
    if (error.name !== 'AbortError') showListError(error);
  } finally {
    if (listAbort === controller) {
      listInFlight = false;
      $('request-table').removeAttribute('aria-busy');
      listSettled();
    }
  }
}

function setListStatus(kind, text) {
  const status = $('list-status');
  status.dataset.state = kind;
  status.replaceChildren();
  if (text) status.textContent = cleanText(text);
  const shown = isLinesView() ? state.lines : state.requests;
  $('request-table').classList.toggle('is-empty', kind === 'empty' || (kind === 'error' && !shown.length));
}

function showListError(error) {
  const message = error instanceof ApiError ? error.describe() : String(error);
  setListStatus('error', `Could not load ${isLinesView() ? 'log lines' : 'requests'} — ${message}`);
}

function showEmptyList() {
  const what = isLinesView() ? 'log lines' : 'requests';
  if (!hasFilters(state.filters)) {
    setListStatus('empty', `No ${what} yet — send some traffic to a service that ships its logs here.`);
    if (!isLinesView()) pointToLinesWithoutRequests();
    return;
  }
  setListStatus('empty', `No ${what} match these filters. `);
  const clear = el('button', 'btn btn-link', 'Clear filters');
  clear.type = 'button';
  clear.addEventListener('click', () => $('filters').reset());
  $('list-status').append(clear);
}

// No request, but records: those of captured output, or of OpenTelemetry SDKs, often have no request id.
// The empty list says so and offers the log lines view, where they are.
async function pointToLinesWithoutRequests() {
  const filters = JSON.stringify(state.filters);
  let body;
  try {
    body = await api('/api/debug/logs?limit=1');
  } catch {
    return;  // the list's own status stands
  }
  const stillEmpty = !isLinesView() && JSON.stringify(state.filters) === filters && !state.requests.length;
  if (!stillEmpty || !Array.isArray(body.logs) || !body.logs.length) return;
  setListStatus('empty', 'No requests yet, but there are log lines (captured output often carries neither a request id nor a trace id). ');
  const show = el('button', 'btn btn-link', 'Show log lines');
  show.type = 'button';
  show.id = 'show-lines';
  show.addEventListener('click', () => {
    $('filters').elements.view.value = 'lines';
    applyFilters();
  });
  $('list-status').append(show);
}

function renderList() {
  setTableHead(false);
  $('older-lines').hidden = true;
  rememberServices(state.requests.flatMap((r) => (Array.isArray(r.services) ? r.services : [])));
  const body = $('request-rows');
  const hadFocus = body.contains(document.activeElement);
  const fragment = document.createDocumentFragment();
  for (const request of state.requests) fragment.append(requestRow(request));
  body.replaceChildren(fragment);
  if (state.requests.length) setListStatus('ok', `${state.requests.length} recent request${state.requests.length === 1 ? '' : 's'}`);
  else showEmptyList();
  markSelected(state.selectedId || state.openId, { focus: hadFocus });
}

// The table's columns: a request's, or (the lines view) a log line's; set at boot and on a change of view.
const REQUEST_COLUMNS = [['col-time', 'Time'], ['col-method', 'Method'], ['col-path', 'Path'], ['col-status', 'Status'],
  ['col-duration', 'Duration'], ['col-services', 'Services'], ['col-error', '']];
const LINE_COLUMNS = [['col-time', 'Time'], ['col-level', 'Level'], ['col-service', 'Service'], ['col-message', 'Message']];

function setTableHead(lines) {
  const table = $('request-table');
  if (table.classList.contains('lines') === lines && table.tHead.rows.length) return;
  table.classList.toggle('lines', lines);
  const row = el('tr');
  for (const [className, title] of lines ? LINE_COLUMNS : REQUEST_COLUMNS) {
    const th = el('th', className, title);
    th.scope = 'col';
    if (!title) th.append(el('span', 'visually-hidden', 'Failed'));
    row.append(th);
  }
  table.tHead.replaceChildren(row);
}

// A refresh reads the newest page again. Older pages already shown stay, with the lines the new page
// pushed out of it, so that nothing between the two goes missing; other filters start afresh.
function keepOlderLines(page, nextCursor) {
  const filters = JSON.stringify(state.filters);
  if (state.olderFor !== filters || !state.olderLines.length) {
    state.olderFor = filters;
    state.olderLines = [];
    state.linesCursor = typeof nextCursor === 'string' ? nextCursor : null;
    return;
  }
  const inPage = new Set(page.map(lineKey));
  state.olderLines = state.lines.filter((r) => !inPage.has(lineKey(r))).concat(state.olderLines);
  if (page.length + state.olderLines.length > MAX_LINES_SHOWN) {
    state.olderLines.length = Math.max(0, MAX_LINES_SHOWN - page.length);
    state.linesCursor = null;  // the page after what is kept is not known: no more are offered
  }
}

async function showOlderLines() {
  const cursor = state.linesCursor;
  if (!cursor || !isLinesView()) return;
  const button = $('older-lines');
  button.disabled = true;
  const filters = JSON.stringify(state.filters);
  try {
    const body = await api(`/api/debug/logs?${listQuery()}&cursor=${encodeURIComponent(cursor)}`);
    if (!isLinesView() || JSON.stringify(state.filters) !== filters || state.linesCursor !== cursor) return;
    const page = Array.isArray(body.logs) ? body.logs.filter((r) => r && typeof r === 'object') : [];
    const shown = new Set(state.shownLines.map(lineKey));
    state.olderFor = filters;
    state.olderLines = state.olderLines.concat(page.filter((r) => !shown.has(lineKey(r))));
    const total = state.lines.length + state.olderLines.length;
    state.linesCursor = typeof body.nextCursor === 'string' && total < MAX_LINES_SHOWN ? body.nextCursor : null;
    renderLines();
  } catch (error) {
    showListError(error);
  } finally {
    button.disabled = false;
  }
}

function renderLines() {
  setTableHead(true);
  const inPage = new Set(state.lines.map(lineKey));
  state.shownLines = state.lines.concat(state.olderLines.filter((r) => !inPage.has(lineKey(r))));
  rememberServices(state.shownLines.map((r) => String(r.service ?? '')).filter(Boolean));
  const fragment = document.createDocumentFragment();
  const shown = new Set();
  for (const record of state.shownLines) {
    fragment.append(lineRow(record));
    const key = lineKey(record);
    if (state.openLines.has(key)) {
      fragment.append(lineDetail(record));
      shown.add(key);
    }
  }
  state.openLines = shown;  // details of lines no longer listed are forgotten
  $('request-rows').replaceChildren(fragment);
  const count = state.shownLines.length;
  if (count && state.olderLines.length) setListStatus('ok', `${count} log lines, newest first`);
  else if (count) setListStatus('ok', `${count} newest log line${count === 1 ? '' : 's'}`);
  else showEmptyList();
  $('older-lines').hidden = !state.linesCursor;
  if (state.selectedLine && state.shownLines.some((r) => lineKey(r) === state.selectedLine)) markSelectedLine(state.selectedLine);
  else markSelected(state.openId);
}

// What opens a request or a line's request: its request id, else (OpenTelemetry records, services that
// send no request id) its trace id; '' when it has neither.
function openableId(item) {
  return [item.request_id, item.trace_id].find((value) => typeof value === 'string' && value) || '';
}

// What the openableId() `id` of `item` is, for a tooltip: `request <id>` or `trace <id>`.
function idLabel(item, id) {
  return `${id === item.request_id ? 'request' : 'trace'} ${id}`;
}

function lineRow(r) {
  const level = String(r.level ?? 'info').toLowerCase();
  const id = openableId(r);
  const row = el('tr', `line-row lvl-${levelRank(level)}${id ? '' : ' no-id'}`);
  row.dataset.level = level;
  if (id) row.dataset.requestId = id;
  row.tabIndex = -1;
  const micros = parseMicros(r.timestamp);
  const time = cell('col-time mono', formatClock(micros));
  if (typeof r.timestamp === 'string') time.title = cleanText(r.timestamp, 64);
  const levelCell = cell('col-level');
  levelCell.append(el('span', 'log-level', LEVEL_LABEL[level] || level.toUpperCase().slice(0, 6)));
  const service = String(r.service ?? '');
  const serviceCell = cell(`col-service ${serviceColourClass(service)}`, service);
  const failure = [r.error_type, r.error].filter(Boolean).join(': ');
  const message = cell('col-message', [r.message ?? '', failure].filter(Boolean).join(' — '));
  const owner = id ? idLabel(r, id) : 'no request id';
  message.title = cleanText([r.message ?? '', failure, owner].filter(Boolean).join('\n'), 1000);
  row.append(time, levelCell, serviceCell, message);
  return row;
}

// What tells a listed line from the others (records carry no id of their own).
function lineKey(r) {
  return JSON.stringify([r.timestamp, r.service, r.source, r.message, r.error]);
}

// A line without a request id has no request to open: its whole text shows under it instead.
function toggleLineDetail(row) {
  const record = lineOf(row);
  if (!record) return;
  const key = lineKey(record);
  const next = row.nextElementSibling;
  if (next && next.classList.contains('line-detail')) {
    next.remove();
    state.openLines.delete(key);
    return;
  }
  row.after(lineDetail(record));
  state.openLines.add(key);
}

function lineDetail(record) {
  const detail = el('tr', 'line-detail');
  const td = el('td');
  td.colSpan = LINE_COLUMNS.length;
  const parts = [String(record.message ?? ''), errorText(record)];
  if (record.fields && typeof record.fields === 'object') parts.push(JSON.stringify(record.fields, null, 2));
  td.append(el('pre', 'mono', parts.filter(Boolean).join('\n\n')));
  detail.append(td);
  return detail;
}

function cell(className, text) {
  return el('td', className, text);
}

function requestRow(request) {
  const id = openableId(request);
  const row = el('tr', `req-row${request.failed ? ' failed' : ''}${id ? '' : ' no-id'}`);
  row.dataset.requestId = id;
  row.dataset.failed = String(Boolean(request.failed));
  row.tabIndex = -1;
  row.setAttribute('aria-selected', 'false');
  const micros = parseMicros(request.timestamp);
  const time = cell('col-time mono', formatClock(micros));
  if (typeof request.timestamp === 'string') time.title = cleanText(request.timestamp, 64);
  const path = cell('col-path mono', request.path ?? '');
  const owner = id ? idLabel(request, id) : 'no request or trace id (an access log line): the log lines view shows it';
  path.title = cleanText(`${request.path ?? ''}\n${owner}`);
  const status = cell(`col-status mono${statusClass(request.status)}`, request.status ?? '');
  const services = cell('col-services');
  if (Array.isArray(request.services)) services.title = cleanText(request.services.join(', '), 300);
  for (const service of Array.isArray(request.services) ? request.services : []) services.append(serviceChip(service));
  const mark = cell('col-error');
  if (request.failed) {
    const icon = el('span', 'error-mark', '✕');
    icon.setAttribute('role', 'img');
    icon.setAttribute('aria-label', 'failed');
    icon.title = cleanText(request.error || 'failed');
    mark.append(icon);
  }
  row.append(time, cell('col-method mono', request.method ?? ''), path, status,
    cell('col-duration mono', isNumber(request.duration_ms) ? formatMs(request.duration_ms) : ''), services, mark);
  return row;
}

function statusClass(status) {
  if (!isNumber(status)) return '';
  if (status >= 500) return ' status-5xx';
  if (status >= 400) return ' status-4xx';
  return ' status-ok';
}

function rowFor(id) {
  if (!id) return null;
  for (const row of $('request-rows').rows) if (row.dataset.requestId === id) return row;
  return null;
}

// Roving tabindex: exactly one row (the selected one, else the first) is in the Tab order.
function markRow(target, focus) {
  const rows = $('request-rows').rows;
  for (const row of rows) {
    const selected = row === target;
    row.setAttribute('aria-selected', String(selected));
    row.tabIndex = selected ? 0 : -1;
  }
  if (!target && rows.length) rows[0].tabIndex = 0;
  if (focus && target) target.focus();
}

function markSelected(id, { focus = false } = {}) {
  // In the lines view, the selected line stays selected while its request is the one meant.
  const line = isLinesView() && state.selectedLine !== null ? lineRowFor(state.selectedLine) : null;
  if (line && (line.dataset.requestId || null) === (id || null)) return markSelectedLine(state.selectedLine, { focus });
  state.selectedId = id;
  markRow(rowFor(id), focus);
}

// The lines view selects lines, those without a request id too; Enter opens a line's request or, when it
// has none, shows its text (as a click does).
function lineRows() {
  return [...$('request-rows').querySelectorAll('tr.line-row')];
}

// The row of the listed line with `key`, and the line (record) of a row.
function lineRowFor(key) {
  const index = key === null ? -1 : state.shownLines.findIndex((r) => lineKey(r) === key);
  return index >= 0 ? lineRows()[index] || null : null;
}

function lineOf(row) {
  return state.shownLines[lineRows().indexOf(row)];
}

function markSelectedLine(key, { focus = false } = {}) {
  state.selectedLine = key;
  const target = lineRowFor(key);
  state.selectedId = target ? target.dataset.requestId || null : null;
  markRow(target, focus);
}

function moveLineSelection(delta) {
  const rows = lineRows();
  if (!rows.length) return;
  const current = rows.findIndex((row) => row.getAttribute('aria-selected') === 'true');
  const index = current < 0 ? 0 : Math.max(0, Math.min(rows.length - 1, current + delta));
  markSelectedLine(lineKey(state.shownLines[index]), { focus: true });
  const id = rows[index].dataset.requestId;
  if (state.openId && id && id !== state.openId) openRequest(id, { history: 'replace' });
}

function moveSelection(delta) {
  if (isLinesView()) return moveLineSelection(delta);
  const rows = [...$('request-rows').rows].filter((row) => row.dataset.requestId);
  if (!rows.length) return;
  const current = rows.indexOf(rowFor(state.selectedId));
  const next = rows[current < 0 ? 0 : Math.max(0, Math.min(rows.length - 1, current + delta))];
  markSelected(next.dataset.requestId, { focus: true });
  if (state.openId && next.dataset.requestId !== state.openId) openRequest(next.dataset.requestId, { history: 'replace' });
}

function openSelected() {
  const line = isLinesView() ? lineRows().find((row) => row.getAttribute('aria-selected') === 'true') : null;
  if (line && !line.dataset.requestId) toggleLineDetail(line);
  else if (state.selectedId) openRequest(state.selectedId);
}

function onRowActivate(event) {
  const line = event.target.closest('tr.line-row');
  if (line) markSelectedLine(lineKey(lineOf(line)));
  if (line && !line.dataset.requestId) {
    toggleLineDetail(line);
    return;
  }
  const row = line || event.target.closest('tr.req-row');
  if (!row || !row.dataset.requestId) return;
  if (!line) markSelected(row.dataset.requestId);
  openRequest(row.dataset.requestId);
}

/* ---------------------------------------------------------------- 5. Live */

let liveSource = null;
let liveTimer = 0;
let lastLiveRefresh = 0;
let livePending = false;

function connectLive() {
  if (!('EventSource' in window)) return setLiveState('disconnected');
  liveSource = new EventSource('/api/live');
  liveSource.addEventListener('open', () => setLiveState(state.paused ? 'paused' : 'live'));
  liveSource.addEventListener('stored', onStored);
  liveSource.addEventListener('error', () => {
    setLiveState('disconnected');
    if (liveSource.readyState === EventSource.CLOSED) {
      liveSource = null;
      setTimeout(connectLive, RECONNECT_MS);
    }
  });
}

function onStored() {
  if (!$('store-status').hidden) checkStoreHealth();  // a store that stores again
  if (state.paused) {
    state.missedUpdates += 1;
    renderLiveStatus();
    return;
  }
  scheduleLiveRefresh();
}

// Throttle: one refresh per LIVE_MIN_INTERVAL_MS, never two list fetches at once.
function scheduleLiveRefresh() {
  if (liveTimer) return;
  if (listInFlight || document.hidden) {
    livePending = true;
    return;
  }
  const wait = Math.max(0, lastLiveRefresh + LIVE_MIN_INTERVAL_MS - performance.now());
  liveTimer = setTimeout(() => {
    liveTimer = 0;
    lastLiveRefresh = performance.now();
    refreshList();
    // A request that had no records yet (404) may have them now; one still logging gains records.
    if (state.openId && state.viewMissing) loadView(state.openId);
    else if (state.openId) followOpenView();
  }, wait);
}

function listSettled() {
  if (!livePending || state.paused) return;
  livePending = false;
  scheduleLiveRefresh();
}

function setLiveState(liveState) {
  state.liveState = liveState;
  renderLiveStatus();
}

function renderLiveStatus() {
  const connected = state.liveState !== 'disconnected' && state.liveState !== 'connecting';
  const shown = state.paused && connected ? 'paused' : state.liveState;
  const labels = { connecting: 'connecting…', live: 'live', paused: 'paused', disconnected: 'disconnected — retrying' };
  let text = labels[shown] || shown;
  if (shown === 'paused' && state.missedUpdates) text += ` · ${state.missedUpdates} update${state.missedUpdates === 1 ? '' : 's'}`;
  const status = $('live-status');
  status.dataset.state = shown;
  status.textContent = text;
  const toggle = $('live-toggle');
  toggle.setAttribute('aria-pressed', String(state.paused));
  toggle.textContent = state.paused ? 'Resume' : 'Pause';
}

function togglePause() {
  state.paused = !state.paused;
  if (!state.paused && state.missedUpdates) {
    state.missedUpdates = 0;
    scheduleLiveRefresh();
  }
  renderLiveStatus();
}

function onVisibilityChange() {
  if (!document.hidden && livePending) listSettled();
}

/* ---------------------------------------------------------------- 6. Request view */

let viewAbort = null;
let viewFollowing = false;
const FOLLOW_MS = 120000;   // an open request whose newest record is this recent follows new records

function openRequest(id, { history: mode = 'push' } = {}) {
  state.openId = id;
  if (mode !== 'none') syncUrl(mode);
  showView(true);
  markSelected(id);
  loadView(id);
}

function closeView({ history: mode = 'push' } = {}) {
  if (!state.openId) return;
  if (viewAbort) viewAbort.abort();
  state.openId = null;
  state.model = null;
  if (mode !== 'none') syncUrl(mode);
  showView(false);
  markSelected(state.selectedId, { focus: true });
}

function showView(open) {
  $('request-view').hidden = !open;
  $('layout').classList.toggle('view-open', open);
  document.title = open ? `request ${cleanText(state.openId, 80)} · trace-receiver` : 'trace-receiver';
}

function resetView(id) {
  const root = $('request-view');
  root.dataset.requestId = id;
  root.dataset.state = 'loading';
  for (const key of ['rendered', 'renderMs', 'loadMs']) delete root.dataset[key];
  $('rv-id').textContent = cleanText(id, 200);
  $('rv-route').textContent = '';
  for (const field of ['rv-status', 'rv-duration', 'rv-errors', 'rv-started', 'rv-services', 'rv-trace-id']) $(field).replaceChildren();
  $('rv-copy-status').textContent = '';
  $('rv-body').replaceChildren();
  setViewMessage('loading', 'Loading…');
}

function setViewMessage(kind, text) {
  const message = $('rv-message');
  message.dataset.state = kind;
  message.textContent = text ? cleanText(text) : '';
}

async function loadView(id) {
  if (viewAbort) viewAbort.abort();
  const controller = new AbortController();
  viewAbort = controller;
  resetView(id);
  state.viewMissing = false;
  const started = performance.now();
  let trace;
  try {
    trace = await api(`/api/debug/trace/${encodeURIComponent(id)}`, controller.signal);
  } catch (error) {
    if (error.name !== 'AbortError') showViewError(error);
    return;
  }
  if (controller.signal.aborted) return;
  const built = performance.now();
  renderTrace(trace);
  const done = performance.now();
  recordTiming(id, started, built, done);
}

// Live updates for the open request while it is still receiving records (a browser report arriving
// after the backend's, a slow hop): re-fetched quietly, redrawn only when its timeline grew, keeping
// the scroll position. Older requests are left alone (their view cannot change).
async function followOpenView() {
  const id = state.openId;
  const model = state.model;
  if (!id || !model || viewFollowing) return;
  let newest = null;
  for (const item of model.records) if (isNumber(item.at) && (newest === null || item.at > newest)) newest = item.at;
  if (newest === null || Date.now() * 1000 - newest > FOLLOW_MS * 1000) return;
  viewFollowing = true;
  try {
    const trace = await api(`/api/debug/trace/${encodeURIComponent(id)}`);
    const count = Array.isArray(trace.timeline) ? trace.timeline.length : 0;
    if (state.openId !== id || state.model !== model || count === model.records.length) return;
    const scroller = $('request-view');
    const top = scroller.scrollTop;
    const started = performance.now();
    renderTrace(trace);
    scroller.scrollTop = top;
    recordTiming(id, started, started, performance.now());
  } catch (_) {
    /* the next update tries again */
  } finally {
    viewFollowing = false;
  }
}

function showViewError(error) {
  $('request-view').dataset.state = 'error';
  state.viewMissing = error instanceof ApiError && error.status === 404;
  if (state.viewMissing) {
    setViewMessage('error', `No records for this request id (yet) — ${error.describe()}`);
  } else {
    setViewMessage('error', `Could not load this request — ${error instanceof ApiError ? error.describe() : String(error)}`);
  }
}

function recordTiming(id, started, built, done) {
  const root = $('request-view');
  root.dataset.requestId = id;
  root.dataset.renderMs = (done - built).toFixed(1);
  root.dataset.loadMs = (done - started).toFixed(1);
  root.dataset.state = 'ready';
  root.dataset.rendered = 'true';
  try {
    performance.measure('request-view-render', { start: built, end: done, detail: { id } });
    performance.measure('request-view-load', { start: started, end: done, detail: { id } });
  } catch (_) {
    /* older browsers without measure options: timing attributes are enough */
  }
}

function renderTrace(trace) {
  const model = buildModel(trace);
  state.model = model;
  fillHeader(model);
  rememberServices(model.services);
  setViewMessage('ok', '');
  const fragment = document.createDocumentFragment();
  fragment.append(waterfallSection(model), logsSection(model));
  $('rv-body').replaceChildren(fragment);
}

// Offsets (ms, relative to the earliest timestamp), the span tree in display order and the axis ranges.
function buildModel(trace) {
  const records = (Array.isArray(trace.timeline) ? trace.timeline : [])
    .filter((r) => r && typeof r === 'object')
    .map((r, index) => ({ r, index, at: parseMicros(r.timestamp) }));
  const spans = (Array.isArray(trace.spans) ? trace.spans : [])
    .filter((s) => s && typeof s === 'object')
    .map((s) => ({ s, at: parseMicros(s.start), duration: isNumber(s.duration_ms) ? Math.max(0, s.duration_ms) : null }));
  // Loops, not Math.min(...array): a timeline can be longer than the engine's argument limit.
  let origin = parseMicros(trace.started_at) ?? Infinity;
  for (const item of [...records, ...spans]) if (isNumber(item.at) && item.at < origin) origin = item.at;
  if (!isNumber(origin)) origin = 0;
  let spanEnd = 0;
  let fullEnd = isNumber(trace.duration_ms) ? trace.duration_ms : 0;
  for (const item of [...records, ...spans]) item.offset = isNumber(item.at) ? (item.at - origin) / 1000 : 0;
  for (const item of spans) spanEnd = Math.max(spanEnd, item.offset + (item.duration ?? 0));
  for (const item of records) fullEnd = Math.max(fullEnd, item.offset);
  fullEnd = Math.max(fullEnd, spanEnd);
  const services = Array.isArray(trace.services) ? trace.services.filter((s) => typeof s === 'string') : [];
  // Zoom to the backend spans when a late browser report would squash them into a sliver.
  const canZoom = spans.length > 0 && spanEnd > 0 && spanEnd < fullEnd * 0.5;
  return { trace, records, rows: orderSpans(spans), spanEnd, fullEnd, services, canZoom, zoomed: canZoom && spanEnd < fullEnd * 0.2 };
}

// Depth-first by start time; spans whose parent is unknown are roots. Guards against cycles.
function orderSpans(spans) {
  const byId = new Map();
  for (const item of spans) if (item.s.span_id) byId.set(item.s.span_id, item);
  const children = new Map();
  const roots = [];
  for (const item of spans) {
    const parent = item.s.parent_span_id;
    if (parent && parent !== item.s.span_id && byId.has(parent)) {
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(item);
    } else {
      roots.push(item);
    }
  }
  const byStart = (a, b) => a.offset - b.offset;
  const ordered = [];
  const seen = new Set();
  const visit = (item, depth, parentService = null) => {
    if (seen.has(item)) return;
    seen.add(item);
    ordered.push({ ...item, depth, parentService });
    for (const child of (children.get(item.s.span_id) || []).sort(byStart)) visit(child, depth + 1, item.s.service);
  };
  for (const root of roots.sort(byStart)) visit(root, 0);
  for (const item of spans) visit(item, 0); // anything left only by a parent cycle
  return ordered;
}

// HTTP status/method/path of the outermost hop: the backend request record that took longest.
function requestSummary(model) {
  let best = null;
  for (const { r } of model.records) {
    const fields = r.fields;
    if (r.source === 'frontend' || !fields || typeof fields !== 'object' || fields.status_code === undefined) continue;
    if (!best || (r.duration_ms ?? 0) > (best.duration_ms ?? 0)) best = r;
  }
  return best ? { status: Number(best.fields.status_code), method: best.fields.method, path: best.fields.path } : {};
}

function fillHeader(model) {
  const { trace } = model;
  const summary = requestSummary(model);
  $('rv-id').textContent = cleanText(trace.request_id || state.openId, 200);
  $('rv-route').textContent = cleanText([summary.method, summary.path].filter(Boolean).join(' '), 300);
  $('rv-trace-id').textContent = cleanText(trace.trace_id || '—', 200);
  const status = $('rv-status');
  status.className = `mono${statusClass(summary.status)}`;
  status.textContent = isNumber(summary.status) ? String(summary.status) : '—';
  $('rv-duration').textContent = formatMs(trace.duration_ms);
  const errors = $('rv-errors');
  errors.textContent = String(isNumber(trace.error_count) ? trace.error_count : 0);
  errors.className = trace.error_count > 0 ? 'has-errors' : '';
  $('rv-started').textContent = formatClock(parseMicros(trace.started_at));
  $('rv-services').replaceChildren(...model.services.map(serviceChip));
}

function sectionHeading(title, count) {
  const heading = el('h3', 'section-title', title);
  if (count !== undefined) heading.append(el('span', 'count', count));
  return heading;
}

function waterfallSection(model) {
  const section = el('section', 'wf-section');
  section.setAttribute('aria-label', 'Waterfall');
  const head = el('div', 'section-head');
  head.append(sectionHeading('Waterfall', `${model.rows.length} span${model.rows.length === 1 ? '' : 's'}`));
  const waterfall = el('div', 'waterfall');
  waterfall.setAttribute('role', 'list');
  if (model.canZoom) {
    const zoom = el('button', 'btn btn-small wf-zoom');
    zoom.type = 'button';
    zoom.addEventListener('click', () => {
      model.zoomed = !model.zoomed;
      updateZoomButton(zoom, model);
      renderWaterfall(waterfall, model);
    });
    updateZoomButton(zoom, model);
    head.append(zoom);
  }
  renderWaterfall(waterfall, model);
  section.append(head, waterfall);
  return section;
}

function updateZoomButton(button, model) {
  button.textContent = model.zoomed ? `Show whole trace (${formatMs(model.fullEnd)})` : `Zoom to backend spans (${formatMs(model.spanEnd)})`;
  button.setAttribute('aria-pressed', String(model.zoomed));
}

// Ticks at 1/2/5 × 10^n, about six across the range.
function tickStep(range) {
  const raw = range / 6;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const factor = [1, 2, 5, 10].find((f) => f * magnitude >= raw);
  return factor * magnitude;
}

function renderWaterfall(container, model) {
  const end = model.zoomed ? model.spanEnd : model.fullEnd;
  const range = Math.max(end * 1.02, 0.001);
  const step = tickStep(range);
  const toPct = (ms) => (ms / range) * 100;
  container.style.setProperty('--tick-pct', `${toPct(step)}%`);
  const fragment = document.createDocumentFragment();
  const browser = model.records.filter((x) => x.r.source === 'frontend');
  if (!model.rows.length && !browser.length) {
    container.replaceChildren(el('p', 'wf-empty', 'No spans or browser reports recorded for this request.'));
    return;
  }
  fragment.append(axisRow(range, step, toPct));
  const eventsBySpan = notableEventsBySpan(model.records);
  for (const row of model.rows) fragment.append(spanRow(row, toPct, eventsBySpan.get(row.s.span_id)));
  if (browser.length) fragment.append(browserRow(browser, toPct));
  container.replaceChildren(fragment);
}

function axisRow(range, step, toPct) {
  const row = el('div', 'wf-row wf-axis');
  row.setAttribute('aria-hidden', 'true');
  const track = el('div', 'wf-track');
  for (let i = 0; i * step <= range + 1e-9; i += 1) {
    const pct = toPct(i * step);
    const tick = el('span', `wf-tick${pct > 92 ? ' wf-tick-end' : ''}${i === 0 ? ' wf-tick-start' : ''}`, formatTick(i * step, step));
    tick.style.left = `${pct}%`;
    track.append(tick);
  }
  row.append(el('div', 'wf-label', 'service · span'), track);
  return row;
}

// Warnings and errors logged inside a span become dots on its bar (closing records are the bar itself).
const CLOSING_EVENT = /_(completed|failed)$/;

function notableEventsBySpan(records) {
  const bySpan = new Map();
  for (const item of records) {
    if (!item.r.span_id || levelRank(item.r.level) < LEVEL_RANK.warning || CLOSING_EVENT.test(item.r.event || '')) continue;
    if (!bySpan.has(item.r.span_id)) bySpan.set(item.r.span_id, []);
    bySpan.get(item.r.span_id).push(item);
  }
  return bySpan;
}

function clampPct(pct) {
  return Math.max(0, Math.min(100, pct));
}

function spanRow(item, toPct, events = []) {
  const { s, offset, duration, depth, parentService } = item;
  const service = typeof s.service === 'string' ? s.service : '';
  const failed = s.status === 'error';
  const row = el('div', `wf-row wf-span ${serviceColourClass(service)}${failed ? ' is-error' : ''}`);
  row.setAttribute('role', 'listitem');
  Object.assign(row.dataset, { service, spanId: s.span_id || '', depth: String(depth), status: failed ? 'error' : 'ok' });
  const label = el('div', 'wf-label');
  label.style.paddingLeft = `${0.5 + depth * 0.9}rem`;
  // The service is named where a hop starts; the coloured edge carries it for nested spans.
  if (service !== parentService) label.append(el('span', 'wf-svc', service));
  label.append(el('span', 'wf-name', s.name ?? '(unnamed)'), el('span', 'wf-dur', formatMs(duration)));
  label.title = cleanText(`${service} · ${s.name ?? ''}`);
  const track = el('div', 'wf-track');
  const left = clampPct(toPct(offset));
  const width = Math.min(100 - left, toPct(duration ?? 0));
  const bar = el('div', `wf-bar${duration === null ? ' wf-bar-open' : ''}`);
  bar.style.left = `${left}%`;
  bar.style.width = `${width}%`;
  bar.title = cleanText(`${service} · ${s.name ?? ''}\nstart ${formatOffset(offset)} · ${formatMs(duration)}${failed ? ' · error' : ''}`);
  track.append(bar, barLabel(`${formatMs(duration)}${failed ? ' ✕' : ''}`, left, width));
  for (const event of events) track.append(eventDot(event, toPct));
  row.append(label, track);
  return row;
}

// Duration text after the bar, inside a long bar, or before a short bar near the right edge.
function barLabel(text, left, width) {
  const label = el('span', 'wf-bar-label', text);
  if (left + width <= 80) {
    label.style.left = `${left + width}%`;
  } else if (width >= 18) {
    label.classList.add('wf-bar-label-inside');
    label.style.left = `${left}%`;
  } else {
    label.classList.add('wf-bar-label-before');
    label.style.right = `${100 - left}%`;
  }
  return label;
}

function eventDot(item, toPct) {
  const dot = el('span', `wf-event${isErrorLevel(item.r.level) ? ' is-error' : ''}`);
  dot.style.left = `${clampPct(toPct(item.offset))}%`;
  dot.title = cleanText(`${item.r.level} · ${item.r.event || item.r.message || ''} · ${formatOffset(item.offset)}`, 300);
  return dot;
}

function browserRow(items, toPct) {
  const row = el('div', 'wf-row wf-browser svc-browser');
  row.setAttribute('role', 'listitem');
  row.dataset.service = 'browser';
  const label = el('div', 'wf-label');
  label.append(el('span', 'wf-svc', 'browser'), el('span', 'wf-name', `${items.length} report${items.length === 1 ? '' : 's'}`));
  const track = el('div', 'wf-track');
  for (const item of items) track.append(browserMarker(item, toPct));
  row.append(label, track);
  return row;
}

function browserMarker(item, toPct) {
  const pct = toPct(item.offset);
  const beyond = pct > 100;
  const marker = el('button', `wf-marker${isErrorLevel(item.r.level) ? ' is-error' : ''}${beyond ? ' is-beyond' : ''}`);
  marker.type = 'button';
  Object.assign(marker.dataset, { source: 'frontend', level: String(item.r.level ?? ''), logIndex: String(item.index) });
  marker.style.left = `${clampPct(pct)}%`;
  const description = `browser ${item.r.level ?? ''} at ${formatOffset(item.offset)}: ${item.r.message ?? ''}`;
  marker.title = cleanText(description, 500);
  marker.setAttribute('aria-label', cleanText(description, 200));
  if (beyond) marker.append(el('span', 'wf-marker-note', `${formatOffset(item.offset)} →`));
  return marker;
}

function onMarkerClick(event) {
  const marker = event.target.closest('.wf-marker');
  if (!marker) return;
  const line = $(`log-${marker.dataset.logIndex}`);
  if (!line) return;
  line.scrollIntoView({ block: 'center' });
  line.focus({ preventScroll: true });
  line.classList.remove('flash');
  requestAnimationFrame(() => line.classList.add('flash'));
}

function logsSection(model) {
  const section = el('section', 'logs-section');
  section.setAttribute('aria-label', 'Log lines');
  const head = el('div', 'section-head');
  head.append(sectionHeading('Log lines', String(model.records.length)));
  const list = el('ol', 'logs');
  const toggle = el('label', 'errors-only');
  const checkbox = el('input');
  checkbox.type = 'checkbox';
  checkbox.addEventListener('change', () => list.classList.toggle('only-errors', checkbox.checked));
  toggle.append(checkbox, document.createTextNode(' warnings & errors only'));
  head.append(toggle);
  for (const item of model.records) list.append(logLine(item));
  if (!model.records.length) list.append(el('li', 'log-empty', 'No log lines for this request.'));
  section.append(head);
  if (model.trace.truncated === true) {
    section.append(el('p', 'logs-cut',
      'This request has more log lines than one view holds: shown are its first and last lines, '
      + 'and every warning, error and span end between them.'));
  }
  section.append(list);
  return section;
}

function logLine({ r, index, offset }) {
  const level = String(r.level ?? 'info').toLowerCase();
  const rank = levelRank(level);
  const service = String(r.service ?? '');
  const line = el('li', `log-line lvl-${rank}${rank >= LEVEL_RANK.error ? ' is-error' : ''}${rank >= LEVEL_RANK.warning ? ' is-notable' : ''}`);
  line.id = `log-${index}`;
  line.tabIndex = -1;
  Object.assign(line.dataset, { level, service, source: String(r.source ?? '') });
  const head = el('div', 'log-head');
  head.append(
    el('span', 'log-offset mono', formatOffset(offset)),
    el('span', 'log-level', LEVEL_LABEL[level] || level.toUpperCase().slice(0, 6)),
    el('span', `log-service ${serviceColourClass(service)}`, service),
    el('span', 'log-event mono', r.event ?? ''),
    el('span', 'log-msg', r.message ?? ''),
  );
  if (String(r.message ?? '').length > LONG_MESSAGE) head.append(expandButton());
  if (r.source === 'frontend' || r.source === 'capture') head.append(el('span', 'tag tag-source', r.source === 'frontend' ? 'browser' : 'capture'));
  if (r.inferred === true) {
    line.dataset.inferred = 'true';
    const tag = el('span', 'tag tag-inferred', 'inferred');
    tag.title = 'reconstructed by the receiver, not logged directly';
    head.append(tag);
  }
  line.append(head);
  const failure = errorText(r);
  if (failure) line.append(el('pre', 'log-error mono', failure));
  if (r.fields && typeof r.fields === 'object' && Object.keys(r.fields).length) line.append(fieldsDetails(index, r.fields));
  return line;
}

// Long messages are clamped to a few lines until expanded (see onExpandClick).
function expandButton() {
  const button = el('button', 'btn-link log-expand', 'show all');
  button.type = 'button';
  button.setAttribute('aria-expanded', 'false');
  return button;
}

function onExpandClick(event) {
  const button = event.target.closest('.log-expand');
  if (!button) return;
  const expanded = button.getAttribute('aria-expanded') !== 'true';
  button.setAttribute('aria-expanded', String(expanded));
  button.textContent = expanded ? 'show less' : 'show all';
  button.closest('.log-head').classList.toggle('is-expanded', expanded);
}

function errorText(r) {
  const parts = [];
  if (r.error_type || r.error) parts.push([r.error_type, r.error].filter(Boolean).join(': '));
  if (r.stack) parts.push(String(r.stack));
  return parts.join('\n');
}

// Nested fields flattened to "a.b=c" pairs for the one-line summary.
function compactFields(fields, prefix = '', out = []) {
  for (const [key, value] of Object.entries(fields)) {
    if (out.length >= 12) break;
    const name = prefix + key;
    if (value && typeof value === 'object' && !Array.isArray(value)) compactFields(value, `${name}.`, out);
    else out.push(`${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  return out;
}

// The pretty JSON is only built when the details element is first opened.
function fieldsDetails(index, fields) {
  const details = el('details', 'log-fields');
  details.dataset.logIndex = String(index);
  details.append(el('summary', 'mono', compactFields(fields).join('  ').slice(0, 400)));
  return details;
}

function onDetailsToggle(event) {
  const details = event.target;
  if (!details.matches || !details.matches('details.log-fields') || !details.open || details.querySelector('pre')) return;
  const item = state.model && state.model.records[Number(details.dataset.logIndex)];
  if (!item) return;
  details.append(el('pre', 'fields-json mono', JSON.stringify(item.r.fields, null, 2), 100000));
  const words = fieldSearchWords(item.r.fields);
  if (!words.length) return;
  const filters = el('div', 'field-filters');
  filters.append(el('span', 'field-filters-label', 'Find requests with'));
  for (const word of words) {
    const button = el('button', 'btn-link field-filter mono', word);
    button.type = 'button';
    button.dataset.searchWord = word;
    button.title = 'Add to the text search';
    filters.append(button);
  }
  details.append(filters);
}

// The `@key=value` search words for a record's top-level strings, numbers and booleans, as far as the
// receiver takes them: keys of A–Z, a–z, 0–9 and _ . - (at most 64), values of at most 256 bytes
// without a double quote (a quoted value has no escapes) or a control character (the search box is one
// line); a value with spaces is quoted.
function fieldSearchWords(fields) {
  const words = [];
  for (const [key, value] of Object.entries(fields)) {
    if (words.length >= 12) break;
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(key) || !['string', 'number', 'boolean'].includes(typeof value)) continue;
    const text = String(value);
    if (/["\u0000-\u001f\u007f]/.test(text) || new TextEncoder().encode(text).length > 256) continue;
    words.push(/\s/.test(text) ? `@${key}="${text}"` : `@${key}=${text}`);
  }
  return words;
}

// A field's search word joins the text search (once) and the list follows it.
function onFieldFilterClick(event) {
  const button = event.target.closest('.field-filter');
  if (!button) return;
  const input = $('filters').elements.q;
  const word = button.dataset.searchWord;
  const current = input.value.trim();
  // A quoted value holds spaces, so the word is looked for whole, between spaces.
  if (!` ${current} `.includes(` ${word} `)) input.value = current ? `${current} ${word}` : word;
  applyFilters();
}

/* ---------------------------------------------------------------- 7. Keyboard, help, copy */

function isTypingTarget(target) {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName));
}

function isInteractive(target) {
  return target instanceof HTMLElement && target.closest('button, a, summary, input, select, textarea, label') !== null;
}

function onKeyDown(event) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || $('help').open) return;
  const target = event.target;
  if (event.key === 'Escape') {
    if (isTypingTarget(target)) target.blur();
    else if (state.openId) closeView();
    return;
  }
  if (isTypingTarget(target)) return;
  const inView = $('request-view').contains(target);
  const handled = handleShortcut(event.key, target, inView);
  if (handled) event.preventDefault();
}

function handleShortcut(key, target, inView) {
  switch (key) {
    case '/': $('filters').elements.q.focus(); $('filters').elements.q.select(); return true;
    case 'j': moveSelection(1); return true;
    case 'k': moveSelection(-1); return true;
    case 'ArrowDown': if (inView) return false; moveSelection(1); return true;
    case 'ArrowUp': if (inView) return false; moveSelection(-1); return true;
    case 'Enter': if (isInteractive(target) || inView) return false; openSelected(); return true;
    case 'c': if (!state.openId) return false; copyRequestId(); return true;
    case 'r': if (state.openId) loadView(state.openId); else refreshList(); return true;
    case 'p': togglePause(); return true;
    case '?': $('help').showModal(); return true;
    default: return false;
  }
}

async function copyRequestId() {
  const id = state.openId;
  if (!id) return;
  try {
    await navigator.clipboard.writeText(id);
    showCopyStatus('Copied');
  } catch (_) {
    showCopyStatus(copyBySelection($('rv-id')) ? 'Copied' : 'Selected — press Ctrl+C to copy');
  }
}

function copyBySelection(node) {
  const range = document.createRange();
  range.selectNodeContents(node);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  try {
    return document.execCommand('copy');
  } catch (_) {
    return false;
  }
}

let copyTimer = 0;
function showCopyStatus(text) {
  $('rv-copy-status').textContent = text;
  clearTimeout(copyTimer);
  copyTimer = setTimeout(() => { $('rv-copy-status').textContent = ''; }, 2500);
}

/* ---- store health ---- */

const HEALTH_INTERVAL_MS = 15000;

// While the store cannot write (a full disk), senders are refused and nothing new appears: say so above
// the list rather than let the page look merely quiet. /health needs no token.
async function checkStoreHealth() {
  let health = null;
  try {
    const response = await fetch('/health', { headers: { Accept: 'application/json' }, cache: 'no-store' });
    health = await response.json();
  } catch (_) {
    health = null;  // unreachable: the live indicator already says so
  }
  const banner = $('store-status');
  const problem = health && health.status === 'degraded' && typeof health.store_error === 'string' ? health.store_error : null;
  banner.hidden = problem === null;
  banner.textContent = problem === null ? '' : `Records are not being stored: ${cleanText(problem)}. Senders are told to retry later.`;
}

/* ---------------------------------------------------------------- 8. Boot */

function bindEvents() {
  const form = $('filters');
  form.addEventListener('input', onFilterInput);
  form.addEventListener('change', onFilterInput);
  form.addEventListener('submit', (event) => { event.preventDefault(); applyFilters(); });
  form.addEventListener('reset', () => setTimeout(applyFilters, 0));
  const rows = $('request-rows');
  rows.addEventListener('click', onRowActivate);
  $('older-lines').addEventListener('click', showOlderLines);
  rows.addEventListener('focusin', (event) => {
    const line = event.target.closest('tr.line-row');
    if (line) return markSelectedLine(lineKey(lineOf(line)));
    const row = event.target.closest('tr.req-row');
    if (row && row.dataset.requestId) markSelected(row.dataset.requestId);
  });
  $('rv-body').addEventListener('click', onMarkerClick);
  $('rv-body').addEventListener('click', onExpandClick);
  $('rv-body').addEventListener('click', onFieldFilterClick);
  $('rv-body').addEventListener('toggle', onDetailsToggle, true);
  $('rv-close').addEventListener('click', () => closeView());
  $('rv-copy').addEventListener('click', copyRequestId);
  $('rv-reload').addEventListener('click', () => state.openId && loadView(state.openId));
  $('live-toggle').addEventListener('click', togglePause);
  $('help-button').addEventListener('click', () => $('help').showModal());
  document.addEventListener('keydown', onKeyDown);
  document.addEventListener('visibilitychange', onVisibilityChange);
  window.addEventListener('popstate', onPopState);
}

function boot() {
  const { filters, id } = readUrl();
  state.filters = filters;
  writeFiltersToForm(filters);
  setTableHead(isLinesView());
  bindEvents();
  renderLiveStatus();
  if (id) openRequest(id, { history: 'none' });
  refreshList();
  connectLive();
  checkStoreHealth();
  setInterval(checkStoreHealth, HEALTH_INTERVAL_MS);
}

boot();
