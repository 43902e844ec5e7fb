// The device page (#/device/{id}): figures, recent series, events, commands and the dimming override.
import { I18N as T, t } from "../i18n.js";
import { Charts } from "../charts.js";
import { h, card, section, chartWidth, COLORS } from "../ui.js";
import { api, problem, storedKey, keepKey } from "../api.js";
import { link } from "../routes.js";

export function deviceView(id, month) {
  let root = null, dev = null, pending = null, stopped = false;
  const parts = {};
  async function load(main) {
    root = main;
    const r = await api("/api/devices/" + encodeURIComponent(id));
    if (!root) return;
    if (!r.ok || !r.data) { root.replaceChildren(h("p", { class: "error", testid: "error" }, (r.status === 404 ? t("notFound") : t("error")) + ": " + problem(r))); return; }
    dev = withSortedRecent(r.data);
    parts.summary = h("div", { class: "cards" });
    parts.chart = h("div", {});
    parts.events = h("div", {});
    parts.commands = h("div", {});
    root.replaceChildren(
      h("p", {}, parts.city = h("a", { href: link("/city/" + encodeURIComponent(dev.city), month), testid: "device-city" }, "← " + dev.city)),
      h("h1", { testid: "device-id" }, dev.name || dev.id, " ", h("span", { class: "muted" }, t(dev.kind))),
      parts.summary, section(t("recent"), parts.chart),
      h("div", { class: "two" }, section(t("events"), parts.events), section(t("commands"), dev.kind === "luminaire" ? overrideForm() : null, parts.commands)));
    drawSummary(); drawChart(); drawEvents(); drawCommands();
    cityName(dev.city);
  }
  // the way back names the municipality, not its IBGE code (the code stays if the list cannot be read)
  async function cityName(ibge) {
    const r = await api("/api/cities");
    const city = r.ok && Array.isArray(r.data) ? r.data.find((c) => c.ibge === ibge) : null;
    if (city && city.name && root) parts.city.textContent = "← " + city.name;
  }
  function withSortedRecent(d) {
    d.recent = (Array.isArray(d.recent) ? d.recent : []).slice().sort((a, b) => (a.seq || 0) - (b.seq || 0));
    return d;
  }
  // after the live stream was down: everything shown may have changed (the override form is left as typed)
  async function reload() {
    const r = await api("/api/devices/" + encodeURIComponent(id));
    if (stopped || !dev || !r.ok || !r.data) return;
    dev = withSortedRecent(r.data);
    drawSummary(); drawChart(); drawEvents(); drawCommands();
  }
  function drawSummary() {
    const d = dev, lum = d.kind === "luminaire";
    parts.summary.replaceChildren(
      card(t("status"), d.online ? t("online") : t("offline"), "device-online"),
      card(t("lastSeen"), T.date(d.lastSeen), "device-lastSeen"),
      lum ? card(t("power"), T.num(d.powerW), "device-powerW") : card(t("clients"), T.int(d.clients), "device-clients"),
      lum ? card(t("dim"), T.int(d.dimPercent), "device-dimPercent") : card(t("downMbps"), T.num(last("downMbps")), "device-downMbps"),
      lum ? card(t("lamp"), d.lampOn === true ? t("on") : d.lampOn === false ? t("off") : "—", "device-lampOn") : card("Portal", d.portalOk === true ? "OK" : d.portalOk === false ? t("down") : "—", "device-portalOk"),
      card(t("openAlerts"), T.int(d.openAlerts), "device-openAlerts"),
      card(t("firmware"), d.firmware || "—", "device-firmware"));
  }
  function last(field) {
    for (let i = dev.recent.length - 1; i >= 0; i--) if (typeof dev.recent[i][field] === "number") return dev.recent[i][field];
    return null;
  }
  function drawChart() {
    const rec = dev.recent;
    const labels = timeLabels(rec);
    const series = dev.kind === "luminaire"
      ? [{ name: t("power"), color: COLORS.measured, values: rec.map((m) => m.powerW) }, { name: t("dim"), color: COLORS.on, values: rec.map((m) => m.dimPercent) }]
      : [{ name: t("clients"), color: COLORS.hotspot, values: rec.map((m) => m.clients) }, { name: t("downMbps"), color: COLORS.measured, values: rec.map((m) => m.downMbps) }];
    const c = Charts.line(labels, series, { format: (v, d) => T.num(v, d || 0), label: t("recent"), width: chartWidth() });
    c.setAttribute("data-testid", "device-chart");
    c.setAttribute("data-points", String(rec.length));
    parts.chart.replaceChildren(c);
  }
  // each reading's time in São Paulo, and its day too when the series spans more than one local day ("06/12 14:45"):
  // times alone would not say which day a point is
  function timeLabels(rec) {
    const loc = T.locale === "en" ? "en-US" : "pt-BR", timeZone = "America/Sao_Paulo";
    const time = new Intl.DateTimeFormat(loc, { timeStyle: "short", timeZone });
    const day = new Intl.DateTimeFormat(loc, { day: "2-digit", month: "2-digit", timeZone });
    const localDate = new Intl.DateTimeFormat("en-CA", { timeZone }); // YYYY-MM-DD
    const at = rec.map((m) => (m.ts && !isNaN(Date.parse(m.ts)) ? new Date(m.ts) : null));
    const days = new Set(at.filter(Boolean).map((d) => localDate.format(d)));
    return at.map((d, i) => (d ? (days.size > 1 ? day.format(d) + " " : "") + time.format(d) : String(rec[i].seq)));
  }
  function drawEvents() {
    const ev = Array.isArray(dev.events) ? dev.events : [];
    parts.events.replaceChildren(ev.length === 0 ? h("p", { class: "muted" }, "—")
      : h("ul", { class: "events", testid: "device-events" }, ev.slice(0, 50).map((e) => h("li", {}, h("strong", {}, T.type(e.type)), " ", h("span", { class: "muted" }, e.type || ""), e.active === false ? " ✓" : "", " · ", T.date(e.ts), e.detail ? " · " + e.detail : ""))));
  }
  function drawCommands() {
    const cs = Array.isArray(dev.commands) ? dev.commands : [];
    const head = h("tr", {}, [t("time"), t("type"), t("result"), t("detail"), t("sentBy")].map((x) => h("th", {}, x)));
    parts.commands.replaceChildren(h("div", { class: "table-wrap" }, h("table", { class: "grid", testid: "device-commands" }, h("thead", {}, head),
      h("tbody", {}, cs.map((c) => h("tr", { testid: `command-${c.id}` }, h("td", {}, T.date(c.sentAt)), h("td", {}, c.type), h("td", { "data-state": c.state || "" }, c.result || (c.state === "unacknowledged" ? t("unacknowledged") : "…")), h("td", {}, c.detail || ""), h("td", {}, c.sentBy || "")))))));
  }
  function overrideForm() {
    const key = h("input", { type: "password", id: "api-key", testid: "api-key", autocomplete: "off", value: storedKey() });
    const dim = h("input", { type: "number", id: "dim", testid: "override-dim", min: 0, max: 100, step: 1, value: 50, required: true });
    const dur = h("input", { type: "number", id: "duration", testid: "override-duration", min: 1, step: 1, value: 600, required: true });
    const status = h("div", { class: "cmd-status", testid: "command-status", "aria-live": "polite" });
    const button = h("button", { type: "submit", testid: "override-send" }, t("send"));
    const form = h("form", { class: "override", testid: "override-form", onsubmit: async (e) => {
      e.preventDefault();
      keepKey(key.value);
      button.disabled = true;
      status.replaceChildren(t("sending"));
      const headers = { "Content-Type": "application/json", Accept: "application/json" };
      if (key.value) headers.Authorization = "Bearer " + key.value;
      const r = await api(`/api/devices/${encodeURIComponent(id)}/commands`, { method: "POST", headers,
        body: JSON.stringify({ type: "setOverride", dimPercent: Number(dim.value), durationS: Number(dur.value) }) });
      if (!r.ok || !r.data) { button.disabled = false; status.replaceChildren(h("span", { class: "error", testid: "command-error" }, problem(r))); return; }
      pending = r.data.id;
      status.replaceChildren(h("span", { testid: "command-id" }, r.data.id), " · ", h("span", { testid: "command-result" }, t("waitingAck")));
      await pollAck(r.data.id, status);
      button.disabled = false;
    } },
      h("h3", {}, t("override")),
      h("label", {}, t("dim"), dim), h("label", {}, t("duration"), dur), h("label", {}, t("apiKey"), key), button, status);
    return form;
  }
  function showAck(status, c) {
    status.replaceChildren(h("span", { testid: "command-id" }, c.id), " · ", h("strong", { testid: "command-result", "data-result": c.result, class: c.result === "ok" ? "good" : "bad" }, c.result),
      c.detail ? h("span", { testid: "command-detail" }, " · " + c.detail) : null, c.ackAt ? h("span", { class: "muted", testid: "command-ackAt" }, " · " + T.date(c.ackAt)) : null);
  }
  async function pollAck(commandId, status) {
    const deadline = Date.now() + 120000;
    while (!stopped && Date.now() < deadline) {
      const r = await api(`/api/devices/${encodeURIComponent(id)}/commands/${encodeURIComponent(commandId)}`);
      if (r.ok && r.data && r.data.state === "unacknowledged") break; // expired without an answer: stop waiting
      if (r.ok && r.data && r.data.result !== null && r.data.result !== undefined) {
        showAck(status, r.data);
        pending = null;
        const again = await api("/api/devices/" + encodeURIComponent(id));
        if (again.ok && again.data && dev) { dev.commands = again.data.commands; drawCommands(); }
        return;
      }
      await new Promise((res) => setTimeout(res, 500));
    }
    // the device has not answered yet (offline, or a slow link): it will when the command reaches it, with
    // "expired" if that is after the command's expiry; the commands list shows the answer when it comes
    if (!stopped && pending === commandId) {
      status.replaceChildren(h("span", { testid: "command-id" }, commandId), " · ", h("span", { testid: "command-result", "data-result": "none" }, t("noAck")));
      pending = null;
    }
  }
  function onLive(name, data) {
    if (!dev || data.device !== id) return;
    const p = data.payload || {};
    if (name !== "alert") {
      // the device spoke: as the cloud does, it was seen now (on arrival), and anything but a status means online
      dev.lastSeen = new Date().toISOString();
      dev.online = name === "status" ? p.state === "online" : true;
    }
    if (name === "telemetry") {
      // a reading replayed late from the device's outbox goes in its place in the series (ordered by seq, as
      // loaded), and only the newest reading sets the figures, as in the cloud
      const newest = !dev.recent.some((m) => Date.parse(m.ts) > Date.parse(p.ts));
      const at = dev.recent.findIndex((m) => (m.seq || 0) > (p.seq || 0));
      if (at < 0) dev.recent.push(p); else dev.recent.splice(at, 0, p);
      if (dev.recent.length > 120) dev.recent.shift();
      if (newest) for (const f of ["powerW", "dimPercent", "lampOn", "clients", "backhaulUp", "portalOk"]) if (p[f] !== undefined) dev[f] = p[f];
      drawSummary(); drawChart();
    } else if (name === "status") {
      if (p.firmware) dev.firmware = p.firmware;
      drawSummary();
    } else if (name === "event") {
      dev.events = [p].concat(dev.events || []);
      drawSummary(); drawEvents();
    } else if (name === "ack") {
      drawSummary();
    } else if (name === "alert") {
      // an alert opened or closed: not an event of the list (it has no payload), but the open-alert count changed
      void refreshOpenAlerts();
    }
  }
  async function refreshOpenAlerts() {
    const r = await api("/api/devices/" + encodeURIComponent(id));
    if (stopped || !dev || !r.ok || !r.data) return;
    dev.openAlerts = r.data.openAlerts;
    drawSummary();
  }
  return { load, onLive, onReconnect: reload, dispose() { stopped = true; root = null; void pending; } };
}
