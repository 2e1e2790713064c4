// svcsim drafting page. Every corpus text is put into the DOM with textContent (never innerHTML):
// plans are other agencies' documents and may contain markup.
"use strict";

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
  return `${s.agency} ${s.year ?? ""} ${code}`.trim();
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
  setStatus("輸入中…");
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
  setStatus("搜尋中…");
  try {
    const res = await fetch("/api/suggest", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      signal: pending.signal,
    });
    if (res.status === 503) {  // the server's queue is full: ask again when it says, unless the draft changes first
      const wait = Math.min(Number(res.headers.get("Retry-After")) || 1, 30);
      setStatus(`伺服器忙碌中，${wait} 秒後自動重試…`);
      clearTimeout(timer);
      timer = setTimeout(refresh, wait * 1000);
      return;
    }
    const data = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
    if (!res.ok) throw new Error(data.error || `HTTP ${res.status}`);
    render(data, draft);
    setStatus(`${data.suggestions.length} 則建議` + (data.rank_ms != null ? `（${Math.round(data.embed_ms + data.rank_ms)} ms）` : ""));
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
  const label = w.label === "copy" ? "完全相同" : "高度相似";
  const others = w.used_by.length > 1 ? `，共 ${w.used_by.length} 個機關使用此文字` : "";
  box.append(
    el("p", { class: "headline" }, `⚠ 草稿與 ${where(w.source)} ${label}（${Math.round(w.cover * 100)}% 文字相同${others}）`),
    el("p", {}, "草稿：", el("span", { class: "draft-copy" }, highlighted(draft, w.spans.map((s) => [s[0], s[1]])))),
    el("p", {}, "來源：", el("span", { class: "source-copy" }, highlighted(w.source.text, w.spans.map((s) => [s[2], s[3]])))),
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
      used > 1 ? `${used} 個機關使用` : "僅此機關");
    const insert = el("button", { type: "button", class: "insert" }, "插入");
    insert.addEventListener("click", () => {
      // Insert at the cursor (replacing only a selection), never over the whole draft.
      const box = $("draft");
      const start = box.selectionStart ?? box.value.length;
      const end = box.selectionEnd ?? start;
      box.setRangeText(s.text, start, end, "end");
      box.focus();
      schedule();
    });
    const copy = el("button", { type: "button", class: "copy" }, "複製");
    copy.addEventListener("click", async () => {
      copy.textContent = (await copyText(s.text)) ? "已複製" : "無法複製";
      setTimeout(() => { copy.textContent = "複製"; }, 1500);
    });
    ol.append(el("li", { class: "suggestion" },
      el("p", { class: "text" }, s.text),
      el("div", { class: "meta" },
        el("span", { class: "where" }, where(s)),
        el("span", { class: "measure-title", title: s.measure_title || "" }, s.measure_title ? `〈${s.measure_title.slice(0, 24)}${s.measure_title.length > 24 ? "…" : ""}〉` : ""),
        badge,
        el("span", { class: "score", title: `相關 ${s.relevance}／具體 ${s.specificity}` }, `分數 ${s.score.toFixed(2)}`),
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
  box.replaceChildren(el("p", { class: "hint unavailable" }, `尚無法使用：${data.reason}`));
}

async function loadDupes() {
  const box = $("dupes");
  box.replaceChildren(el("p", { class: "hint" }, "分析中…"));
  try {
    const data = await api("/api/dupes");
    if (!data.available) return unavailable(box, data);
    box.replaceChildren();
    if (!data.groups.length) box.append(el("p", { class: "hint" }, "沒有跨計畫複製的文字。"));
    for (const g of data.groups) {
      box.append(el("div", { class: "card dupe" },
        el("p", { class: "text" }, g.canonical.text),
        el("div", { class: "meta" },
          el("span", { class: g.agencies.length > 2 ? "badge many" : "badge", title: g.agencies.join("、") }, `${g.agencies.length} 個機關`),
          g.template ? el("span", { class: "badge" }, "範本文字") : null,
          el("span", {}, `最早：${where(g.source)}`)),
        el("ul", { class: "members" }, ...g.members.slice(0, 12).map((m) => el("li", {}, `${where(m)}：${m.text}`)))));
    }
  } catch (err) {
    box.replaceChildren(el("p", { class: "status error" }, err.message));
  }
}

async function loadClusters() {
  const box = $("clusters");
  box.replaceChildren(el("p", { class: "hint" }, "分析中…"));
  try {
    const data = await api("/api/clusters");
    if (!data.available) return unavailable(box, data);
    box.replaceChildren();
    for (const c of data.clusters) {
      box.append(el("div", { class: "card cluster" },
        el("p", { class: "text" }, c.keywords.join("・")),
        el("p", { class: "meta" }, `${c.size} 則、${c.agencies.length} 個機關　代表句：`, c.representative)));
    }
  } catch (err) {
    box.replaceChildren(el("p", { class: "status error" }, err.message));
  }
}

// -- start ----------------------------------------------------------------------------------------
async function init() {
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
      const opt = el("option", { value: m.code, title: m.title }, `${m.code} ${m.title}（${m.n_agencies} 機關）`);
      group.append(opt);
    }
    for (const a of data.agencies) $("agency").append(el("option", { value: a }, a));
    document.body.dataset.ready = "true";
  } catch (err) {
    setStatus(`無法載入措施清單：${err.message}`, true);
  }
}

init();
