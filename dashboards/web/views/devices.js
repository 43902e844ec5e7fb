// The city page's device list. A city has hundreds of devices, mostly quiet: the ones an engineer has to look at come
// first (open alerts, then offline after reporting, then online, then never seen; each group by id), a filter with
// counts narrows the list, and at most MAX_ROWS rows are drawn until all are asked for.
import { I18N as T, t } from "../i18n.js";
import { h, section, COLORS } from "../ui.js";
import { link } from "../routes.js";
import { problem } from "../api.js";

export const MAX_ROWS = 50;

// a device's state as the map colours it and the list names it
export function deviceColor(d) {
  if (!d.online) return ["offline", COLORS.offline];
  if (d.openAlerts > 0) return ["alert", COLORS.alert];
  if (d.kind === "hotspot") return ["on", COLORS.hotspot];
  return d.lampOn ? ["on", COLORS.on] : ["off", COLORS.off];
}

const hasAlerts = (d) => d.openAlerts > 0;
const neverSeen = (d) => !d.lastSeen;
// an offline device that never reported is "never seen", not offline: nothing was lost
const wentOffline = (d) => !d.online && !neverSeen(d);

function group(d) {
  if (hasAlerts(d)) return 0;
  if (neverSeen(d)) return 3;
  return d.online ? 2 : 1;
}
const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
export const sortDevices = (list) => list.slice().sort((a, b) => group(a) - group(b) || byId(a, b));

// A device may be in two filters (offline with an open communication-loss alert): each says what it shows.
const FILTERS = [
  { key: "all", label: "filterAll", test: () => true },
  { key: "alert", label: "filterAlert", test: hasAlerts },
  { key: "offline", label: "filterOffline", test: wentOffline },
  { key: "never", label: "filterNever", test: neverSeen },
];

// The list of one city page. The engineer's filter and "show all" outlive the page's redraws, which live updates
// cause with fresh data: panel(r) draws the list from the API's answer under the choices made so far.
export function deviceList(month) {
  let filter = "all", showAll = false, devices = [], body = null;

  function choose(key, more) {
    if (key !== filter) { filter = key; showAll = false; } else if (more) showAll = !showAll;
    draw();
    // the buttons were drawn again: keep the keyboard where it was
    const again = body.querySelector(`[data-testid="${more ? "devices-more" : "devices-filter-" + key}"]`);
    if (again) again.focus();
  }

  function draw() {
    const current = FILTERS.find((f) => f.key === filter) || FILTERS[0];
    const matching = devices.filter(current.test);
    const rows = showAll ? matching : matching.slice(0, MAX_ROWS);
    const bar = h("div", { class: "filters", role: "group", "aria-label": t("filterDevices") },
      FILTERS.map((f) => h("button", { type: "button", testid: `devices-filter-${f.key}`, "aria-pressed": String(f.key === filter), onclick: () => choose(f.key, false) },
        `${t(f.label)} (${T.int(devices.filter(f.test).length)})`)));
    const more = matching.length > MAX_ROWS
      ? h("button", { type: "button", class: "more", testid: "devices-more", onclick: () => choose(filter, true) }, showAll ? t("showFewer") : `${t("showAll")} (${T.int(matching.length)})`)
      : null;
    const list = matching.length === 0 ? h("p", { class: "muted", testid: "devices-empty" }, t("noDevicesInFilter")) : table(rows, month);
    body.replaceChildren(...[bar, list, more].filter(Boolean));
  }

  return function panel(r) {
    if (!r.ok || !Array.isArray(r.data)) return section(t("devices"), h("p", { class: "error", testid: "devices-error" }, t("unavailable") + ": " + problem(r)));
    devices = sortDevices(r.data);
    body = h("div", {});
    draw();
    return section(t("devices") + ` (${T.int(devices.length)})`, body);
  };
}

function table(devices, month) {
  const head = h("tr", {}, [t("device"), t("status"), t("power"), t("dim"), t("clients"), t("openAlerts"), t("lastSeen")].map((x) => h("th", {}, x)));
  const rows = devices.map((d) => h("tr", { testid: `device-${d.id}` },
    h("td", {}, h("a", { href: link("/device/" + encodeURIComponent(d.id), month) }, d.name || d.id)),
    h("td", { testid: `device-${d.id}-state` }, t(neverSeen(d) ? "neverSeen" : d.kind === "hotspot" && d.online && !(d.openAlerts > 0) ? "online" : deviceColor(d)[0])),
    h("td", { class: "n" }, T.num(d.powerW)), h("td", { class: "n" }, T.int(d.dimPercent)), h("td", { class: "n" }, T.int(d.clients)),
    h("td", { class: "n" }, T.int(d.openAlerts)), h("td", {}, T.date(d.lastSeen))));
  return h("div", { class: "table-wrap" }, h("table", { class: "grid", testid: "devices" }, h("thead", {}, head), h("tbody", {}, rows)));
}
