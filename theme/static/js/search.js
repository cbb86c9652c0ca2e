// Casebook's search page, over Pagefind's search worker (see pagefindInWorker below).
//
// The query, the filters and the sort live in the URL (/search/?q=renault&lang=it), so a search
// can be shared and the back button returns to the previous one. Results are built with
// createElement and textContent: nothing from the index is parsed as HTML, except the <mark>
// highlights of an excerpt, which are rebuilt as elements here. The interface strings come,
// translated, from the data- attributes of #search (search.html): "{n}" stands for a number,
// "{q}" for the query.

const ROOT = new URL("../../", import.meta.url); // this file is <site>/theme/js/search.js
const PAGEFIND = new URL("pagefind/", ROOT);
const PAGEFIND_OPTIONS = { excerptLength: 24 };
const FILTERS = ["theme", "organization", "sector", "channel", "year", "lang", "format"];
const SORTS = { "date-desc": { date: "desc" }, "date-asc": { date: "asc" } };
// The pause after a keystroke before results are shown: long enough that results are not
// replaced (and announced to screen readers) for every letter typed, short enough to feel
// immediate. Words that arrive at once are searched at once (see searchAhead below).
const TYPING_DELAY_MS = 150;
// Shorter words match too many index chunks to be worth searching for while typing.
const AHEAD_MIN_CHARS = 3;
// How words arrive whole in the box (besides several characters inserted at once).
const WHOLE_INPUTS = new Set(["insertFromPaste", "insertFromDrop", "insertReplacementText"]);
const LANG = document.documentElement.lang || "fr";

const app = document.getElementById("search");
if (app) start(app);

function readState(search) {
  const params = new URLSearchParams(search);
  const filters = {};
  for (const name of FILTERS) {
    const values = [...new Set(params.getAll(name).map((v) => v.trim()).filter(Boolean))];
    if (values.length) filters[name] = values;
  }
  const sort = params.get("sort") || "";
  return { q: (params.get("q") || "").trim(), filters, sort: sort in SORTS ? sort : "" };
}

function stateQuery(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const name of FILTERS) for (const value of state.filters[name] || []) params.append(name, value);
  if (state.sort) params.set("sort", state.sort);
  const query = params.toString();
  return query ? `?${query}` : "";
}

function sameState(a, b) {
  return stateQuery(a) === stateQuery(b);
}

// strings.resultsOne / strings.resultsOther, as the interface language's plural rules choose.
const PLURALS = new Intl.PluralRules(LANG);
function plural(strings, key, count) {
  const form = PLURALS.select(count) === "one" ? "One" : "Other";
  return (strings[key + form] || "{n}").replace("{n}", count.toLocaleString(LANG));
}

// Pagefind's excerpt is text with <mark> around the matched words: everything between the
// marks becomes a text node, whatever it contains.
function excerptNodes(excerpt) {
  const nodes = [];
  const parts = String(excerpt || "").split(/<mark>|<\/mark>/);
  parts.forEach((part, index) => {
    if (!part) return;
    const text = decodeEntities(part);
    if (index % 2 === 1) {
      const mark = document.createElement("mark");
      mark.textContent = text;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(text));
    }
  });
  return nodes;
}

// Pagefind escapes <, >, & and quotes in excerpts; undo that without an HTML parser.
const ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&#x27;": "'" };
function decodeEntities(text) {
  return text.replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (entity) => ENTITIES[entity]);
}

// Pagefind's runtime is pagefind-worker.js, which searches, and pagefind.js, the API a page
// imports: it passes messages to the worker, and carries a second copy of the whole engine for
// browsers where a worker cannot run (13 KB compressed). This page sends the worker the
// messages pagefind.js would (Pagefind 1.5.2: {id, instanceId, method, args}, answered by
// {id, result} or {id, error}) and imports pagefind.js only if the worker cannot start. The
// worker is search-worker.js, Pagefind's worker loaded whole, so that a search by filters only
// does not download the whole word index (see there).

// Resolves to {search, filters} once the worker has taken the index's settings (it then fetches
// the index metadata and WebAssembly on its own); rejects if the worker cannot start.
function pagefindInWorker() {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("search-worker.js", import.meta.url));
    const pending = new Map();
    let failure = null;
    let next = 0;
    const send = (id, method, args) => worker.postMessage({ id, instanceId: "casebook", method, args });
    const call = (method, args = []) => failure ? Promise.reject(failure) : new Promise((done, fail) => {
      const id = `casebook-${next++}`;
      pending.set(id, { done, fail });
      send(id, method, args);
    });
    worker.addEventListener("message", ({ data }) => {
      const answer = pending.get(data.id);
      pending.delete(data.id);
      if (data.error) answer?.fail(new Error(data.error));
      else answer?.done(data.result);
    });
    worker.addEventListener("error", (event) => {
      failure = new Error(`Pagefind's worker failed: ${event.message || "it did not load"}`);
      for (const answer of pending.values()) answer.fail(failure);
      pending.clear();
      reject(failure);
    });
    // The worker keeps what each result's data() needs until the page has let the result go.
    const kept = new FinalizationRegistry((dataId) => send("release", "releaseData", [dataId]));
    const engine = {
      async search(term, options) {
        const found = await call("search", [term, options]);
        for (const result of found.results) {
          const dataId = result.data;
          kept.register(result, dataId);
          let data = null;
          result.data = () => (data ||= call("getData", [dataId]));
        }
        return found;
      },
      filters: () => call("filters"),
    };
    const settings = { ...PAGEFIND_OPTIONS, basePath: PAGEFIND.pathname, language: LANG.toLowerCase(), primary: true };
    call("init", [settings]).then(() => resolve(engine), reject);
  });
}

// Pagefind's own API, searching on the page's thread.
async function pagefindOnPage() {
  const module = await import(new URL("pagefind.js", PAGEFIND).href);
  await module.options({ ...PAGEFIND_OPTIONS, noWorker: true });
  await module.init();
  return module;
}

function start(app) {
  const form = app.querySelector("form");
  const input = app.querySelector("#search-q");
  const sortSelect = app.querySelector("#search-sort");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const nojs = document.getElementById("search-nojs");
  const pageSize = Number(app.dataset.pageSize) || 10;
  const strings = app.dataset;
  const filtersBox = document.getElementById("search-filters-box");
  const activeCount = document.getElementById("search-active");
  // The filters start folded: their counts need every filter chunk of the index (a few hundred
  // KB at 10,000 cases), which is downloaded only when a reader opens them or arrives with one.
  filtersBox.open = false;
  const labels = {};
  for (const span of document.querySelectorAll("#search-labels [data-filter]")) {
    (labels[span.dataset.filter] ||= {})[span.dataset.value] = span.textContent;
  }
  const fieldsets = Object.fromEntries(
    [...app.querySelectorAll("fieldset[data-filter]")].map((f) => [f.dataset.filter, f]),
  );

  let state = readState(window.location.search);
  let results = [];
  let shown = 0;
  let generation = 0;
  let typingTimer = null;
  let totals = null;

  nojs.hidden = true;
  app.hidden = false;

  function label(name, value) {
    return labels[name]?.[value] || value;
  }

  function commit(next, { push }) {
    if (sameState(next, state)) {
      // Back to the words committed last before their results are shown: if a search for other
      // words took their turn in the worker (searchLatest), they are searched for again.
      if (app.dataset.shown !== stateQuery(state)) run();
      return;
    }
    state = next;
    const url = `${window.location.pathname}${stateQuery(state)}`;
    if (push) window.history.pushState(null, "", url);
    else window.history.replaceState(null, "", url);
    run();
  }

  function showState() {
    input.value = state.q;
    sortSelect.value = state.sort;
  }

  let loading = null;
  function load() {
    loading ||= pagefindInWorker().catch((error) => {
      console.warn("search:", error.message, "(searching on the page instead)");
      return pagefindOnPage();
    });
    return loading;
  }

  // Pagefind's worker, its WebAssembly and the index's entry and metadata files are fetched
  // once the page is idle (or the box gets focus), not on the first keystroke: a reader who
  // opened the search page is about to search, and the first results then wait only for the
  // index chunks of the words typed.
  let warming = null;
  function warm() {
    warming ||= load().catch(() => {});
    return warming;
  }

  // Words that arrive at once (pasted, or the first keystroke after a pause) are searched at
  // once; run() shares that search when the typing pause ends. The first results' fragments
  // (excerpts) come at once too for words that arrived whole, likely the reader's last; else they
  // wait for the pause, so that typing downloads no more than searching after it would.
  function searchAhead(next, whole) {
    if (next.q.length < AHEAD_MIN_CHARS || sameState(next, state)) return;
    const search = searchLatest(next);
    search.then((found) => {
      if (whole && found) for (const result of found.results.slice(0, pageSize)) result.data().catch(() => {});
    }, () => {});
  }

  // Pagefind's worker runs searches one after the other and cannot stop one (a word found in
  // every case takes a second at 10,000 cases). A search is handed to it once the previous one
  // is done, if it is still the latest wanted (else it resolves to null): at most one outdated
  // search delays the reader's. A search for the same URL query, pending or last done, is shared.
  let latest = null;
  let finished = null;
  let queue = Promise.resolve();
  const searches = new Map();
  function searchLatest(wanted) {
    const key = stateQuery(wanted);
    latest = key;
    if (!searches.has(key)) {
      const search = queue.then(() => (key === latest
        ? load().then((engine) => engine.search(wanted.q || null, searchOptions(wanted)))
        : null));
      searches.set(key, search);
      queue = search.then((found) => {
        if (!found) return searches.delete(key);
        if (finished !== key) searches.delete(finished);
        finished = key;
      }, () => searches.delete(key));
    }
    return searches.get(key);
  }

  function searchOptions(wanted) {
    const filters = {};
    for (const [name, values] of Object.entries(wanted.filters)) filters[name] = { any: values };
    return { filters, sort: SORTS[wanted.sort] || {} };
  }

  // data-shown holds the URL query whose results are on screen (tests and the benchmark wait
  // for it); aria-busy tells assistive technology that results are being replaced.
  function settled() {
    app.dataset.shown = stateQuery(state);
    list.removeAttribute("aria-busy");
  }

  async function run() {
    const mine = ++generation;
    list.setAttribute("aria-busy", "true");
    const hasQuery = state.q.length > 0;
    const hasFilters = Object.keys(state.filters).length > 0;
    try {
      if (hasFilters) filtersBox.open = true;
      if (!hasQuery && !hasFilters && !filtersBox.open) {
        clearResults();
        settled();
        return;
      }
      const engine = await load();
      if (filtersBox.open && !totals) {
        totals = await engine.filters();
        searches.clear(); // searches made before the filters were loaded have no counts for them
      }
      if (mine !== generation) return;
      if (!hasQuery && !hasFilters) {
        clearResults();
        renderFilters(totals);
        settled();
        return;
      }
      const search = await searchLatest(state);
      if (mine !== generation || !search) return; // newer words are wanted: their commit runs
      results = search.results;
      shown = 0;
      list.replaceChildren();
      renderFilters(search.filters);
      status.textContent = results.length
        ? plural(strings, "results", results.length)
        : hasQuery ? strings.noResultsFor.replace("{q}", () => state.q) : strings.noResults;
      await showMore(mine);
      if (mine === generation) settled();
    } catch (error) {
      if (mine !== generation) return;
      console.error("search:", error);
      status.textContent = strings.failed;
      nojs.hidden = false;
      settled();
    }
  }

  function clearResults() {
    results = [];
    shown = 0;
    list.replaceChildren();
    more.hidden = true;
    status.textContent = "";
  }

  async function showMore(mine) {
    const batch = results.slice(shown, shown + pageSize);
    const data = await Promise.all(batch.map((result) => result.data()));
    if (mine !== generation) return;
    const first = shown;
    for (const item of data) list.append(resultItem(item));
    shown += data.length;
    more.hidden = shown >= results.length;
    return first;
  }

  function resultItem(item) {
    const meta = item.meta || {};
    const li = document.createElement("li");
    li.className = "search-result";
    if (meta.lang) li.lang = meta.lang;
    const title = document.createElement("h2");
    const link = document.createElement("a");
    link.href = item.url;
    link.textContent = meta.title || item.url;
    title.append(link);
    const details = document.createElement("p");
    details.className = "search-meta";
    if (meta.date) {
      const time = document.createElement("time");
      time.dateTime = meta.datetime || "";
      time.textContent = meta.date;
      details.append(time);
    } else {
      details.append(strings.unknownDate);
    }
    if (meta.organizations) {
      const orgs = document.createElement("span");
      orgs.className = "search-orgs";
      orgs.textContent = meta.organizations;
      details.append(" · ", orgs);
    }
    const excerpt = document.createElement("p");
    excerpt.className = "search-excerpt";
    excerpt.append(...excerptNodes(item.excerpt));
    li.append(title, details, excerpt);
    return li;
  }

  function renderFilters(counts) {
    const active = Object.values(state.filters).reduce((sum, values) => sum + values.length, 0);
    activeCount.textContent = active ? `(${plural(strings, "active", active)})` : "";
    for (const name of FILTERS) {
      const fieldset = fieldsets[name];
      if (!fieldset) continue;
      const box = fieldset.querySelector(".search-options");
      const selected = new Set(state.filters[name] || []);
      const available = { ...(totals?.[name] || {}) };
      const current = counts?.[name] || {};
      const values = Object.keys(available)
        .filter((value) => selected.has(value) || (current[value] || 0) > 0)
        .sort((a, b) => (current[b] || 0) - (current[a] || 0) || label(name, a).localeCompare(label(name, b), LANG));
      for (const value of selected) if (!values.includes(value)) values.push(value);
      box.replaceChildren(...values.map((value, index) => option(name, value, index, selected.has(value), current[value] || 0)));
      fieldset.hidden = values.length === 0;
    }
  }

  function option(name, value, index, checked, count) {
    const id = `filter-${name}-${index}`;
    const wrapper = document.createElement("div");
    wrapper.className = "search-option";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = id;
    box.name = name;
    box.value = value;
    box.checked = checked;
    const text = document.createElement("label");
    text.htmlFor = id;
    text.textContent = `${label(name, value)} `;
    const number = document.createElement("span");
    number.className = "search-count";
    number.textContent = `(${count})`;
    text.append(number);
    wrapper.append(box, text);
    return wrapper;
  }

  function formState() {
    const filters = {};
    for (const name of FILTERS) {
      const values = [...app.querySelectorAll(`input[type=checkbox][name="${name}"]:checked`)].map((b) => b.value);
      if (values.length) filters[name] = values;
    }
    return { q: input.value.trim(), filters, sort: sortSelect.value in SORTS ? sortSelect.value : "" };
  }

  function results_links() {
    return [...list.querySelectorAll(".search-result h2 a")];
  }

  // No search ahead for a keystroke within the typing pause of the previous one: a search for
  // "cam" or "camp" would run to its end before the one for the finished word could start.
  let lastInput = -Infinity;
  input.addEventListener("input", (event) => {
    const whole = (event.data?.length ?? 0) > 1 || WHOLE_INPUTS.has(event.inputType);
    if (event.timeStamp - lastInput >= TYPING_DELAY_MS) searchAhead(formState(), whole);
    lastInput = event.timeStamp;
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(() => commit(formState(), { push: false }), TYPING_DELAY_MS);
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    window.clearTimeout(typingTimer);
    commit(formState(), { push: true });
  });

  form.addEventListener("change", (event) => {
    if (event.target === input) return;
    commit(formState(), { push: true });
  });

  filtersBox.addEventListener("toggle", () => {
    if (filtersBox.open && !totals) run();
  });

  input.addEventListener("focus", warm, { once: true });

  more.addEventListener("click", async () => {
    const first = await showMore(generation);
    results_links()[first]?.focus();
  });

  app.addEventListener("keydown", (event) => {
    const links = results_links();
    const at = links.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
      input.value = "";
      input.focus();
      window.clearTimeout(typingTimer);
      commit({ ...formState(), q: "" }, { push: true });
    } else if (event.key === "ArrowDown" && (document.activeElement === input || at >= 0)) {
      const next = links[at + 1];
      if (next) {
        event.preventDefault();
        next.focus();
      }
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      (links[at - 1] || input).focus();
    }
  });

  window.addEventListener("popstate", () => {
    state = readState(window.location.search);
    showState();
    run();
  });

  showState();
  run();
  if ("requestIdleCallback" in window) window.requestIdleCallback(warm, { timeout: 2000 });
  else window.setTimeout(warm, 0);
}
