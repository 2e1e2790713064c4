// svcsim reviewer's workspace. Plan text is other agencies' documents and may contain markup:
// every corpus text goes into the DOM as a text node (never innerHTML); colours are set through
// the CSSOM because the CSP forbids style attributes.
"use strict";

const $ = (id) => document.getElementById(id);
let S = {};        // page strings (/api/strings)
let COLOURS = {};  // status colours, shared with the HTML report
const STATUSES = ["own", "template", "copied", "reused"];

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k === "title") node.title = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
  return node;
}

async function api(path) {
  const r = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

function status(msg, isError) {
  $("rstatus").textContent = msg || "";
  $("rstatus").classList.toggle("error", Boolean(isError));
}

const pct = (x) => `${(x * 100).toFixed(1)}%`;
const yearOf = (e) => (e.roc_year != null ? (S["year.roc"] || "{roc}").replace("{roc}", e.roc_year) : "");
const where = (e) => `${e.agency} ${yearOf(e)} ${e.item || ""}${e.measure || ""}${e.n != null ? "-" + e.n : ""}`;

// Text with the half-open [start, end) spans marked.
function highlighted(text, spans) {
  const frag = document.createDocumentFragment();
  const sorted = spans.slice().sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [s, e] of sorted) {
    if (e <= at) continue;
    const from = Math.max(s, at);
    if (from > at) frag.append(document.createTextNode(text.slice(at, from)));
    frag.append(el("mark", {}, text.slice(from, e)));
    at = e;
  }
  if (at < text.length) frag.append(document.createTextNode(text.slice(at)));
  return frag;
}

function stack(p) {
  const bar = el("span", { class: "stack" });
  const n = Math.max(p.n_points, 1);
  for (const k of STATUSES) {
    const c = p["n_" + k];
    if (!c) continue;
    const seg = el("span", { class: "seg-" + k });
    seg.style.width = `${(c / n) * 100}%`;
    seg.style.background = COLOURS[k];
    bar.append(seg);
  }
  bar.title = STATUSES.map((k) => `${S["status." + k]} ${p["n_" + k]}`).join("；");
  return bar;
}

function legend() {
  const box = el("p", { class: "legend" });
  for (const k of STATUSES) {
    const sw = el("span", { class: "sw" });
    sw.style.background = COLOURS[k];
    box.append(sw, el("span", { title: S["def." + k] }, S["status." + k]));
  }
  return box;
}

// -- 計畫列表 -------------------------------------------------------------------------------------
let sortState = { key: "originality", dir: 1 };

async function showPlans(view) {
  const { plans } = await api("/api/plans");
  const cols = [["agency", S["col.agency"]], ["roc_year", S["col.year"]], ["file", S["col.file"]],
    ["n_points", S["col.points"]], ["breakdown", S["col.breakdown"]], ["originality", S["col.originality"]]];
  const table = el("table", { class: "plans", id: "plans" });
  const head = el("tr");
  for (const [k, label] of cols) {
    const th = el("th", { "data-key": k }, label);
    if (k !== "breakdown") th.addEventListener("click", () => {
      sortState = { key: k, dir: sortState.key === k ? -sortState.dir : 1 };
      fill();
    });
    head.append(th);
  }
  const body = el("tbody");
  table.append(el("thead", {}, head), body);
  function fill() {
    const { key, dir } = sortState;
    const rows = plans.slice().sort((a, b) => (a[key] < b[key] ? -dir : a[key] > b[key] ? dir : a.id - b.id));
    for (const th of head.children) {
      th.className = th.dataset.key === key ? (dir > 0 ? "sorted-asc" : "sorted-desc") : "";
    }
    body.replaceChildren(...rows.map((p) => el("tr", { "data-id": p.id },
      el("td", {}, p.agency), el("td", {}, yearOf(p)),
      el("td", {}, el("a", { href: `#plan/${p.id}` }, p.file)), el("td", {}, p.n_points),
      el("td", {}, stack(p)), el("td", { class: "originality", title: S["def.originality"] }, pct(p.originality)))));
  }
  fill();
  view.replaceChildren(legend(), el("p", { class: "definition" }, S["def.originality"]), table);
}

// -- 計畫檢視 -------------------------------------------------------------------------------------
async function showPlan(view, id) {
  if (id == null) {
    view.replaceChildren(el("p", {}, S["pick"]));
    location.hash = "#plans";
    return;
  }
  const plan = await api(`/api/plans/${id}`);
  const table = el("div", { class: "plan-table", id: "plan-table" });
  let item = null;
  let measure = null;
  for (const p of plan.points) {
    if (!item || item.dataset.key !== p.item) {
      item = el("div", { class: "item", "data-key": p.item }, el("h3", {}, `${p.item}、${p.item_title}`));
      table.append(item);
      measure = null;
    }
    if (!measure || measure.dataset.key !== p.measure) {
      measure = el("div", { class: "measure", "data-key": p.measure }, el("h4", {}, `${p.measure} ${p.measure_title}`),
        el("ol", { class: "points" }));
      item.append(measure);
    }
    const li = el("li", { class: `point status-${p.status}`, "data-id": p.id, value: p.n ?? "",
      title: S["status." + p.status] }, el("span", { class: "text" }, p.text),
    p.units.length ? el("span", { class: "units" }, `（${p.units.join("、")}）`) : null);
    li.style.borderLeftColor = COLOURS[p.status];
    li.addEventListener("click", () => showSources(plan.id, p.id, li));
    measure.querySelector("ol").append(li);
  }
  const side = el("div", { class: "side", id: "sources" }, el("p", {}, S["pick"]));
  view.replaceChildren(
    el("h2", {}, `${plan.agency} ${yearOf(plan)}（${plan.file}）`),
    el("p", {}, stack(plan), ` ${S["col.originality"]} ${pct(plan.originality)}`),
    el("p", { class: "definition" }, S["def.originality"]), legend(),
    el("div", { class: "plan-layout" }, table, side));
}

async function showSources(planId, entryId, li) {
  document.querySelectorAll("ol.points li.selected").forEach((x) => x.classList.remove("selected"));
  li.classList.add("selected");
  const side = $("sources");
  const data = await api(`/api/plans/${planId}/points/${entryId}/sources`);
  const out = [el("h3", {}, `${S["sources"]}（${S["status." + data.point.status]}）`)];
  if (!data.sources.length) out.push(el("p", {}, S["no_sources"]));
  for (const s of data.sources) {
    out.push(el("div", { class: "pair" },
      el("div", { class: "mine" }, el("div", { class: "who" }, S["mine"]),
        el("div", { class: "text" }, highlighted(data.point.text, s.spans.map((x) => [x[0], x[1]])))),
      el("div", { class: "theirs" }, el("div", { class: "who" }, `${S["source"]}：${where(s.source)}`),
        el("div", { class: "text" }, highlighted(s.source.text, s.spans.map((x) => [x[2], x[3]]))))));
  }
  side.replaceChildren(...out);
}

// -- 機關重疊 -------------------------------------------------------------------------------------
async function showOverlap(view) {
  const ov = await api("/api/overlap");
  const max = Math.max(0.0001, ...ov.proportions.flat());
  const table = el("table", { class: "heat", id: "overlap" });
  table.append(el("tr", {}, el("th"), ...ov.agencies.map((a) => el("th", {}, a))));
  ov.agencies.forEach((a, i) => {
    table.append(el("tr", {}, el("th", {}, a), ...ov.proportions[i].map((v, j) => {
      const td = el("td", { title: `${ov.counts[i][j]} / ${ov.n_points[i]}` }, i === j ? "—" : pct(v));
      td.style.background = `rgba(204, 51, 51, ${i === j ? 0 : v / max})`;
      if (i !== j && v / max > 0.6) td.classList.add("dark");
      return td;
    })));
  });
  const scale = el("span", { class: "stack" });
  for (let k = 0; k <= 4; k++) {
    const seg = el("span", {}, "");
    seg.style.width = "20%";
    seg.style.background = `rgba(204, 51, 51, ${k / 4})`;
    scale.append(seg);
  }
  view.replaceChildren(el("p", { class: "definition" }, S["def.overlap"]), table,
    el("p", { class: "legend" }, S["report.overlap.legend"], " 0% ", scale, ` ${pct(max)}`));
}

// -- 逐年比較 -------------------------------------------------------------------------------------
function diffText(old, now, ops) {
  const frag = document.createDocumentFragment();
  for (const [tag, i1, i2, j1, j2] of ops) {
    if (tag === "equal") frag.append(document.createTextNode(now.slice(j1, j2)));
    if (tag === "delete" || tag === "replace") frag.append(el("del", {}, old.slice(i1, i2)));
    if (tag === "insert" || tag === "replace") frag.append(el("ins", {}, now.slice(j1, j2)));
  }
  return frag;
}

async function showYears(view, agency) {
  const { plans } = await api("/api/plans");
  const agencies = [...new Set(plans.map((p) => p.agency))].sort();
  const pick = el("select", { id: "agency-pick" }, el("option", { value: "" }, S["pick_agency"]),
    ...agencies.map((a) => el("option", { value: a }, a)));
  pick.value = agency || "";
  pick.addEventListener("change", () => { location.hash = `#years/${encodeURIComponent(pick.value)}`; });
  const out = el("div", { id: "years" });
  view.replaceChildren(pick, out);
  if (!agency) return;
  const data = await api(`/api/years/${encodeURIComponent(agency)}`);
  if (data.changes.length === 0) { out.append(el("p", {}, S["one_year"])); return; }
  const counts = {};
  for (const c of data.changes) counts[c.change] = (counts[c.change] || 0) + 1;
  out.append(el("p", {}, `${data.from} → ${data.to}：`,
    ["kept", "edited", "new", "dropped"].map((k) => `${S[k]} ${counts[k] || 0}`).join("、")));
  const list = el("ol", { class: "diff" });
  for (const c of data.changes) {
    const e = c.new || c.old;
    const text = c.change === "edited" ? diffText(c.old.text, c.new.text, c.ops) : e.text;
    list.append(el("li", { class: `change-${c.change}` }, el("span", { class: "tag" }, S[c.change]),
      `${e.item}${e.measure}-${e.n ?? ""} `, el("span", { class: "text" }, text)));
  }
  out.append(list);
}

// -- 創新與主題 -----------------------------------------------------------------------------------
async function showInnovation(view) {
  const [inn, th] = await Promise.all([api("/api/innovations"), api("/api/themes")]);
  const left = el("div", { id: "innovations" }, el("h2", {}, S["innovations"]));
  const ol = el("ol");
  for (const s of inn.innovations.slice(0, 50)) {
    ol.append(el("li", { value: s.rank }, el("span", { class: "text" }, s.text),
      el("div", { class: "definition" }, `${where(s)}　${S["score"]} ${s.score.toFixed(3)}　${s.reasons.join("；")}`)));
  }
  left.append(ol);
  const right = el("div", { id: "themes" }, el("h2", {}, S["themes"]));
  for (const t of th.themes) {
    const box = el("div", { class: "theme" });
    const head = el("p", { class: "drill", "data-id": t.id },
      `${t.id >= 0 ? t.keywords.join("、") : "—"}（${t.size}）`);
    head.addEventListener("click", async () => {
      if (box.querySelector("ul")) { box.querySelector("ul").remove(); return; }
      const full = await api(`/api/themes/${t.id}`);
      box.append(el("ul", {}, ...full.members.map((m) =>
        el("li", {}, el("span", { class: "text" }, m.text), el("span", { class: "definition" }, `　${where(m)}`)))));
    });
    box.append(head, el("p", { class: "definition" }, t.representative));
    right.append(box);
  }
  view.replaceChildren(el("div", { class: "cols" }, left, right));
}

// -- routing --------------------------------------------------------------------------------------
async function route() {
  const [name, arg] = (location.hash.slice(1) || "plans").split("/");
  for (const a of document.querySelectorAll("#nav a")) {
    a.classList.toggle("current", a.getAttribute("href") === `#${name}`);
  }
  const view = $("view");
  status(S["loading"]);
  try {
    if (name === "plan") await showPlan(view, arg == null ? null : Number(arg));
    else if (name === "overlap") await showOverlap(view);
    else if (name === "years") await showYears(view, arg ? decodeURIComponent(arg) : "");
    else if (name === "innovation") await showInnovation(view);
    else await showPlans(view);
    status("");
  } catch (e) {
    status(S["error"] + e.message, true);
  }
  document.body.dataset.ready = "true";
}

async function start() {
  const data = await api("/api/strings");
  S = data.strings;
  COLOURS = data.colours;
  document.documentElement.lang = data.lang === "en" ? "en" : "zh-Hant-TW";
  document.title = S["title"];
  $("title").textContent = S["title"];
  for (const a of document.querySelectorAll("#nav a")) a.textContent = S[a.dataset.key] || a.textContent;
  window.addEventListener("hashchange", route);
  await route();
}

start();
