// The state overview (#/): state totals, one row per city, the month's reports.
import { I18N as T, t } from "../i18n.js";
import { h, card, section, throttled } from "../ui.js";
import { api, problem } from "../api.js";
import { link } from "../routes.js";
import { reportsPanel } from "./reports.js";

export function overviewView(month) {
  let root = null;
  const refresh = throttled(() => draw(), 3000);
  async function draw() {
    const [r, reports] = await Promise.all([api("/api/state?month=" + encodeURIComponent(month)), api("/api/reports?month=" + encodeURIComponent(month))]);
    if (!root) return;
    if (!r.ok || !r.data) { root.replaceChildren(h("p", { class: "error", testid: "error" }, t("unavailable") + ": " + problem(r))); return; }
    const s = r.data, tot = s.totals || {};
    // no luminaire of any city reported this month: the state's measured figures are zero for want of readings
    const cities = s.cities || [];
    const noReadings = cities.length > 0 && cities.every((c) => c.reportingLuminaires === 0);
    const measuredTotal = (text) => noReadings ? h("span", { class: "muted", title: t("noReadingsHelp") }, t("noReadings")) : text;
    const totals = h("div", { class: "cards" },
      card(t("measured"), measuredTotal(T.num(tot.measuredKwh)), "total-measuredKwh"),
      card(t("baseline"), measuredTotal(T.num(tot.baselineKwh)), "total-baselineKwh"),
      card(t("savedKwh"), measuredTotal(T.num(tot.savingsKwh)), "total-savingsKwh"),
      card(t("savedBrl"), measuredTotal(T.brl(tot.savingsBrl)), "total-savingsBrl"),
      card(t("billSaved"), T.brl(tot.billSavingsBrl), "total-billSavingsBrl"),
      card(t("compliantCities"), h("span", {}, h("span", { testid: "total-compliantCities" }, T.int(tot.compliantCities)), " / ", h("span", { testid: "total-cities" }, T.int(tot.cities)))),
      card(t("devicesOnline"), h("span", {}, h("span", { testid: "total-devicesOnline" }, T.int(tot.devicesOnline)), " / ", h("span", { testid: "total-devicesTotal" }, T.int(tot.devicesTotal)))),
      card(t("openAlerts"), T.int(tot.openAlerts), "total-openAlerts"));
    const head = h("tr", {}, [t("city"), t("measured"), t("baseline"), t("savedKwh"), t("savedBrl"), t("completenessShort"), t("pctRevenue"), t("costToCip"), t("payback"), t("wifi"), t("devicesOnline"), t("openAlerts")].map((x) => h("th", {}, x)));
    const rows = (s.cities || []).map((c) => {
      const id = (f) => `city-${c.ibge}-${f}`;
      // no luminaire reported this month: its measured figures are 0 for want of readings, which is not a measured 0
      // (bill savings, revenue share and payback come from the ANEEL estimate and need no readings)
      const silent = c.reportingLuminaires === 0;
      const measured = (f, text) => silent
        ? h("td", { class: "n muted", testid: id(f), title: t("noReadingsHelp") }, t("noReadings"))
        : h("td", { class: "n", testid: id(f) }, text);
      const reporting = typeof c.reportingLuminaires === "number" && typeof c.inventoryLuminaires === "number"
        ? `${T.int(c.reportingLuminaires)} / ${T.int(c.inventoryLuminaires)} ${t("luminairesReporting")}` : null;
      return h("tr", { testid: `city-${c.ibge}`, class: c.compliant ? "ok" : "" },
        h("td", {}, h("a", { href: link("/city/" + c.ibge, month), testid: id("link") }, c.name || c.ibge)),
        measured("measuredKwh", T.num(c.measuredKwh)),
        measured("baselineKwh", T.num(c.baselineKwh)),
        measured("savingsKwh", T.num(c.savingsKwh)),
        measured("savingsBrl", T.brl(c.savingsBrl)),
        h("td", { class: "n", testid: id("completeness"), title: reporting }, T.pct(c.completeness * 100, 1)),
        h("td", { class: "n", testid: id("savingsPercentOfRevenue") }, T.pct(c.savingsPercentOfRevenue, 4)),
        h("td", { class: "n", testid: id("costToCip") }, T.pct(typeof c.costToCip === "number" ? c.costToCip * 100 : null, 4)),
        h("td", { class: "n", testid: id("paybackMonths") }, T.num(c.paybackMonths)),
        h("td", { class: "n " + (c.compliant ? "good" : "bad") }, h("span", { testid: id("wifiCompliantPoints") }, T.int(c.wifiCompliantPoints)), "/", h("span", { testid: id("requiredWifiPoints") }, T.int(c.requiredWifiPoints))),
        h("td", { class: "n" }, h("span", { testid: id("devicesOnline") }, T.int(c.devicesOnline)), "/", h("span", { testid: id("devicesTotal") }, T.int(c.devicesTotal))),
        h("td", { class: "n", testid: id("openAlerts") }, T.int(c.openAlerts)));
    });
    root.replaceChildren(
      h("h1", {}, t("overview"), " ", h("span", { class: "muted" }, s.month || month)),
      section(t("totals"), totals),
      h("div", { class: "table-wrap" }, h("table", { class: "grid", testid: "state-table", "data-month": month }, h("thead", {}, head), h("tbody", {}, rows))),
      reportsPanel(reports, Object.fromEntries((s.cities || []).map((c) => [c.ibge, c.name]))));
  }
  return {
    async load(main) { root = main; await draw(); },
    onLive(name) { if (name !== "telemetry") refresh(); },
    onReconnect() { refresh(); },
    dispose() { refresh.cancel(); root = null; },
  };
}
