// The incidents timeline: the state of every incident on a date, its articles and evidence, and
// the impact of the living scenario (the incidents that hold on that date), through the JSON API.
"use strict";

const DAY = 86400000;
const $ = (id) => document.getElementById(id);
let latest = 0; // the newest load asked for: an older answer arriving later is dropped
let selected = null; // the incident whose detail is open, kept open across redraws

function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
}

async function json(url, options) {
  const answer = await fetch(url, options);
  const body = await answer.json();
  if (!answer.ok) throw new Error(body.detail || answer.statusText);
  return body;
}

function span(incidents, on) {
  const days = [on];
  for (const i of incidents) {
    days.push(Date.parse(i.start || i.first_reported));
    if (i.end) days.push(Date.parse(i.end));
  }
  const first = Math.min(...days) - 2 * DAY;
  const last = Math.max(...days) + 7 * DAY;
  return [first, last];
}

function draw(body) {
  const on = Date.parse(body.on);
  const incidents = body.incidents;
  const timeline = $("timeline");
  timeline.replaceChildren();
  const still = incidents.find((i) => i.id === selected);
  if (still) detail(still); else $("detail").replaceChildren();
  const open = incidents.filter((i) => i.status === "open").length;
  $("summary").textContent = `${incidents.length} incidents; ${open} open on ${body.on}`;
  if (!incidents.length) return;
  const [first, last] = span(incidents, on);
  const x = (t) => `${(100 * (t - first)) / (last - first)}%`;
  for (const i of incidents) {
    const row = el("div", { class: `incident ${i.status.replace(" ", "-")}`, "data-testid": "incident",
                            "data-status": i.status, "data-id": String(i.id) });
    const share = i.fraction === null ? "" : ` ${Math.round(i.fraction * 100)}%`;
    const end = i.end || (i.until_further_notice ? "until further notice" : "?");
    row.append(el("span", { class: "label" },
      `#${i.id} ${i.action}${share} ${i.asset} · ${i.start || "?"} → ${end} · ${i.status} · ` +
      `${i.articles.length} art., ${i.sources.length} src., conf. ${i.confidence}`));
    const track = el("div", { class: "track" });
    const start = Date.parse(i.start || i.first_reported);
    const stop = i.end ? Date.parse(i.end) + DAY : last;
    const bar = el("div", { class: i.end ? "bar" : "bar open-end" });
    bar.style.left = x(start);
    bar.style.width = `calc(${x(stop)} - ${x(start)})`;
    const today = el("div", { class: "today" });
    today.style.left = x(on);
    track.append(bar, today);
    row.append(track);
    row.addEventListener("click", () => detail(i));
    timeline.append(row);
  }
}

function detail(i) {
  selected = i.id;
  const box = $("detail");
  box.replaceChildren(el("h2", {}, `Incident ${i.id}: ${i.action} of ${i.asset}`));
  const end = i.end || (i.until_further_notice ? "until further notice" : "?");
  box.append(el("p", { "data-testid": "incident-dates" },
    `start ${i.start || "?"}${i.start_basis ? ` (${i.start_basis})` : ""} · ` +
    `end ${end}${i.end_basis ? ` (${i.end_basis})` : ""}`));
  const list = el("ul");
  for (const e of i.evidence) {
    const quotes = Object.entries(e.quotes).map(([k, v]) => `${k}: «${v}»`).join("; ");
    list.append(el("li", { "data-testid": "evidence" },
      `${e.published} ${e.outlet} (${e.language}) ${e.status} ${e.action} ${e.asset} — ${quotes}`));
  }
  box.append(list);
}

async function load() {
  const on = $("on").value;
  const url = new URL(window.location.href);
  url.searchParams.set("on", on);
  window.history.replaceState(null, "", url);
  const asked = ++latest;
  const body = await json(`api/incidents?on=${encodeURIComponent(on)}`);
  if (asked === latest) draw(body);
}

async function runImpact() {
  const out = $("living-impact");
  out.textContent = "running the living scenario…";
  try {
    const kept = await json("api/incidents/scenario", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ on: $("on").value, accept: true }),
    });
    const started = await json("api/impact", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ scenario: kept.name, period: "week" }),
    });
    for (;;) {
      const job = await json(`api/jobs/${started.job}`);
      if (job.state === "done") {
        const r = job.result;
        out.textContent = `${kept.name}: extra cost ${(r.delta_cost_usd / 1e6).toFixed(1)} M USD; ` +
          Object.entries(r.stranded).filter(([, v]) => v > 0)
            .map(([k, v]) => `stranded ${k} ${Math.round(v).toLocaleString("en")}`).join(", ");
        return;
      }
      if (job.state === "failed") throw new Error(job.error || "the impact failed");
      out.textContent = `running the living scenario… ${Math.round(job.progress * 100)}%`;
      await new Promise((done) => setTimeout(done, 500));
    }
  } catch (err) {
    out.textContent = `error: ${err.message}`;
  }
}

async function main() {
  const asked = new URL(window.location.href).searchParams.get("on");
  $("on").value = asked || new Date().toISOString().slice(0, 10);
  $("on").addEventListener("change", () => load().catch((err) => { $("summary").textContent = err.message; }));
  $("run").addEventListener("click", runImpact);
  await load();
  document.body.dataset.ready = "true";
}

main().catch((err) => { $("summary").textContent = err.message; document.body.dataset.ready = "true"; });
