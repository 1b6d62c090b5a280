// corridor's map page: every request goes to this app's own /api (relative URLs, no other host).
"use strict";

const MODE_COLORS = {
  rail: "#c0392b", road: "#7f8c8d", sea: "#2471a3", caspian_ferry: "#17a589",
  pipeline: "#212f3d", border: "#e67e22", transshipment: "#8e44ad",
};
const MODE_NAMES = {
  rail: "rail", road: "road", sea: "sea", caspian_ferry: "Caspian ferry", pipeline: "pipeline",
  border: "border crossing", transshipment: "transfer (port, terminal)",
};
// Closures and derates: a colour and dashes no mode uses.
const CLOSED = { color: "#e600a9", dashArray: "6 5", weight: 4, opacity: 0.95 };
const DERATED = { color: "#e600a9", dashArray: "1 6", weight: 4, opacity: 0.95, lineCap: "round" };
const CRITICAL = "#00b8d9";
const CHOSEN = "#1a9850";
// Utilisation after an impact (ColorBrewer YlOrRd), upper bounds of each band.
const UTILISATION = [[0.5, "#fecc5c", "under 50 % of capacity"], [0.9, "#fd8d3c", "50-90 % of capacity"], [1.0, "#f03b20", "90-100 % of capacity"],
  [Infinity, "#7a0177", "over capacity"]];
const UNITS = { teu: "TEU", t: "t" };

const $ = (id) => document.getElementById(id);
const state = {
  routes: [], network: null, closed: new Map(), useShown: false, scenario: null, userDay: false, job: null,
};

const map = L.map("map", { worldCopyJump: false, zoomSnap: 0.5, attributionControl: true })
  .setView([44, 45], 3);
map.attributionControl.setPrefix("");
map.attributionControl.addAttribution("Outlines: Natural Earth (world-atlas)");
const layers = {
  outlines: L.layerGroup().addTo(map),
  network: L.layerGroup().addTo(map),
  closed: L.layerGroup().addTo(map),
  routes: L.layerGroup().addTo(map),
  ends: L.layerGroup().addTo(map),
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
      : Array.isArray(detail) ? detail.map((d) => `${(d.loc || []).slice(1).join(" ")}: ${d.msg}`).join("; ")
      : `the server answered ${response.status}`;
    const err = new Error(message);
    err.status = response.status;
    err.data = data;
    throw err;
  }
  return data;
}

function fmt(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return "";
  return Number(value).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "testid") node.dataset.testid = v;
    else if (k === "class") node.className = v;
    else node[k] = v;
  }
  for (const child of children) node.append(child);
  return node;
}

function longDate(iso) {
  if (!iso) return "";
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function daysBetween(a, b) {
  return Math.round((new Date(`${b}T00:00:00Z`) - new Date(`${a}T00:00:00Z`)) / 86400000);
}

// ---------------------------------------------------------------- legend
const legend = L.control({ position: "bottomright" });
legend.onAdd = () => {
  const box = L.DomUtil.create("details", "legend");
  box.dataset.testid = "legend";
  box.open = window.innerWidth > 700;  // on a phone the legend folds away until asked for
  box.append(el("summary", {}, "Legend"), el("div", { id: "legend" }));
  L.DomEvent.disableClickPropagation(box);
  L.DomEvent.disableScrollPropagation(box);
  return box;
};
legend.addTo(map);
map.on("moveend", () => placeEndLabels());

function swatch(style) {
  const svg = `<svg width="34" height="10" aria-hidden="true"><line x1="1" y1="5" x2="33" y2="5" stroke="${style.color}" `
    + `stroke-width="${style.weight || 3}" ${style.dashArray ? `stroke-dasharray="${style.dashArray}"` : ""} `
    + `stroke-linecap="${style.lineCap || "butt"}"/></svg>`;
  return el("span", { class: "swatch", innerHTML: svg });
}

function drawLegend() {
  const box = $("legend");
  box.innerHTML = "";
  box.append(el("strong", {}, state.useShown ? "Links: use after the impact" : "Links by mode"));
  const rows = state.useShown
    ? UTILISATION.map(([, color, label]) => [{ color, weight: 3 }, label])
    : Object.entries(MODE_COLORS).map(([mode, color]) => [{ color, weight: 3 }, MODE_NAMES[mode]]);
  rows.push([CLOSED, "closed on the chosen day"], [DERATED, "derated (less capacity) on the chosen day"],
    [{ color: CHOSEN, weight: 6 }, "chosen route (others thinner)"], [{ color: CRITICAL, weight: 6 }, "single point of failure"]);
  for (const [style, label] of rows) box.append(el("div", { class: "legend-row" }, swatch(style), label));
}

// ---------------------------------------------------------------- map layers
async function drawBase() {
  const outlines = await api("api/outlines");
  L.geoJSON(outlines, { style: { color: "#aab7b8", weight: 0.6, fillColor: "#fdfefe", fillOpacity: 1 } })
    .addTo(layers.outlines);
  await drawNetwork(false);
}

function utilColor(u) {
  return UTILISATION.find(([upper]) => u <= upper)[1];
}

async function drawNetwork(withUse) {
  const data = await api(`api/network${withUse ? "?use=true" : ""}`);
  state.network = data;
  state.useShown = withUse;
  layers.network.clearLayers();
  L.geoJSON(data, {
    filter: (f) => f.properties.kind === "link",
    style: (f) => {
      const p = f.properties;
      const u = p.utilisation;
      if (withUse && u !== null && u !== undefined) return { color: utilColor(u), weight: 2.5, opacity: 0.9 };
      return { color: p.color, weight: 1.5, opacity: withUse ? 0.25 : 0.5 };
    },
    onEachFeature: (f, layer) => {
      const p = f.properties;
      const cap = p.capacity === null ? "no published capacity" : `capacity ${fmt(p.capacity, 2)} ${p.capacity_unit.replaceAll("_", " ")}`;
      const use = p.volume ? `; carries ${fmt(p.volume)} units a year` : "";
      const util = p.utilisation !== null && p.utilisation !== undefined ? ` (${fmt(p.utilisation * 100)} % of capacity)` : "";
      layer.bindTooltip(`${MODE_NAMES[p.mode] || p.mode} link ${p.id}: ${cap}${use}${util}`);
    },
  }).addTo(layers.network);
  drawClosed();
  drawLegend();
}

function drawClosed() {
  layers.closed.clearLayers();
  if (!state.network || !state.closed.size) return;
  for (const f of state.network.features) {
    if (f.properties.kind !== "link" || !state.closed.has(f.properties.id)) continue;
    const item = state.closed.get(f.properties.id);
    const style = item.capacity_share === 0 ? CLOSED : DERATED;
    const tip = `${item.name}: ${item.capacity_share === 0 ? "closed" : `derated to ${fmt(item.capacity_share * 100)} % of capacity`} `
      + `${longDate(item.start)} to ${longDate(item.end)} (link ${f.properties.id})`;
    L.geoJSON(f, { style, interactive: true }).bindTooltip(tip).addTo(layers.closed);
    // A marker of fixed size at the link's middle: a mooring a few km long shows at any zoom.
    const coords = f.geometry.coordinates;
    const [x, y] = coords[Math.floor(coords.length / 2)];
    L.circleMarker([y, x], { radius: 7, color: style.color, weight: 2, dashArray: style.dashArray, fillOpacity: 0.15 })
      .bindTooltip(tip).addTo(layers.closed);
  }
}

function drawRoutes(selected) {
  layers.routes.clearLayers();
  layers.ends.clearLayers();
  state.routes.forEach((route, i) => {
    route.geometry.coordinates.forEach((leg, j) => {
      const mode = route.leg_modes ? route.leg_modes[j] : null;
      L.polyline(leg.map(([x, y]) => [y, x]), {
        color: i === selected ? CHOSEN : MODE_COLORS[mode] || CHOSEN,
        weight: i === selected ? 6 : 3,
        opacity: i === selected ? 0.95 : 0.45,
      }).bindTooltip(`route ${route.rank}`).addTo(layers.routes);
    });
  });
  const first = state.routes[0];
  if (first) {
    const coords = first.geometry.coordinates;
    const start = coords[0][0];
    const lastLeg = coords[coords.length - 1];
    const end = lastLeg[lastLeg.length - 1];
    for (const [[x, y], label] of [[start, `From: ${first.origin_name}`], [end, `To: ${first.destination_name}`]]) {
      L.circleMarker([y, x], { radius: 6, color: "#1b2631", fillColor: "#ffffff", fillOpacity: 1, weight: 2 }).addTo(layers.ends);
      const icon = L.divIcon({ className: "end-anchor", html: "", iconSize: [0, 0] });
      const marker = L.marker([y, x], { icon, interactive: false, keyboard: false }).addTo(layers.ends);
      marker.getElement().append(el("span", { class: "end-label" }, label));
    }
  }
  const all = state.routes.flatMap((r) => r.geometry.coordinates.flat()).map(([x, y]) => [y, x]);
  if (all.length) map.fitBounds(L.latLngBounds(all), { padding: [50, 90], maxZoom: 6 });
  placeEndLabels();
}

function placeEndLabels() {
  // A label on the right half of the map reads leftwards from its point, so it stays on screen.
  const middle = map.getSize().x / 2;
  for (const marker of layers.ends.getLayers()) {
    const label = marker.getElement && marker.getElement() && marker.getElement().querySelector(".end-label");
    if (label) label.classList.toggle("leftwards", map.latLngToContainerPoint(marker.getLatLng()).x > middle);
  }
}

// ---------------------------------------------------------------- URL state
function readURL() {
  const q = new URLSearchParams(location.search);
  for (const key of ["origin", "destination", "commodity", "by", "avoid"]) {
    if (q.get(key)) $(key).value = q.get(key);
  }
  return q;
}

function placeValue(input) {
  return input.dataset.id && input.value === input.dataset.label ? input.dataset.id : input.value;
}

function writeURL() {
  const q = new URLSearchParams();
  for (const key of ["origin", "destination"]) if ($(key).value) q.set(key, placeValue($(key)));
  for (const key of ["commodity", "by", "avoid"]) if ($(key).value) q.set(key, $(key).value);
  if ($("scenario-select").value) q.set("scenario", $("scenario-select").value);
  if ($("scenario-select").value && $("scenario-on").value) q.set("on", $("scenario-on").value);
  history.replaceState(null, "", `${location.pathname}?${q}`);
}

// ---------------------------------------------------------------- places
function suggest(input, list) {
  let timer = null;
  let active = -1;
  const items = () => [...list.querySelectorAll("[role=option]")];
  const close = () => {
    list.innerHTML = "";
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  };
  const mark = (i) => {
    const all = items();
    active = all.length ? (i + all.length) % all.length : -1;
    all.forEach((li, j) => li.setAttribute("aria-selected", String(j === active)));
    if (active >= 0) input.setAttribute("aria-activedescendant", all[active].id);
  };
  const pick = (li) => {
    input.value = li.dataset.label;
    input.dataset.label = li.dataset.label;
    input.dataset.id = li.dataset.id;
    close();
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    delete input.dataset.id;
    timer = setTimeout(async () => {
      if (input.value.length < 2) { close(); return; }
      const data = await api(`api/places?q=${encodeURIComponent(input.value)}`);
      close();
      data.places.slice(0, 6).forEach((place, i) => {
        const li = el("li", { testid: "suggestion", id: `${list.id}-${i}`, title: place.id },
          place.label, el("span", { class: "kind" }, place.kind === "group" ? " (group of places)" : ""));
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.label = place.label;
        li.dataset.id = place.id;
        li.addEventListener("mousedown", (e) => { e.preventDefault(); pick(li); });
        list.appendChild(li);
      });
      input.setAttribute("aria-expanded", String(items().length > 0));
    }, 150);
  });
  input.addEventListener("keydown", (e) => {
    const open = items().length > 0;
    if (e.key === "ArrowDown" && open) { e.preventDefault(); mark(active + 1); }
    else if (e.key === "ArrowUp" && open) { e.preventDefault(); mark(active - 1); }
    else if (e.key === "Enter" && open && active >= 0) { e.preventDefault(); pick(items()[active]); }
    else if (e.key === "Escape" && open) { e.preventDefault(); close(); }
  });
  input.addEventListener("blur", () => setTimeout(close, 200));
}

// ---------------------------------------------------------------- routes
function routeQuery() {
  const q = new URLSearchParams({
    origin: placeValue($("origin")), destination: placeValue($("destination")),
    commodity: $("commodity").value, by: $("by").value, k: "3",
  });
  if ($("avoid").value) q.set("avoid", $("avoid").value);
  if ($("scenario-select").value) q.set("scenario", $("scenario-select").value);
  if ($("scenario-select").value && $("scenario-on").value) q.set("on", $("scenario-on").value);
  return q;
}

function routeItem(r, variants) {
  const unit = UNITS[r.unit] || r.unit;
  const lines = [el("div", { class: "figures" }, el("b", {}, `${r.rank}. ${fmt(r.cost_usd)} USD/${unit}`),
    ` · ${fmt(r.time_days, 1)} days · ${fmt(r.distance_km)} km`)];
  if (r.borders.length) lines.push(el("div", {}, el("span", { class: "key" }, "Borders: "), r.borders.join("; ")));
  if (r.transfers_at.length) lines.push(el("div", {}, el("span", { class: "key" }, "Transfers: "), r.transfers_at.join("; ")));
  if (r.via.length) lines.push(el("div", {}, el("span", { class: "key" }, "Via: "), r.via.join(", ")));
  if (r.bottleneck_name) {
    const cap = r.capacity_per_year ? `, ${fmt(r.capacity_per_year)} ${unit} a year` : "";
    lines.push(el("div", {}, el("span", { class: "key" }, "Bottleneck: "), `${r.bottleneck_name}${cap}`));
  }
  lines.push(el("div", { class: "countries" }, `${r.countries.join("-")} · ${r.modes.map((m) => MODE_NAMES[m] || m).join(", ")}`));
  if (variants.length) {
    const ul = el("ul", { class: "variants" });
    ul.append(el("li", { class: "variant-head" }, `Same cost and time by ${variants.length + 1} ways, differing only by:`));
    for (const v of [r, ...variants]) {
      const li = el("li", { testid: "route-variant" }, `${v.rank}. ${v.differs_by.join("; ") || "the same places"}`);
      li.addEventListener("click", (e) => { e.stopPropagation(); selectRoute(state.routes.indexOf(v)); });
      ul.append(li);
    }
    lines.push(ul);
  }
  const li = el("li", { testid: "route", tabIndex: 0 }, ...lines);
  li.title = `links: ${r.links.join(", ")}`;
  return li;
}

async function findRoutes(event) {
  if (event) event.preventDefault();
  writeURL();
  $("route-message").textContent = "";
  const list = $("route-list");
  list.innerHTML = "";
  $("route-exports").hidden = true;
  if (!$("origin").value || !$("destination").value) return;
  const q = routeQuery();
  try {
    const data = await api(`api/routes?${q}`);
    state.routes = data.routes;
    for (const r of data.routes) {
      if (r.group !== r.rank) continue;
      const variants = data.routes.filter((v) => v.group === r.rank && v !== r);
      const li = routeItem(r, variants);
      const i = state.routes.indexOf(r);
      li.addEventListener("click", () => selectRoute(i));
      li.addEventListener("keydown", (e) => { if (e.key === "Enter") selectRoute(i); });
      li.dataset.index = String(i);
      list.appendChild(li);
    }
    if (data.closed.length) $("route-message").textContent = `Avoiding on ${longDate(data.on)}: ${data.closed.join("; ")}`;
    q.delete("k");
    $("export-geojson").href = `api/export/routes?${q}&format=geojson`;
    $("export-csv").href = `api/export/routes?${q}&format=csv`;
    $("route-exports").hidden = false;
    selectRoute(0);
  } catch (err) {
    state.routes = [];
    drawRoutes(-1);
    showRouteError(err);
  }
}

function showRouteError(err) {
  const box = $("route-message");
  box.textContent = err.message;
  const offers = (err.data && err.data.suggestion_labels) || [];
  if (!offers.length) return;
  box.append(el("br"), "Pick one: ");
  for (const offer of offers) {
    const b = el("button", { type: "button", class: "offer" }, offer.label);
    b.addEventListener("click", () => {
      const input = err.message.includes($("origin").value) ? $("origin") : $("destination");
      input.value = offer.label;
      input.dataset.label = offer.label;
      input.dataset.id = offer.id;
      findRoutes();
    });
    box.append(b, " ");
  }
}

function selectRoute(i) {
  for (const li of $("route-list").children) {
    const own = Number(li.dataset.index);
    const group = state.routes[own] ? state.routes.filter((r) => r.group === state.routes[own].rank).map((r) => state.routes.indexOf(r)) : [];
    li.classList.toggle("selected", group.includes(i));
  }
  drawRoutes(i);
}

// ---------------------------------------------------------------- scenarios, days and closures
async function loadScenarios(wanted) {
  const data = await api("api/scenarios");
  const select = $("scenario-select");
  select.innerHTML = '<option value="">none</option>';
  state.scenarios = new Map(data.scenarios.map((s) => [s.name, s]));
  for (const s of data.scenarios) {
    select.appendChild(el("option", { value: s.name }, s.kind === "saved" ? `${s.name} (saved)` : s.name));
  }
  if (wanted) select.value = wanted;
}

function inHorizon(day, horizon) {
  return Boolean(day && horizon && horizon.start <= day && day <= horizon.end);
}

async function scenarioChanged() {
  const name = $("scenario-select").value;
  const s = name ? state.scenarios.get(name) : null;
  state.scenario = s;
  $("open-in-editor").disabled = !name;
  $("scenario-description").textContent = s ? s.description : "";
  $("day-box").hidden = !(s && s.horizon);
  if (s && s.horizon) {
    const kept = state.userDay && inHorizon($("scenario-on").value, s.horizon);
    if (!kept) { $("scenario-on").value = s.first_day || s.horizon.start; state.userDay = false; }
    $("scenario-on").min = s.horizon.start;
    $("scenario-on").max = s.horizon.end;
    $("day-slider").max = String(daysBetween(s.horizon.start, s.horizon.end));
    $("horizon-label").textContent = `Horizon ${longDate(s.horizon.start)} to ${longDate(s.horizon.end)}`;
  }
  await dayChanged();
}

async function dayChanged() {
  const s = state.scenario;
  const day = $("scenario-on").value;
  const turn = (state.dayTurn = (state.dayTurn || 0) + 1);  // a later change wins over one still loading
  const closed = new Map();
  const items = [];
  if (s && s.horizon && day) {
    $("day-slider").value = String(daysBetween(s.horizon.start, day));
    $("day-prev").disabled = day <= s.horizon.start;
    $("day-next").disabled = day >= s.horizon.end;
    try {
      const data = await api(`api/scenarios/${encodeURIComponent(s.name)}/closures?on=${day}`);
      for (const item of data.items) {
        for (const link of item.links) closed.set(link, item);
        const what = item.type === "bar_transit" ? "" : item.capacity_share === 0 ? "closed" : `derated to ${fmt(item.capacity_share * 100)} % of capacity`;
        items.push(el("li", { testid: "closed-item", title: item.id },
          el("b", {}, item.name), what ? `: ${what}` : "", `, ${longDate(item.start)} to ${longDate(item.end)}`));
      }
    } catch (err) {
      items.push(el("li", { class: "message" }, err.message));
    }
  }
  if (turn !== state.dayTurn) return;
  state.closed = closed;
  $("closed-list").replaceChildren(...items);
  $("closed-none").hidden = items.length > 0;
  writeURL();
  drawClosed();
  if ($("origin").value && $("destination").value) await findRoutes();
  if ($("criticality-list").children.length) await showCriticality();
}

function setDay(day, byUser = true) {
  const s = state.scenario;
  if (!s || !s.horizon) return;
  if (day < s.horizon.start) day = s.horizon.start;
  if (day > s.horizon.end) day = s.horizon.end;
  $("scenario-on").value = day;
  state.userDay = byUser;
  dayChanged();
}

// ---------------------------------------------------------------- impact
async function runImpact() {
  const name = $("scenario-select").value;
  const box = $("impact-summary");
  if (!name) { box.textContent = "Choose a scenario first."; return; }
  const bar = $("impact-progress");
  bar.hidden = false; bar.value = 0;
  const samples = Math.round(Number($("impact-samples").value) || 0);
  box.textContent = samples > 0 ? `Running the impact and ${samples} draws of the assumptions…` : "Running…";
  $("impact-periods").innerHTML = "";
  $("impact-tornado").innerHTML = "";
  const request = { scenario: name, period: "week" };
  if (samples > 0) Object.assign(request, { samples, seed: 1 });
  try {
    const started = await api("api/impact", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
    });
    let job = null;
    for (;;) {
      job = await api(`api/jobs/${started.job}`);
      bar.value = job.progress;
      if (job.state === "done" || job.state === "failed") break;
      await new Promise((r) => setTimeout(r, 400));
    }
    bar.hidden = true;
    if (job.state === "failed") { box.textContent = `The impact could not be computed: ${job.error}`; return; }
    showImpact(job.result, started.job);
    await drawNetwork(true);
  } catch (err) {
    bar.hidden = true;
    box.textContent = err.message;
  }
}

// How a figure is written: its divisor, digits and unit (billions and millions of USD, millions of units).
function scaleOf(value, unit) {
  const size = Math.abs(value);
  if (unit.startsWith("USD") && size >= 1e9) return { div: 1e9, digits: 2, unit: `billion ${unit}` };
  if (unit.startsWith("USD") && size >= 1e6) return { div: 1e6, digits: 1, unit: `million ${unit}` };
  if (size >= 1e6 && !unit.startsWith("USD")) return { div: 1e6, digits: 2, unit: `million ${unit}` };
  return { div: 1, digits: size < 10 && value % 1 ? 1 : 0, unit };
}

function scaled(value, unit) {
  const s = scaleOf(value, unit);
  return [fmt(value / s.div, s.digits), s.unit];
}

// "P50 (P10–P90)", the three written in the P90's scale so that they read side by side.
function rangeText(row) {
  const s = scaleOf(Math.max(Math.abs(row.p10), Math.abs(row.p90)), row.unit);
  const f = (x) => fmt(x / s.div, s.digits);
  return [`${f(row.p50)} (${f(row.p10)}–${f(row.p90)})`, s.unit];
}

function showImpact(r, job) {
  const box = $("impact-summary");
  box.innerHTML = "";
  const rows = r.summary || [];
  const period = rows.length ? rows[0].period : "";
  const table = el("table", {}, el("caption", {}, `Impact of ${r.scenario}, ${period}`));
  for (const row of rows) {
    const [value, unit] = scaled(row.value, row.unit);
    const tr = table.insertRow();
    tr.className = row.level ? "part" : "";
    const name = tr.insertCell();
    name.textContent = row.figure;
    if (row.id) name.title = row.id;
    const v = tr.insertCell(); v.textContent = value; v.className = "value";
    const u = tr.insertCell(); u.textContent = unit; u.className = "unit";
    if (row.p50 !== undefined && row.p50 !== null) {
      const [band, bandUnit] = rangeText(row);
      const range = table.insertRow();
      range.className = "range";
      range.dataset.testid = "impact-range";
      range.insertCell().textContent = "P50 (P10–P90)";
      const b = range.insertCell(); b.textContent = band; b.className = "value";
      const bu = range.insertCell(); bu.textContent = bandUnit; bu.className = "unit";
    }
  }
  box.appendChild(table);
  if (r.samples) {
    box.appendChild(el("p", { class: "note" }, `Ranges: P50 (P10–P90) over ${r.samples} draws of the dataset's `
      + `assumptions (seed ${r.seed}); the figure above each range is the point answer.`));
  }
  box.appendChild(el("p", { class: "note" }, "Sums over the whole period. A negative cost change is a saving. "
    + "Units: TEU = twenty-foot containers, t = tonnes, bbl = barrels."));
  box.appendChild(el("p", { class: "exports" }, "Export: ",
    el("a", { href: `api/export/impact/${job}?format=xlsx`, download: "" }, "Excel workbook"), " · ",
    el("a", { href: `api/export/impact/${job}?format=csv`, download: "" }, "corridors as CSV")));
  if (Array.isArray(r.periods) && r.periods.length) {
    try { drawPeriods(r.periods, r.group_names || {}); } catch (err) {  // the summary stands even if the chart cannot
      $("impact-periods").textContent = `The period series could not be drawn (${err.message}); it is in the Excel workbook.`;
    }
  }
  showTornado(r.drivers || {});
}

// ---------------------------------------------------------------- tornado
// Which assumptions drive a headline figure: their shares of its variance, one horizontal bar each.
const HEADLINE_ORDER = ["disruption_cost_usd", "delta_cost_usd", "market_cost_usd"];

function showTornado(drivers) {
  const box = $("impact-tornado");
  box.innerHTML = "";
  const figures = Object.keys(drivers).filter((k) => Array.isArray(drivers[k]) && drivers[k].length);
  if (!figures.length) return;
  figures.sort((a, b) => {
    const rank = (k) => (HEADLINE_ORDER.includes(k) ? HEADLINE_ORDER.indexOf(k) : HEADLINE_ORDER.length);
    return rank(a) - rank(b);
  });
  const select = el("select", { id: "tornado-figure", testid: "tornado-figure" });
  select.setAttribute("aria-label", "the figure whose drivers are shown");
  for (const name of figures) select.append(el("option", { value: name }, name));
  const chart = el("div", { id: "tornado-chart" });
  select.addEventListener("change", () => drawTornado(chart, select.value, drivers[select.value]));
  box.append(el("h3", {}, "What drives it"), select, chart,
    el("p", { class: "note" }, "Each assumption's share of the figure's variance over the draws (squared rank "
      + "correlation, scaled to sum to 100%): blue where the figure rises with the assumption, orange where it falls."));
  drawTornado(chart, select.value, drivers[select.value]);
}

function drawTornado(box, figure, rows) {
  const NS = "http://www.w3.org/2000/svg";
  const node = (tag, attrs, text) => {
    const n = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    return n;
  };
  const w = 340; const bar = 16; const gap = 16; const left = 4; const labelH = 11;
  const h = rows.length * (bar + gap + labelH) + 8;
  const width = w - left - 50;
  const svg = node("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": `what drives ${figure}` });
  svg.dataset.testid = "tornado";
  rows.forEach((row, i) => {
    const y = 4 + i * (bar + gap + labelH);
    const share = Math.max(0, Math.min(1, Number(row.share) || 0));
    svg.append(node("text", { x: left, y: y + 9, "font-size": 10, fill: "#1b2631" }, String(row.assumption)));
    const rect = node("rect", { x: left, y: y + labelH, width: Math.max(1, share * width), height: bar,
      fill: Number(row.rho) >= 0 ? "#2c7fb8" : "#d95f0e" });
    rect.setAttribute("class", "driver");
    rect.append(node("title", {}, `${row.assumption}: ${fmt(share * 100)}% of the variance (rank correlation ${fmt(row.rho, 2)})`));
    svg.append(rect);
    svg.append(node("text", { x: left + share * width + 4, y: y + labelH + 12, "font-size": 10, fill: "#424949" },
      `${fmt(share * 100)}%`));
  });
  box.replaceChildren(svg);
}

function drawPeriods(periods, names) {
  // One line per corridor and direction: TEU where it carries containers, tonnes otherwise.
  const series = new Map();
  // the impact's periods nest their corridors (and directions): one flat row per corridor and direction
  const flat = periods.flatMap((p) => (Array.isArray(p.corridors)
    ? p.corridors.map((c) => ({ start: p.start, end: p.end, corridor: c.corridor, direction: c.direction,
      volume_teu: c.volume_teu, volume_t: c.volume_t }))
    : [p]));
  flat.forEach((p, i) => {
    const label = Object.entries(p).filter(([k, v]) => typeof v === "string" && k !== "start" && k !== "end")
      .map(([, v]) => names[v] || v).join(" · ") || "all";
    const teu = Number(p.teu || p.volume_teu || 0);
    const t = Number(p.t || p.tonnes || p.volume_t || 0);
    const key = `${label} (${teu ? "TEU" : "t"})`;
    if (!series.has(key)) series.set(key, new Map());
    series.get(key).set(p.start, (series.get(key).get(p.start) || 0) + (teu || t));
  });
  const starts = [...new Set(flat.map((p) => p.start))].sort();
  const top = [...series.entries()].sort((a, b) => Math.max(...b[1].values()) - Math.max(...a[1].values())).slice(0, 6);
  const w = 320; const h = 150; const pad = 30;
  const top_ = 14 + 9 * top.length;  // the plot starts below the line labels
  const colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];
  let svg = `<svg viewBox="0 0 ${w} ${h + 4}" role="img" aria-label="volume per period"><g font-size="8">`;
  svg += `<line x1="${pad}" y1="${h - 16}" x2="${w - pad}" y2="${h - 16}" stroke="#aab7b8"/>`;
  top.forEach(([key, values], k) => {
    const max = Math.max(...values.values(), 1);
    const pts = starts.map((s, i) => `${pad + (i * (w - 2 * pad)) / Math.max(starts.length - 1, 1)},${h - 16 - ((values.get(s) || 0) / max) * (h - 16 - top_)}`);
    svg += `<polyline fill="none" stroke="${colors[k]}" stroke-width="1.5" points="${pts.join(" ")}"/>`;
    svg += `<text x="${pad}" y="${10 + 9 * k}" fill="${colors[k]}">${key.replace(/[<&]/g, "")} (max ${fmt(max)})</text>`;
  });
  svg += `<text x="${pad}" y="${h - 4}">${starts[0]}</text><text x="${w - pad}" y="${h - 4}" text-anchor="end">${starts[starts.length - 1]}</text></g></svg>`;
  $("impact-periods").innerHTML = `<h3>Volume per period (each line scaled to its own maximum)</h3>${svg}`;
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
      const lines = result.valid
        ? [`valid: ${result.name}, ${result.events} events${result.exists ? " (a saved scenario has this name)" : ""}`]
        : result.problems;
      for (const line of lines) list.appendChild(el("li", {}, line));
      return result;
    } catch (err) {
      list.textContent = err.message;
      return null;
    }
  };
  state.checkEditor = check;
  $("scenario-editor").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(check, 300); });
  $("save-scenario").addEventListener("click", async () => {
    const checked = await check();
    if (!checked || !checked.valid) return;
    let overwrite = false;
    if (checked.exists) {
      overwrite = window.confirm(`A saved scenario is already named "${checked.name}". Replace it?`);
      if (!overwrite) { $("scenario-problems").textContent = "Not saved: choose another name, or confirm to replace."; return; }
    }
    try {
      const saved = await api("api/scenarios", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ yaml: $("scenario-editor").value, overwrite }),
      });
      $("scenario-problems").textContent = `saved as ${saved.saved} and applied`;
      await loadScenarios(saved.saved);
      state.userDay = false;
      await scenarioChanged();
    } catch (err) {
      $("scenario-problems").textContent = err.message;
    }
  });
  $("open-in-editor").addEventListener("click", async () => {
    const name = $("scenario-select").value;
    if (!name) return;
    const s = await api(`api/scenarios/${encodeURIComponent(name)}`);
    openInEditor(s.yaml);
  });
  check();
}

function openInEditor(text) {
  $("scenario-editor").value = text;
  $("editor-box").open = true;
  $("editor-box").scrollIntoView({ block: "nearest" });
  state.checkEditor();
}

// ---------------------------------------------------------------- news and criticality
async function news() {
  const health = await api("api/health");
  if (!health.news) return;
  $("news-box").hidden = false;
  $("news-draft").addEventListener("click", async () => {
    const published = $("news-published").value;
    const box = $("news-result");
    box.textContent = "Reading…";
    try {
      const draft = await api(`api/news/draft?published=${published}`, {
        method: "POST", headers: { "Content-Type": "text/plain" }, body: $("news-text").value,
      });
      box.innerHTML = "";
      const table = el("table", { class: "draft" });
      const head = table.createTHead().insertRow();
      for (const h of ["asset", "what", "from", "for", "status"]) head.appendChild(el("th", {}, h));
      for (const e of draft.events) {
        const tr = table.insertRow();
        const what = e.action === "derate" || (e.fraction !== null && e.fraction < 1) ? `${e.action} ${fmt((e.fraction || 0) * 100)} %` : e.action;
        for (const v of [e.asset || "?", what, e.start || "not said", e.duration_days ? `${fmt(e.duration_days)} days` : (e.end || "not said"), e.status]) {
          tr.insertCell().textContent = v;
        }
      }
      box.appendChild(table);
      if (draft.unknowns && draft.unknowns.length) box.appendChild(el("p", { class: "note" }, `Left open by the article: ${draft.unknowns.join("; ")}`));
      box.appendChild(el("pre", { class: "yaml", testid: "news-yaml" }, draft.yaml));
      const open = el("button", { type: "button", testid: "news-open-editor" }, "Open in editor");
      open.addEventListener("click", () => openInEditor(draft.yaml));
      box.appendChild(open);
    } catch (err) {
      box.textContent = err.message;
    }
  });
}

function strandedText(row) {
  const parts = Object.entries(row).filter(([k, v]) => k.startsWith("stranded_") && v > 0.5)
    .map(([k, v]) => `${fmt(v)} ${k === "stranded_container" ? "TEU" : "t"} of ${k.slice(9).replace("_", " ")}`);
  return parts.length ? `strands ${parts.join(", ")} a year` : "strands nothing (cargo goes round)";
}

async function showCriticality() {
  const q = new URLSearchParams({ top: "10" });
  const name = $("scenario-select").value;
  if (name) { q.set("scenario", name); if ($("scenario-on").value) q.set("on", $("scenario-on").value); }
  const list = $("criticality-list");
  $("criticality-note").textContent = "Computing…";
  try {
    const data = await api(`api/criticality?${q}`);
    if (!state.network) await drawNetwork(false);
    const lines = new Map(state.network.features.filter((f) => f.properties.kind === "link").map((f) => [f.properties.id, f]));
    const nodes = new Map(state.network.features.filter((f) => f.properties.kind === "node").map((f) => [f.properties.id, f]));
    list.innerHTML = "";
    $("criticality-note").textContent = (name ? `Under ${name} on ${longDate($("scenario-on").value)}: closing each element alone, the extra cost a year.`
      : "On the network as it is: closing each element alone, the extra cost a year.") + " Elements in series, whose closure has the same outcome, share a line.";
    data.rows.forEach((row) => {
      const same = row.same_outcome || [];
      const li = el("li", { testid: "critical-item", title: [row.closed, ...same].join(", "), tabIndex: 0 },
        el("b", {}, row.closed_names || row.closed),
        same.length ? el("span", { testid: "same-outcome" }, ` (+ ${row.same_outcome_names || same.join(", ")}: same outcome)`) : "",
        `: ${scaled(row.extra_cost_usd, "USD").join(" ")} a year more; ${strandedText(row)}`);
      const show = () => {
        layers.critical.clearLayers();
        const shown = [];
        for (const id of (row.closed_parts || [row.closed, ...same])) {
          const f = lines.get(id) || nodes.get(id);
          if (!f) continue;
          const layer = L.geoJSON(f, {
            style: { color: CRITICAL, weight: 6 },
            pointToLayer: (_, latlng) => L.circleMarker(latlng, { radius: 8, color: CRITICAL }),
          }).bindTooltip(`${row.closed_names || id}: single point of failure`).addTo(layers.critical);
          shown.push(layer);
        }
        if (shown.length) map.fitBounds(L.featureGroup(shown).getBounds(), { padding: [60, 60], maxZoom: 7 });
        [...list.children].forEach((other) => other.classList.toggle("selected", other === li));
      };
      li.addEventListener("click", show);
      li.addEventListener("keydown", (e) => { if (e.key === "Enter") show(); });
      list.appendChild(li);
    });
  } catch (err) {
    $("criticality-note").textContent = err.message;
  }
}

// ---------------------------------------------------------------- start
async function main() {
  const q = readURL();
  drawLegend();
  suggest($("origin"), $("origin-suggestions"));
  suggest($("destination"), $("destination-suggestions"));
  $("route-form").addEventListener("submit", findRoutes);
  $("scenario-select").addEventListener("change", scenarioChanged);
  $("scenario-on").addEventListener("change", () => setDay($("scenario-on").value));
  $("day-prev").addEventListener("click", () => setDay(addDays($("scenario-on").value, -1)));
  $("day-next").addEventListener("click", () => setDay(addDays($("scenario-on").value, 1)));
  $("day-slider").addEventListener("input", () => {
    if (state.scenario) $("scenario-on").value = addDays(state.scenario.horizon.start, Number($("day-slider").value));
  });
  $("day-slider").addEventListener("change", () => setDay($("scenario-on").value));
  $("run-impact").addEventListener("click", runImpact);
  $("show-criticality").addEventListener("click", showCriticality);
  $("news-published").valueAsDate = new Date();
  editor();
  await drawBase();
  await loadScenarios(q.get("scenario"));
  if (q.get("on")) { $("scenario-on").value = q.get("on"); state.userDay = true; }
  if (q.get("scenario")) await scenarioChanged();
  else if ($("origin").value && $("destination").value) await findRoutes();
  await news();
  document.body.dataset.ready = "true";
}

main();
