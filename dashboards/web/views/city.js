// The city page (#/city/{ibge}): savings, device map, faults, Wi-Fi points, reports and devices.
import { I18N as T, t } from "../i18n.js";
import { Charts } from "../charts.js";
import { h, card, section, chartWidth, COLORS, throttled } from "../ui.js";
import { api, problem } from "../api.js";
import { link } from "../routes.js";
import { reportsPanel } from "./reports.js";
import { deviceList } from "./devices.js";

export function cityView(ibge, month) {
  let root = null;
  const refresh = throttled(() => draw(), 3000);
  const devicesPanel = deviceList(ibge, month);
  async function draw() {
    const q = "?month=" + encodeURIComponent(month), city = encodeURIComponent(ibge);
    // never the city's whole device list: the map's dots and one page of devices per filter
    const [about, savings, wifi, map, devices, alerts, reports] = await Promise.all([
      api(`/api/cities/${city}`), api(`/api/cities/${city}/savings${q}`), api(`/api/cities/${city}/wifi${q}`),
      api(`/api/cities/${city}/map`), devicesPanel.load(), api(`/api/alerts?city=${city}&active=true`),
      api(`/api/reports?city=${city}&month=${encodeURIComponent(month)}`)]);
    if (!root) return;
    // the city alone (its name), not the list of every city of the state
    const info = about.ok && about.data && about.data.ibge === ibge ? about.data : null;
    root.replaceChildren(
      h("p", {}, h("a", { href: link("/", month) }, t("back"))),
      h("h1", { testid: "city-name" }, info && info.name ? info.name : ibge, " ", h("span", { class: "muted" }, month)),
      savingsPanel(savings, month),
      h("div", { class: "two" }, mapPanel(map, month), faultsPanel(alerts)),
      wifiPanel(wifi),
      reportsPanel(reports, info && info.name ? { [ibge]: info.name } : {}),
      devicesPanel.panel(devices));
  }
  return {
    async load(main) { root = main; await draw(); },
    onLive(name, data) { if (data.city === ibge) refresh(); },
    onReconnect() { refresh(); },
    dispose() { refresh.cancel(); root = null; },
  };
}

function savingsPanel(r) {
  if (!r.ok || !r.data) return section(t("dailyEnergy"), h("p", { class: "error", testid: "savings-error" }, t("unavailable") + ": " + problem(r)));
  const s = r.data;
  // no luminaire of the city reported this month: the figures drawn from readings are 0 for want of them, not a measured
  // 0, as the overview's row says (the ANEEL estimate, bill, revenue share and payback need no readings)
  const measured = (text) => s.reportingLuminaires === 0 ? h("span", { class: "muted", title: t("noReadingsHelp") }, t("noReadings")) : text;
  const cards = h("div", { class: "cards" },
    card(t("measured"), measured(T.num(s.measuredKwh)), "savings-measuredKwh"),
    card(t("optionB") + " (kWh)", measured(T.num(s.baselineKwh)), "savings-baselineKwh"),
    card(t("savedKwh"), measured(T.num(s.savingsKwh)), "savings-savingsKwh"),
    card(t("savedBrl"), measured(T.brl(s.savingsBrl)), "savings-savingsBrl"),
    card(t("aneel") + " (kWh)", T.num(s.aneelBaselineKwh), "savings-aneelBaselineKwh"),
    card(t("spendBefore"), T.brl(s.spendBeforeBrl), "savings-spendBeforeBrl"),
    card(t("spendAfter"), T.brl(s.spendAfterBrl), "savings-spendAfterBrl"),
    card(t("billSaved"), T.brl(s.billSavingsBrl), "savings-billSavingsBrl"),
    // both with the monthly report's 4 decimals: a month's share of a year's revenue is often a few hundredths of a percent
    card(t("pctRevenue"), T.pct(s.savingsPercentOfRevenue, 4), "savings-savingsPercentOfRevenue"),
    // a ratio shown as a percent, as the monthly report shows it
    card(t("costToCip"), T.pct(typeof s.costToCip === "number" ? s.costToCip * 100 : null, 4), "savings-costToCip"),
    card(t("payback"), T.num(s.paybackMonths), "savings-paybackMonths"),
    card(t("co2"), measured(T.num(s.co2AvoidedT, 3)), "savings-co2AvoidedT"),
    card(t("completeness"), T.pct((s.completeness || 0) * 100, 1), "savings-completeness"));
  const daily = Array.isArray(s.daily) ? s.daily : [];
  const chart = Charts.line(daily.map((d) => T.day(d.date)), [
    { name: t("measuredShort"), color: COLORS.measured, values: daily.map((d) => d.measuredKwh) },
    { name: t("optionB"), color: COLORS.baseline, values: daily.map((d) => d.baselineKwh) },
    { name: t("aneel"), color: COLORS.aneel, values: daily.map((d) => d.aneelBaselineKwh) },
  ], { format: (v, d) => T.num(v, d || 0), label: t("dailyEnergy"), width: chartWidth() });
  chart.setAttribute("data-testid", "daily-chart");
  return section(t("dailyEnergy") + " (kWh)", cards, chart);
}

// One dot per located device (GET /api/cities/{ibge}/map). A city of many thousands gets a capped set from the cloud,
// every device with an alert or offline among them, and the note says how many of how many are drawn.
function mapPanel(r, month) {
  if (!r.ok || !r.data || !Array.isArray(r.data.dots)) return section(t("luminaires"), h("p", { class: "error" }, t("unavailable") + ": " + problem(r)));
  const pts = r.data.dots.map((d) => ({
    x: d.lon, y: d.lat, color: d.kind === "hotspot" && d.state === "on" ? COLORS.hotspot : COLORS[d.state], cls: d.state, shape: d.kind === "hotspot" ? "square" : "circle",
    label: `${d.name || d.id} — ${t(d.state)}`, href: link("/device/" + encodeURIComponent(d.id), month), testid: `dot-${d.id}` }));
  const chart = Charts.scatter(pts, { label: t("luminaires") });
  chart.setAttribute("data-testid", "device-map");
  const note = r.data.shown < r.data.total
    ? h("p", { class: "muted", testid: "map-shown" }, t("mapShown").replace("{shown}", T.int(r.data.shown)).replace("{total}", T.int(r.data.total)))
    : null;
  const legend = h("p", { class: "legend-row" }, ["on", "off", "offline", "alert"].map((k) => h("span", {}, h("i", { class: "swatch", style: `background:${COLORS[k]}` }), t(k))),
    h("span", {}, h("i", { class: "swatch square", style: `background:${COLORS.hotspot}` }), t("hotspot")));
  return section(t("luminaires"), chart, note, legend);
}

function faultsPanel(r) {
  if (!r.ok || !Array.isArray(r.data)) return section(t("faults"), h("p", { class: "error" }, t("unavailable") + ": " + problem(r)));
  const list = r.data.length === 0 ? h("p", { class: "muted", testid: "faults-empty" }, t("noFaults"))
    : h("ul", { class: "faults", testid: "faults" }, r.data.map((a) => h("li", { testid: `alert-${a.id}` },
      h("strong", {}, T.type(a.type)), " ", h("span", { class: "muted" }, a.type), " · ", h("a", { href: "#/device/" + encodeURIComponent(a.device) }, a.device), " · ", T.date(a.openedAt),
      a.count > 1 ? ` (×${a.count})` : "", a.detail ? h("div", { class: "muted" }, a.detail) : null)));
  return section(t("faults") + ` (${r.ok ? r.data.length : "?"})`, list);
}

// the thresholds a Wi-Fi point can miss (the API's codes) and the label of each
const FAILED_LABELS = { availability: "availability", medianDownMbps: "downMbps", p95LatencyMs: "latency", portal: "portal", use: "daysUsed", notRegistered: "notRegistered" };
function wifiPanel(r) {
  if (!r.ok || !r.data) return section(t("wifiPoints"), h("p", { class: "error", testid: "wifi-error" }, t("unavailable") + ": " + problem(r)));
  const w = r.data;
  const points = Array.isArray(w.points) ? w.points : [];
  const head = h("tr", {}, [t("hotspot"), t("availability"), t("downMbps"), t("upMbps"), t("latency"), t("daysUsed"), t("status")].map((x) => h("th", {}, x)));
  const rows = points.flatMap((p) => {
    const id = (f) => `wifi-${p.device}-${f}`;
    const segs = Array.isArray(p.timeline) ? p.timeline : [];
    const from = segs.length ? segs[0].start : null, to = segs.length ? segs[segs.length - 1].end : null;
    const bar = from ? Charts.timeline(segs, from, to, COLORS, { label: t("availability"), width: chartWidth() }) : h("span", { class: "muted" }, t("noData"));
    if (from) bar.setAttribute("data-testid", id("timeline"));
    return [
      h("tr", { testid: id("row") },
        h("td", {}, h("a", { href: "#/device/" + encodeURIComponent(p.device) }, p.name || p.device)),
        h("td", { class: "n", testid: id("availability") }, T.pct((p.availability || 0) * 100, 2)),
        h("td", { class: "n", testid: id("medianDownMbps") }, T.num(p.medianDownMbps)),
        h("td", { class: "n", testid: id("medianUpMbps") }, T.num(p.medianUpMbps)),
        h("td", { class: "n", testid: id("p95LatencyMs") }, T.num(p.p95LatencyMs, 0)),
        h("td", { class: "n" }, h("span", { testid: id("daysUsed") }, T.int(p.daysUsed)), "/", T.int(p.daysInPeriod)),
        h("td", { class: p.compliant ? "good" : "bad", testid: id("compliant") }, p.compliant ? t("compliant") : t("notCompliant"),
          Array.isArray(p.failed) && p.failed.length ? h("div", { class: "muted", testid: id("failed") }, p.failed.map((f) => t(FAILED_LABELS[f] || f)).join(", ")) : null)),
      h("tr", { class: "timeline-row" }, h("td", { colspan: 7 }, bar)),
    ];
  });
  const legend = h("p", { class: "legend-row" }, ["up", "down", "noData"].map((k) => h("span", {}, h("i", { class: "swatch", style: `background:${COLORS[k]}` }), t(k))));
  return section(t("wifiPoints"),
    h("p", {}, h("strong", { class: w.compliant ? "good" : "bad", testid: "wifi-compliant" }, w.compliant ? t("compliant") : t("notCompliant")), " · ",
      h("span", { testid: "wifi-compliantPoints" }, T.int(w.compliantPoints)), "/", h("span", { testid: "wifi-requiredPoints" }, T.int(w.requiredPoints)),
      " · ", t("completeness"), ": ", T.pct((w.completeness || 0) * 100, 1)),
    h("div", { class: "table-wrap" }, h("table", { class: "grid" }, h("thead", {}, head), h("tbody", {}, rows))), legend,
    w.digest ? h("p", { class: "muted digest" }, "SHA-256 ", w.digest) : null);
}
