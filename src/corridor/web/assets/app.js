// corridor's map page: every request goes to this app's own /api (relative URLs, no other host).
"use strict";

const MODE_COLORS = {
  rail: "#c0392b", road: "#7f8c8d", sea: "#2471a3", caspian_ferry: "#17a589",
  pipeline: "#212f3d", border: "#e67e22", transshipment: "#8e44ad",
};
const $ = (id) => document.getElementById(id);
const state = { routes: [], layers: {}, closed: new Set() };

const map = L.map("map", { worldCopyJump: false, zoomSnap: 0.5, attributionControl: true })
  .setView([44, 45], 3);
map.attributionControl.setPrefix("");
map.attributionControl.addAttribution("Outlines: Natural Earth (world-atlas)");
const layers = {
  outlines: L.layerGroup().addTo(map),
  network: L.layerGroup().addTo(map),
  routes: L.layerGroup().addTo(map),
  critical: L.layerGroup().addTo(map),
};

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { detail: text }; }
  if (!response.ok) {
    const detail = data && data.detail;
    const message = typeof detail === "string" ? detail
      : Array.isArray(detail) ? detail.map((d) => `${(d.loc || []).join(".")}: ${d.msg}`).join("; ")
      : `${response.status}`;
    throw new Error(message);
  }
  return data;
}

function fmt(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return "";
  return Number(value).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

// ---------------------------------------------------------------- map layers
async function drawBase() {
  const outlines = await api("api/outlines");
  L.geoJSON(outlines, { style: { color: "#aab7b8", weight: 0.6, fillColor: "#fdfefe", fillOpacity: 1 } })
    .addTo(layers.outlines);
  await drawNetwork(false);
}

async function drawNetwork(withUse) {
  const data = await api(`api/network${withUse ? "?use=true" : ""}`);
  layers.network.clearLayers();
  L.geoJSON(data, {
    filter: (f) => f.properties.kind === "link",
    style: (f) => {
      const p = f.properties;
      const closed = state.closed.has(p.id);
      const u = p.utilisation;
      const color = closed ? "#e74c3c" : (u === null || u === undefined ? p.color : (u > 0.9 ? "#c0392b" : u > 0.5 ? "#f39c12" : "#27ae60"));
      return { color, weight: closed ? 3 : 1.5, opacity: closed ? 0.9 : 0.45, dashArray: closed ? "4 4" : null };
    },
    onEachFeature: (f, layer) => {
      const p = f.properties;
      const cap = p.capacity === null ? "no published capacity" : `${fmt(p.capacity, 2)} ${p.capacity_unit}`;
      const use = p.volume ? `; carries ${fmt(p.volume)} a year` : "";
      layer.bindTooltip(`${p.id} (${p.mode}): ${cap}${use}`);
    },
  }).addTo(layers.network);
}

function drawRoutes(selected) {
  layers.routes.clearLayers();
  state.routes.forEach((route, i) => {
    const coords = route.geometry.coordinates;
    coords.forEach((leg, j) => {
      const mode = route.leg_modes ? route.leg_modes[j] : null;
      L.polyline(leg.map(([x, y]) => [y, x]), {
        color: MODE_COLORS[mode] || "#d35400",
        weight: i === selected ? 6 : 3,
        opacity: i === selected ? 0.95 : 0.45,
      }).addTo(layers.routes);
    });
  });
  const all = state.routes.flatMap((r) => r.geometry.coordinates.flat()).map(([x, y]) => [y, x]);
  if (all.length) map.fitBounds(L.latLngBounds(all), { padding: [20, 20], maxZoom: 6 });
}

// ---------------------------------------------------------------- URL state
function readURL() {
  const q = new URLSearchParams(location.search);
  for (const key of ["origin", "destination", "commodity", "by", "avoid"]) {
    if (q.get(key)) $(key).value = q.get(key);
  }
  return q;
}

function writeURL() {
  const q = new URLSearchParams();
  for (const key of ["origin", "destination", "commodity", "by", "avoid"]) {
    if ($(key).value) q.set(key, $(key).value);
  }
  if ($("scenario-select").value) q.set("scenario", $("scenario-select").value);
  if ($("scenario-on").value) q.set("on", $("scenario-on").value);
  history.replaceState(null, "", `${location.pathname}?${q}`);
}

// ---------------------------------------------------------------- places
function suggest(input, list) {
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      list.innerHTML = "";
      if (input.value.length < 2) return;
      const data = await api(`api/places?q=${encodeURIComponent(input.value)}`);
      for (const place of data.places.slice(0, 6)) {
        const li = document.createElement("li");
        li.dataset.testid = "suggestion";
        li.textContent = `${place.label} (${place.id})`;
        li.addEventListener("mousedown", () => { input.value = place.id; list.innerHTML = ""; });
        list.appendChild(li);
      }
    }, 150);
  });
  input.addEventListener("blur", () => setTimeout(() => { list.innerHTML = ""; }, 200));
}

// ---------------------------------------------------------------- routes
async function findRoutes(event) {
  if (event) event.preventDefault();
  writeURL();
  $("route-message").textContent = "";
  const q = new URLSearchParams({
    origin: $("origin").value, destination: $("destination").value,
    commodity: $("commodity").value, by: $("by").value, k: "3",
  });
  if ($("avoid").value) q.set("avoid", $("avoid").value);
  if ($("scenario-select").value) q.set("scenario", $("scenario-select").value);
  if ($("scenario-select").value && $("scenario-on").value) q.set("on", $("scenario-on").value);
  const list = $("route-list");
  list.innerHTML = "";
  try {
    const data = await api(`api/routes?${q}`);
    state.routes = data.routes;
    data.routes.forEach((r, i) => {
      const li = document.createElement("li");
      li.dataset.testid = "route";
      const unit = r.unit === "teu" ? "TEU" : "t";
      li.innerHTML = `<b>${fmt(r.cost_usd)} USD/${unit}</b>, ${fmt(r.time_days, 1)} days, ${fmt(r.distance_km)} km<br>`
        + `${r.countries.join("-")} (${r.modes.join(", ")})`;
      li.addEventListener("click", () => selectRoute(i));
      list.appendChild(li);
    });
    if (data.closed.length) $("route-message").textContent = `Avoiding: ${data.closed.join("; ")}`;
    selectRoute(0);
  } catch (err) {
    state.routes = [];
    drawRoutes(-1);
    $("route-message").textContent = err.message;
  }
}

function selectRoute(i) {
  [...$("route-list").children].forEach((li, j) => li.classList.toggle("selected", i === j));
  drawRoutes(i);
}

// ---------------------------------------------------------------- scenarios and impact
async function loadScenarios(wanted) {
  const data = await api("api/scenarios");
  const select = $("scenario-select");
  for (const s of data.scenarios) {
    const option = document.createElement("option");
    option.value = s.name;
    option.textContent = s.kind === "saved" ? `${s.name} (saved)` : s.name;
    option.dataset.start = s.horizon ? s.horizon.start : "";
    select.appendChild(option);
  }
  if (wanted) select.value = wanted;
}

async function scenarioChanged() {
  const select = $("scenario-select");
  const option = select.selectedOptions[0];
  if (option && option.dataset.start && !$("scenario-on").value) $("scenario-on").value = option.dataset.start;
  state.closed = new Set();
  if (select.value) {
    const s = await api(`api/scenarios/${encodeURIComponent(select.value)}`);
    s.closed_links.forEach((id) => state.closed.add(id));
  }
  writeURL();
  await drawNetwork(false);
  if ($("origin").value && $("destination").value) await findRoutes();
}

async function runImpact() {
  const name = $("scenario-select").value;
  const box = $("impact-summary");
  if (!name) { box.textContent = "Choose a scenario first."; return; }
  const bar = $("impact-progress");
  bar.hidden = false; bar.value = 0;
  box.textContent = "Running…";
  try {
    const started = await api("api/impact", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ scenario: name, period: "week" }),
    });
    let job = null;
    for (;;) {
      job = await api(`api/jobs/${started.job}`);
      bar.value = job.progress;
      if (job.state === "done" || job.state === "failed") break;
      await new Promise((r) => setTimeout(r, 400));
    }
    bar.hidden = true;
    if (job.state === "failed") { box.textContent = job.error; return; }
    showImpact(job.result, started.job);
    await drawNetwork(true);
  } catch (err) {
    bar.hidden = true;
    box.textContent = err.message;
  }
}

function showImpact(r, job) {
  const rows = [
    ["extra cost", `${fmt(r.delta_cost_usd / 1e6, 1)} M USD`],
    ...Object.entries(r.stranded).map(([c, v]) => [`stranded ${c}`, fmt(v)]),
  ];
  if (r.oil) rows.push(["crude output cut", `${fmt(r.oil.output_cut_bbl_per_day)} bbl/d over ${fmt(r.oil.days_cut)} days`]);
  r.bottlenecks.slice(0, 3).forEach((b, i) => rows.push([`bottleneck ${i + 1}`, `${b.element} (${fmt(b.shadow_price_usd, 2)} USD per ${b.dimension}-year)`]));
  const moved = r.corridors.filter((c) => Math.abs(c.moved) > 0.5).slice(0, 3);
  moved.forEach((c) => rows.push([`moved ${c.group}`, `${fmt(c.moved)} ${c.commodity}`]));
  (r.warnings || []).forEach((w) => rows.push(["warning", w]));
  const table = document.createElement("table");
  for (const [k, v] of rows) {
    const tr = table.insertRow();
    tr.insertCell().textContent = k;
    tr.insertCell().textContent = v;
  }
  const box = $("impact-summary");
  box.innerHTML = "";
  box.appendChild(table);
  const link = document.createElement("a");
  link.href = `api/export/impact/${job}?format=xlsx`;
  link.textContent = "Excel workbook";
  box.appendChild(link);
}

// ---------------------------------------------------------------- editor
function editor() {
  let timer = null;
  const check = async () => {
    const list = $("scenario-problems");
    try {
      const result = await api("api/scenarios/validate", {
        method: "POST", headers: { "Content-Type": "text/plain" }, body: $("scenario-editor").value,
      });
      list.innerHTML = "";
      list.classList.toggle("valid", result.valid);
      const lines = result.valid ? [`valid: ${result.name}, ${result.events} events`] : result.problems;
      for (const line of lines) {
        const li = document.createElement("li");
        li.textContent = line;
        list.appendChild(li);
      }
    } catch (err) {
      list.textContent = err.message;
    }
  };
  $("scenario-editor").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(check, 300); });
  $("save-scenario").addEventListener("click", async () => {
    try {
      const saved = await api("api/scenarios", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ yaml: $("scenario-editor").value }),
      });
      $("scenario-problems").textContent = `saved as ${saved.saved}`;
      $("scenario-select").innerHTML = '<option value="">none</option>';
      await loadScenarios(saved.saved);
    } catch (err) {
      $("scenario-problems").textContent = err.message;
    }
  });
  check();
}

// ---------------------------------------------------------------- news and criticality
async function news() {
  const health = await api("api/health");
  if (!health.news) return;
  $("news-box").hidden = false;
  $("news-draft").addEventListener("click", async () => {
    const published = $("news-published").value;
    try {
      const draft = await api(`api/news/draft?published=${published}`, {
        method: "POST", headers: { "Content-Type": "text/plain" }, body: $("news-text").value,
      });
      $("news-result").textContent = JSON.stringify(draft, null, 1);
    } catch (err) {
      $("news-result").textContent = err.message;
    }
  });
}

async function showCriticality() {
  const data = await api("api/criticality?top=10");
  const net = await api("api/network");
  const lines = new Map(net.features.filter((f) => f.properties.kind === "link").map((f) => [f.properties.id, f]));
  const nodes = new Map(net.features.filter((f) => f.properties.kind === "node").map((f) => [f.properties.id, f]));
  layers.critical.clearLayers();
  const list = $("criticality-list");
  list.innerHTML = "";
  for (const row of data.rows) {
    const li = document.createElement("li");
    li.textContent = `${row.closed}: ${fmt(row.extra_cost_usd / 1e6)} M USD a year`;
    list.appendChild(li);
    for (const id of row.closed.split(", ")) {
      const f = lines.get(id) || nodes.get(id);
      if (!f) continue;
      L.geoJSON(f, {
        style: { color: "#8e44ad", weight: 5 },
        pointToLayer: (_, latlng) => L.circleMarker(latlng, { radius: 7, color: "#8e44ad" }),
      }).bindTooltip(`${id}: single point of failure`).addTo(layers.critical);
    }
  }
}

// ---------------------------------------------------------------- start
async function main() {
  const q = readURL();
  suggest($("origin"), $("origin-suggestions"));
  suggest($("destination"), $("destination-suggestions"));
  $("route-form").addEventListener("submit", findRoutes);
  $("scenario-select").addEventListener("change", scenarioChanged);
  $("scenario-on").addEventListener("change", () => { writeURL(); if ($("origin").value) findRoutes(); });
  $("run-impact").addEventListener("click", runImpact);
  $("show-criticality").addEventListener("click", showCriticality);
  $("news-published").valueAsDate = new Date();
  editor();
  await drawBase();
  await loadScenarios(q.get("scenario"));
  if (q.get("on")) $("scenario-on").value = q.get("on");
  if (q.get("scenario")) await scenarioChanged();
  else if ($("origin").value && $("destination").value) await findRoutes();
  await news();
  document.body.dataset.ready = "true";
}

main();
