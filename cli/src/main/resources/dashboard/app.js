// The kalm-stream dashboard: polls /api/state for what arrived since the last poll and appends it to the charts.
"use strict";

const POLL_MS = 2000;
const MAX_POINTS = 1800;
const COLORS = {
  blue: "#5b9cff", green: "#3ccf91", orange: "#ffb347", red: "#ff5d73", violet: "#b48cff",
  cyan: "#4dd6e8", yellow: "#f2d45c", grey: "#8b93a7",
};
const PALETTE = [COLORS.blue, COLORS.green, COLORS.orange, COLORS.violet, COLORS.cyan, COLORS.yellow, COLORS.red];

Chart.defaults.color = "#8b93a7";
Chart.defaults.borderColor = "rgba(139,147,167,0.15)";
Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
Chart.defaults.animation = false;

const clock = (ms) => new Date(ms).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"});
const fmt = (v, digits = 3) => (v === null || v === undefined || Number.isNaN(v)) ? "–" : Number(v).toFixed(digits);

function timeAxis() {
  return {type: "linear", ticks: {callback: (v) => clock(v), maxTicksLimit: 6, maxRotation: 0}, grid: {display: false}};
}

function lineDataset(label, color, extra = {}) {
  return Object.assign({label, data: [], borderColor: color, backgroundColor: color, borderWidth: 2,
    pointRadius: 2, tension: 0.15, spanGaps: true}, extra);
}

function makeChart(id, datasets, scales, tooltipLabel) {
  return new Chart(document.getElementById(id), {
    type: "line",
    data: {datasets},
    options: {
      responsive: true, maintainAspectRatio: false, parsing: false, normalized: true,
      interaction: {mode: "nearest", intersect: false},
      plugins: {
        legend: {labels: {boxWidth: 10, boxHeight: 10, usePointStyle: true}},
        tooltip: {callbacks: {title: (items) => items.length ? clock(items[0].parsed.x) : "", label: tooltipLabel}},
      },
      scales: Object.assign({x: timeAxis()}, scales),
    },
  });
}

const versionLabel = (ctx) => {
  const p = ctx.raw;
  return `${ctx.dataset.label}: ${fmt(p.y, 4)}` + (p.version !== undefined ? `  (model v${p.version})` : "");
};

const charts = {
  quality: makeChart("chart-quality", [
    lineDataset("MRR", COLORS.blue),
    lineDataset("Hits@10", COLORS.green),
    lineDataset("MRR regression", COLORS.red, {showLine: false, pointStyle: "triangle", pointRadius: 8}),
  ], {y: {min: 0, suggestedMax: 0.02, grace: "10%", title: {display: true, text: "score"}}}, versionLabel),
  anisotropy: makeChart("chart-anisotropy", [
    lineDataset("anisotropy", COLORS.violet, {fill: {target: "origin", above: "rgba(180,140,255,0.08)"}}),
    lineDataset("alert", COLORS.red, {showLine: false, pointStyle: "triangle", pointRadius: 9, pointHoverRadius: 11}),
  ], {y: {suggestedMin: 0, suggestedMax: 1}}, (ctx) => ctx.raw.message
      ? `${ctx.raw.kind}: ${ctx.raw.message}` : versionLabel(ctx)),
  training: makeChart("chart-training", [
    lineDataset("loss L", COLORS.orange, {pointRadius: 0, pointHoverRadius: 4}),
    lineDataset("contrastive", COLORS.blue, {borderDash: [4, 3], pointRadius: 0}),
    lineDataset("instruction", COLORS.green, {borderDash: [4, 3], pointRadius: 0}),
    lineDataset("temperature τ", COLORS.cyan, {yAxisID: "tau", pointRadius: 0}),
  ], {
    y: {title: {display: true, text: "loss"}, suggestedMin: 0},
    tau: {position: "right", title: {display: true, text: "τ"}, grid: {drawOnChartArea: false}, suggestedMin: 0},
  }, (ctx) => `${ctx.dataset.label}: ${fmt(ctx.raw.y, 4)}` + (ctx.raw.step ? `  (step ${ctx.raw.step})` : "")),
  throughput: makeChart("chart-throughput", [], {y: {suggestedMin: 0, title: {display: true, text: "per second"}}},
      (ctx) => `${ctx.dataset.label}: ${fmt(ctx.raw.y, 1)}/s`),
  lag: makeChart("chart-lag", [], {y: {suggestedMin: 0, title: {display: true, text: "records"}}},
      (ctx) => `${ctx.dataset.label}: ${ctx.raw.y}`),
};

// Every chart shows the same window, from the first point seen to now, so events line up across charts.
let firstPointTime = null;

function push(chart, datasetIndex, point) {
  if (firstPointTime === null || point.x < firstPointTime) firstPointTime = point.x;
  const data = chart.data.datasets[datasetIndex].data;
  data.push(point);
  if (data.length > MAX_POINTS) data.splice(0, data.length - MAX_POINTS);
}

/** The dataset of a chart that shows one named series, created on first sight (groups and topics come and go). */
function namedDataset(chart, label) {
  let index = chart.data.datasets.findIndex((d) => d.label === label);
  if (index < 0) {
    const color = PALETTE[chart.data.datasets.length % PALETTE.length];
    chart.data.datasets.push(lineDataset(label, color, {pointRadius: 0}));
    index = chart.data.datasets.length - 1;
  }
  return index;
}

let cursor = 0;
let alertCount = 0;
let trainingFromTrainer = false;
const recentAlerts = [];

function applyQuality(points) {
  for (const p of points) {
    const point = {x: p.t, y: p.value, version: p.version};
    if (p.name === "mrr") push(charts.quality, 0, point);
    else if (p.name === "hits10") push(charts.quality, 1, point);
    else if (p.name === "anisotropy") push(charts.anisotropy, 0, point);
  }
}

function applyAlerts(alerts) {
  for (const a of alerts) {
    alertCount++;
    const marker = {x: a.t, y: a.value, version: a.version, kind: a.kind, message: a.message};
    if (a.kind.startsWith("ANISOTROPY")) push(charts.anisotropy, 1, marker);
    else if (a.kind === "MRR_REGRESSION") push(charts.quality, 2, marker);
    recentAlerts.unshift(a);
  }
  recentAlerts.splice(4);
  const list = document.getElementById("alert-list");
  list.replaceChildren(...recentAlerts.map((a) => {
    const li = document.createElement("li");
    const kind = document.createElement("b");
    kind.textContent = a.kind;
    li.append(kind, `${clock(a.t)} · v${a.version} · ${a.message}`);
    return li;
  }));
  document.getElementById("alert-count").textContent = alertCount;
  document.getElementById("pill-alerts").classList.toggle("alerting", alertCount > 0);
}

function applyTraining(points, checkpoints) {
  // Step-level points from the trainer's metrics when available; otherwise the metrics each checkpoint carries.
  if (points.length) trainingFromTrainer = true;
  const source = trainingFromTrainer
      ? points.map((p) => ({t: p.t, step: p.step, loss: p.loss, exp: p.lossContrastive, imp: p.lossInstruction, tau: p.temperature}))
      : checkpoints.map((c) => ({t: c.t, step: c.version, loss: c.metrics.loss, exp: c.metrics.loss_contrastive,
        imp: c.metrics.loss_instruction, tau: c.metrics.temperature}));
  for (const p of source) {
    [p.loss, p.exp, p.imp, p.tau].forEach((y, i) => {
      if (y !== null && y !== undefined) push(charts.training, i, {x: p.t, y, step: p.step});
    });
  }
}

function applyRates(rates, training) {
  for (const r of rates) {
    for (const [label, value] of Object.entries(r.recordsPerSecond)) {
      push(charts.throughput, namedDataset(charts.throughput, label), {x: r.t, y: value});
    }
  }
  for (const p of training) {
    if (p.pairsPerSecond !== null) {
      push(charts.throughput, namedDataset(charts.throughput, "pairs trained"), {x: p.t, y: p.pairsPerSecond});
    }
  }
}

function applyLag(points) {
  for (const p of points) {
    for (const [group, lag] of Object.entries(p.lagByGroup)) {
      push(charts.lag, namedDataset(charts.lag, group), {x: p.t, y: lag});
    }
  }
}

function applyStatus(state) {
  const s = state.scorer || {};
  document.getElementById("serving-version").textContent = s.modelVersion === null || s.modelVersion === undefined
      ? "–" : (s.modelVersion === 0 ? "base model" : `v${s.modelVersion}`);
  document.getElementById("indexed-entities").textContent =
      s.indexedEntities === null || s.indexedEntities === undefined ? "–" : s.indexedEntities.toLocaleString();
  const cp = state.latestCheckpoint;
  document.getElementById("checkpoint-version").textContent = cp ? `v${cp.version}` : "none yet";
  document.getElementById("checkpoint-age").textContent = cp ? `${age(cp.ageSeconds)} ago` : "";
  document.getElementById("updated").textContent = clock(state.now);
  const dot = document.getElementById("status-dot");
  dot.className = "status-dot " + (s.error ? "down" : "live");
  dot.title = s.error ? `scorer ${s.error}` : "scorer reachable";
}

function age(seconds) {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor(seconds / 60) % 60} min`;
}

function applyRelations(relations) {
  const select = document.getElementById("query-relation");
  const ids = Object.keys(relations);
  if (select.options.length === ids.length) return;
  const chosen = select.value;
  select.replaceChildren(...ids.map((id) => new Option(relations[id] || id, id)));
  if (ids.includes(chosen)) select.value = chosen;
}

function applyPredictions(rows) {
  const body = document.querySelector("#predictions tbody");
  if (!rows.length) {
    body.innerHTML = '<tr><td colspan="5" class="empty">no predictions yet: the loader spreads its queries through the stream</td></tr>';
    return;
  }
  body.replaceChildren(...rows.map((r) => {
    const tr = document.createElement("tr");
    if (r.error) tr.className = "error";
    const query = document.createElement("td");
    const entity = r.entityName || r.entityId || r.queryId;
    query.append(`${entity} `);
    const rel = document.createElement("span");
    rel.className = "rel";
    rel.textContent = r.relation ? r.relation.replace(/^_/, "").replaceAll("_", " ") : "";
    query.append(rel, " ?");
    const answers = document.createElement("td");
    if (r.error) answers.textContent = r.error;
    for (const c of r.candidates.slice(0, 3)) {
      const span = document.createElement("span");
      span.className = "cand";
      span.textContent = `${c.name || c.entityId} `;
      const score = document.createElement("small");
      score.textContent = fmt(c.score, 3);
      span.append(score);
      answers.append(span);
    }
    tr.append(cell(clock(r.t), "num"), query, answers, cell(r.version === 0 ? "base" : `v${r.version}`, "num"),
        cell(`${fmt(r.latencyMs, 0)} ms`, "num"));
    return tr;
  }));
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

async function poll() {
  try {
    const response = await fetch(`/api/state?cursor=${cursor}`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const state = await response.json();
    cursor = state.cursor;
    applyQuality(state.quality);
    applyAlerts(state.alerts);
    applyTraining(state.training, state.checkpoints);
    applyRates(state.rates, state.training);
    applyLag(state.lag);
    applyStatus(state);
    applyRelations(state.relations);
    applyPredictions(state.predictions);
    const start = Math.min(firstPointTime ?? state.now, state.now - 60_000);
    Object.values(charts).forEach((c) => {
      c.options.scales.x.min = start;
      c.options.scales.x.max = state.now;
      c.update("none");
    });
  } catch (e) {
    document.getElementById("status-dot").className = "status-dot down";
    document.getElementById("updated").textContent = "offline";
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

// Query box: suggestions while typing, the top-10 answer on submit.
const entityInput = document.getElementById("query-entity");
let suggestTimer;
entityInput.addEventListener("input", () => {
  clearTimeout(suggestTimer);
  suggestTimer = setTimeout(async () => {
    const prefix = entityInput.value.trim();
    if (prefix.length < 2) return;
    const response = await fetch(`/api/entities?prefix=${encodeURIComponent(prefix)}`);
    if (!response.ok) return;
    const list = await response.json();
    document.getElementById("entity-suggestions").replaceChildren(...list.map((e) => new Option(e.name, e.id)));
  }, 150);
});

document.getElementById("query-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("query-submit");
  const meta = document.getElementById("query-meta");
  const results = document.getElementById("query-results");
  const params = new URLSearchParams({
    entity: entityInput.value, relation: document.getElementById("query-relation").value,
    direction: document.getElementById("query-direction").value, k: "10",
  });
  button.disabled = true;
  meta.className = "query-meta";
  meta.textContent = "asking…";
  try {
    const response = await fetch(`/api/query?${params}`);
    const body = await response.json();
    const answer = body.answer || {};
    const error = body.error || answer.error;
    if (!response.ok || error) throw new Error(error || `HTTP ${response.status}`);
    const top = answer.candidates[0] ? answer.candidates[0].score : 1;
    results.replaceChildren(...answer.candidates.map((c) => {
      const li = document.createElement("li");
      li.innerHTML = '<span class="name"></span><span class="id"></span><span class="bar"></span><span class="score"></span>';
      li.querySelector(".name").textContent = c.name || c.entityId;
      li.querySelector(".id").textContent = c.entityId;
      li.querySelector(".bar").style.width = `${Math.max(4, 90 * c.score / top)}px`;
      li.querySelector(".score").textContent = fmt(c.score, 3);
      return li;
    }));
    const who = body.entityId ? `${body.entityName} (${body.entityId})` : `free text “${body.entityName}”`;
    meta.textContent = `${who} · answered by ${answer.modelVersion === 0 ? "the base model" : "v" + answer.modelVersion}`
        + ` in ${fmt(answer.latencyMs, 0)} ms`;
  } catch (e) {
    results.replaceChildren();
    meta.className = "query-meta error";
    meta.textContent = e.message;
  } finally {
    button.disabled = false;
  }
});

poll();
