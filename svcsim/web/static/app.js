// svcsim drafting page. Every corpus text is put into the DOM with textContent (never innerHTML):
// plans are other agencies' documents and may contain markup.
"use strict";

let S = {};  // the page's words in the user's language (/api/strings, from svcsim's catalogues)

// S[key] with {name} filled from params
function tr(key, params) {
  return (S[key] || key).replace(/\{(\w+)\}/g, (m, name) => (params && name in params ? String(params[name]) : m));
}

const DEBOUNCE_MS = 250;
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k === "title") node.title = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return node;
}

function where(s) {
  const code = `${s.item || ""}${s.measure || ""}${s.n != null ? "-" + s.n : ""}`;
  const year = s.roc_year != null ? tr("year.roc", { roc: s.roc_year }) : "";
  return `${s.agency} ${year} ${code}`.trim();
}

function setStatus(msg, isError) {
  const st = $("status");
  st.textContent = msg;
  st.classList.toggle("error", Boolean(isError));
}

async function api(path) {
  const res = await fetch(path);
  const data = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw new Error(data.error || `HTTP ${res.status}`);
  return data;
}

// -- suggestions ------------------------------------------------------------------------------
let pending = null;
let timer = null;

function schedule() {
  clearTimeout(timer);
  // Drop the answer to an older draft now, not when the next request leaves, so what is shown
  // always matches what is in the textarea.
  if (pending) pending.abort();
  setStatus(tr("draft.typing"));
  timer = setTimeout(refresh, DEBOUNCE_MS);
}

async function refresh() {
  const draft = $("draft").value;
  const measure = $("measure").value;
  if (!draft.trim() && !measure) {
    render({ suggestions: [], warning: null }, draft);
    setStatus("");
    return;
  }
  if (pending) pending.abort();  // a newer keystroke wins; never show stale suggestions
  pending = new AbortController();
  const body = { draft, measure: measure || null, agency: $("agency").value || null, k: 5 };
  setStatus(tr("draft.searching"));
  try {
    const res = await fetch("/api/suggest", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      signal: pending.signal,
    });
    if (res.status === 503) {  // the server's queue is full: ask again when it says, unless the draft changes first
      const wait = Math.min(Number(res.headers.get("Retry-After")) || 1, 30);
      setStatus(tr("draft.busy", { wait }));
      clearTimeout(timer);
      timer = setTimeout(refresh, wait * 1000);
      return;
    }
    const data = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
    if (!res.ok) throw new Error(data.error || `HTTP ${res.status}`);
    render(data, draft);
    setStatus(tr("draft.n_suggestions", { n: data.suggestions.length }) + (data.rank_ms != null ? `（${Math.round(data.embed_ms + data.rank_ms)} ms）` : ""));
  } catch (err) {
    if (err.name === "AbortError") return;
    setStatus(err.message, true);
  }
}

function highlighted(text, ranges) {
  // ranges: [start, end) offsets into text; returns a fragment with <mark> around them.
  const frag = document.createDocumentFragment();
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  let pos = 0;
  for (const [s, e] of sorted) {
    if (s < pos) continue;
    if (s > pos) frag.append(document.createTextNode(text.slice(pos, s)));
    frag.append(el("mark", {}, text.slice(s, e)));
    pos = e;
  }
  if (pos < text.length) frag.append(document.createTextNode(text.slice(pos)));
  return frag;
}

function renderWarning(w, draft) {
  const box = $("warning");
  box.replaceChildren();
  if (!w) { box.hidden = true; return; }
  const label = tr("label." + w.label);
  const others = w.used_by.length > 1 ? tr("draft.warning_others", { n: w.used_by.length }) : "";
  box.append(
    el("p", { class: "headline" }, tr("draft.warning", { where: where(w.source), label, percent: Math.round(w.cover * 100), others })),
    el("p", {}, tr("draft.your_draft"), el("span", { class: "draft-copy" }, highlighted(draft, w.spans.map((s) => [s[0], s[1]])))),
    el("p", {}, tr("draft.source"), el("span", { class: "source-copy" }, highlighted(w.source.text, w.spans.map((s) => [s[2], s[3]])))),
  );
  box.hidden = false;
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (e) {
    return false;  // no clipboard permission (e.g. http on another host): inserting still works
  }
}

function renderSuggestions(list) {
  const ol = $("suggestions");
  ol.replaceChildren();
  for (const s of list) {
    const used = s.used_by.length;
    const badge = el("span", { class: used > 2 ? "badge many" : "badge", title: s.used_by.join("、") },
      used > 1 ? tr("draft.used_by", { n: used }) : tr("draft.only_one"));
    const insert = el("button", { type: "button", class: "insert" }, tr("draft.insert"));
    insert.addEventListener("click", () => {
      // Insert at the cursor (replacing only a selection), never over the whole draft.
      const box = $("draft");
      const start = box.selectionStart ?? box.value.length;
      const end = box.selectionEnd ?? start;
      box.setRangeText(s.text, start, end, "end");
      box.focus();
      schedule();
    });
    const copy = el("button", { type: "button", class: "copy" }, tr("draft.copy"));
    copy.addEventListener("click", async () => {
      copy.textContent = (await copyText(s.text)) ? tr("draft.copied") : tr("draft.copy_failed");
      setTimeout(() => { copy.textContent = tr("draft.copy"); }, 1500);
    });
    ol.append(el("li", { class: "suggestion" },
      el("p", { class: "text" }, s.text),
      el("div", { class: "meta" },
        el("span", { class: "where" }, where(s)),
        el("span", { class: "measure-title", title: s.measure_title || "" }, s.measure_title ? `〈${s.measure_title.slice(0, 24)}${s.measure_title.length > 24 ? "…" : ""}〉` : ""),
        badge,
        el("span", { class: "score", title: tr("draft.score_parts", s) }, tr("draft.score", { score: s.score.toFixed(2) })),
        el("span", { class: "actions" }, insert, copy))));
  }
}

function render(data, draft) {
  renderWarning(data.warning, draft);
  renderSuggestions(data.suggestions || []);
}

// -- tabs ---------------------------------------------------------------------------------------
const loaded = {};

function showTab(btn) {
  for (const b of document.querySelectorAll("nav [role=tab]")) {
    const on = b === btn;
    b.setAttribute("aria-selected", String(on));
    $(b.dataset.panel).hidden = !on;
  }
  if (btn.id === "tab-dupes" && !loaded.dupes) { loaded.dupes = true; loadDupes(); }
  if (btn.id === "tab-clusters" && !loaded.clusters) { loaded.clusters = true; loadClusters(); }
}

function unavailable(box, data) {
  box.replaceChildren(el("p", { class: "hint unavailable" }, tr("draft.unavailable", { reason: data.reason })));
}

async function loadDupes() {
  const box = $("dupes");
  box.replaceChildren(el("p", { class: "hint" }, tr("draft.analysing")));
  try {
    const data = await api("/api/dupes");
    if (!data.available) return unavailable(box, data);
    box.replaceChildren();
    if (!data.groups.length) box.append(el("p", { class: "hint" }, tr("draft.no_dupes")));
    for (const g of data.groups) {
      box.append(el("div", { class: "card dupe" },
        el("p", { class: "text" }, g.canonical.text),
        el("div", { class: "meta" },
          el("span", { class: g.agencies.length > 2 ? "badge many" : "badge", title: g.agencies.join("、") }, tr("draft.n_agencies", { n: g.agencies.length })),
          g.template ? el("span", { class: "badge" }, tr("draft.template")) : null,
          el("span", {}, tr("draft.earliest", { where: where(g.source) }))),
        el("ul", { class: "members" }, ...g.members.slice(0, 12).map((m) => el("li", {}, `${where(m)}：${m.text}`)))));
    }
  } catch (err) {
    box.replaceChildren(el("p", { class: "status error" }, err.message));
  }
}

async function loadClusters() {
  const box = $("clusters");
  box.replaceChildren(el("p", { class: "hint" }, tr("draft.analysing")));
  try {
    const data = await api("/api/clusters");
    if (!data.available) return unavailable(box, data);
    box.replaceChildren();
    for (const c of data.clusters) {
      box.append(el("div", { class: "card cluster" },
        el("p", { class: "text" }, c.keywords.join("・")),
        el("p", { class: "meta" }, tr("draft.cluster_meta", { size: c.size, agencies: c.agencies.length }), c.representative)));
    }
  } catch (err) {
    box.replaceChildren(el("p", { class: "status error" }, err.message));
  }
}

// -- start ----------------------------------------------------------------------------------------
async function loadStrings() {
  try {
    const data = await api("/api/strings");
    S = data.strings;
    document.documentElement.lang = data.lang === "en" ? "en" : "zh-Hant-TW";
  } catch (err) {
    return;  // the page's own Chinese stays
  }
  document.title = tr("draft.title");
  for (const node of document.querySelectorAll("[data-key]")) node.textContent = tr(node.dataset.key);
  for (const node of document.querySelectorAll("[data-placeholder-key]")) node.placeholder = tr(node.dataset.placeholderKey);
}

async function init() {
  await loadStrings();
  for (const b of document.querySelectorAll("nav [role=tab]")) b.addEventListener("click", () => showTab(b));
  $("draft").addEventListener("input", schedule);
  $("measure").addEventListener("change", refresh);
  $("agency").addEventListener("change", refresh);
  try {
    const data = await api("/api/measures");
    let group = null;
    let lastItem = null;
    for (const m of data.measures) {
      if (m.item !== lastItem) {
        group = el("optgroup", { label: `${m.item === "0" ? "" : m.item + "、"}${m.item_title}` });
        $("measure").append(group);
        lastItem = m.item;
      }
      const opt = el("option", { value: m.code, title: m.title }, tr("draft.measure_option", { code: m.code, title: m.title, n: m.n_agencies }));
      group.append(opt);
    }
    for (const a of data.agencies) $("agency").append(el("option", { value: a }, a));
    document.body.dataset.ready = "true";
  } catch (err) {
    setStatus(tr("draft.no_measures", { error: err.message }), true);
  }
}

init();
