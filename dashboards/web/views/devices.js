// The city page's device list. A big city has hundreds of thousands of devices, mostly quiet: the server sends them a
// page at a time in the order an engineer needs (open alerts, then offline after reporting, then online, then never
// seen; each group by id), a filter with the server's counts narrows the list, and "show more" asks for the next page.
import { I18N as T, t } from "../i18n.js";
import { h, section } from "../ui.js";
import { link } from "../routes.js";
import { api, problem } from "../api.js";

export const PAGE_ROWS = 50;
// the most rows the API sends in one answer (limit=)
const MAX_LIMIT = 1000;

const neverSeen = (d) => !d.lastSeen;

// a device's state as the list names it (the map's colours follow the same rule, computed by the cloud)
function stateLabel(d) {
  if (neverSeen(d)) return "neverSeen";
  if (!d.online) return "offline";
  if (d.openAlerts > 0) return "alert";
  if (d.kind === "hotspot") return "online";
  return d.lampOn ? "on" : "off";
}

// A device may be in two filters (offline with an open communication-loss alert): each says what it shows. The keys
// are the API's status= values.
const FILTERS = [
  { key: "all", label: "filterAll" },
  { key: "alert", label: "filterAlert" },
  { key: "offline", label: "filterOffline" },
  { key: "never", label: "filterNever" },
];

// The list of one city page. The engineer's filter and the rows loaded so far outlive the page's redraws, which live
// updates cause: load() re-reads the counts and only the rows shown, and panel() draws them. A filter or "show more"
// clicked meanwhile wins over a redraw's older answer.
export function deviceList(ibge, month) {
  let filter = "all", rows = [], counts = null, wanted = PAGE_ROWS, version = 0, body = null, failure = null;
  const city = encodeURIComponent(ibge);

  // rows [from, from + count) of a filter in attention order, in answers of at most MAX_LIMIT rows
  async function fetchRows(key, from, count) {
    const status = key === "all" ? "" : "&status=" + key;
    const parts = [];
    for (let o = from; o < from + count; o += MAX_LIMIT) {
      parts.push(api(`/api/devices?city=${city}&sort=attention${status}&limit=${Math.min(MAX_LIMIT, from + count - o)}&offset=${o}`));
    }
    const answers = await Promise.all(parts);
    return answers.find((r) => !r.ok || !Array.isArray(r.data)) || { ok: true, data: answers.flatMap((r) => r.data) };
  }

  async function load() {
    const v = version;
    const [c, r] = await Promise.all([api(`/api/cities/${city}/devices/counts`), fetchRows(filter, 0, wanted)]);
    return { v, c, r };
  }

  function panel(res) {
    // an answer asked for before the last click is older than what the click brought
    if (res.v === version) {
      failure = [res.c, res.r].find((r) => !r.ok || !r.data) || null;
      if (!failure) { counts = res.c.data; rows = res.r.data; }
    }
    if (failure || !counts) return section(t("devices"), h("p", { class: "error", testid: "devices-error" }, t("unavailable") + ": " + problem(failure || res.c)));
    body = h("div", {});
    draw();
    return section(t("devices") + ` (${T.int(counts.all)})`, body);
  }

  async function choose(key, more) {
    const v = ++version;
    const r = more ? await fetchRows(filter, rows.length, PAGE_ROWS) : await fetchRows(key, 0, PAGE_ROWS);
    if (v !== version || !body) return;
    if (!r.ok || !Array.isArray(r.data)) { body.replaceChildren(h("p", { class: "error", testid: "devices-error" }, t("unavailable") + ": " + problem(r))); return; }
    if (more) { rows = rows.concat(r.data); wanted = rows.length; } else { filter = key; rows = r.data; wanted = PAGE_ROWS; }
    draw();
    // the buttons were drawn again: keep the keyboard where it was
    const again = body.querySelector(`[data-testid="${more ? "devices-more" : "devices-filter-" + key}"]`) || body.querySelector(`[data-testid="devices-filter-${filter}"]`);
    if (again) again.focus();
  }

  function draw() {
    const bar = h("div", { class: "filters", role: "group", "aria-label": t("filterDevices") },
      FILTERS.map((f) => h("button", { type: "button", testid: `devices-filter-${f.key}`, "aria-pressed": String(f.key === filter), onclick: () => choose(f.key, false) },
        `${t(f.label)} (${T.int(counts[f.key])})`)));
    const rest = (counts[filter] || 0) - rows.length;
    const more = rest > 0
      ? h("button", { type: "button", class: "more", testid: "devices-more", onclick: () => choose(filter, true) }, `${t("showMore")} (${T.int(rest)} ${t("remaining")})`)
      : null;
    const list = rows.length === 0 ? h("p", { class: "muted", testid: "devices-empty" }, t("noDevicesInFilter")) : table(rows, month);
    body.replaceChildren(...[bar, list, more].filter(Boolean));
  }

  return { load, panel };
}

function table(devices, month) {
  const head = h("tr", {}, [t("device"), t("status"), t("power"), t("dim"), t("clients"), t("openAlerts"), t("lastSeen")].map((x) => h("th", {}, x)));
  const rows = devices.map((d) => h("tr", { testid: `device-${d.id}` },
    h("td", {}, h("a", { href: link("/device/" + encodeURIComponent(d.id), month) }, d.name || d.id)),
    h("td", { testid: `device-${d.id}-state` }, t(stateLabel(d))),
    h("td", { class: "n" }, T.num(d.powerW)), h("td", { class: "n" }, T.int(d.dimPercent)), h("td", { class: "n" }, T.int(d.clients)),
    h("td", { class: "n" }, T.int(d.openAlerts)), h("td", {}, T.date(d.lastSeen))));
  return h("div", { class: "table-wrap" }, h("table", { class: "grid", testid: "devices" }, h("thead", {}, head), h("tbody", {}, rows)));
}
