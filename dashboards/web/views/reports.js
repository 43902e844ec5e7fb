// The monthly reports list, on the overview and the city page.
import { t } from "../i18n.js";
import { h, section } from "../ui.js";
import { problem } from "../api.js";

export function reportsPanel(r, names) {
  if (!r.ok || !Array.isArray(r.data)) return section(t("reports"), h("p", { class: "error" }, t("unavailable") + ": " + problem(r)));
  if (r.data.length === 0) return section(t("reports"), h("p", { class: "muted", testid: "reports-empty" }, t("noReports")));
  return section(t("reports"), h("ul", { class: "reports", testid: "reports" }, r.data.map((e) => h("li", { testid: `report-${e.id}`, "data-digest": e.digest },
    h("strong", {}, e.scope === "state" ? t("stateScope") : (names[e.city] || e.city)), " · ", e.month, " · ",
    h("span", { class: e.compliant ? "good" : "bad", testid: `report-${e.id}-verdict` }, e.compliant ? t("compliant") : t("notCompliant")), " · ",
    ...e.formats.flatMap((f, i) => [i > 0 ? " " : "", h("a", { href: `/api/reports/${encodeURIComponent(e.id)}.${f}`, testid: `report-${e.id}-${f}` }, f.toUpperCase())]),
    h("div", { class: "muted digest" }, "SHA-256 " + e.digest.slice(0, 16) + "…")))));
}
