// Engineers' dashboard: a single page with hash routes #/ , #/city/{ibge} and #/device/{id}, each taking ?month=YYYY-MM.
"use strict";
(function () {
  const T = window.I18N;
  const t = (k) => T.t(k);
  const COLORS = { measured: "#1f77b4", baseline: "#d62728", aneel: "#7f7f7f", on: "#f2b600", off: "#3b4a5a", offline: "#9aa0a6", alert: "#e0245e", hotspot: "#2ca02c",
    up: "#2ca02c", down: "#d62728", noData: "#c9ccd1" };
  const app = document.getElementById("app");
  let current = null; // {name, onLive?, dispose?}
  let liveCount = 0;

  // ---------- DOM helpers (textContent only: API data never becomes HTML) ----------
  function h(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) {
      const v = attrs[k];
      if (v === undefined || v === null || v === false) continue;
      if (k === "testid") e.setAttribute("data-testid", v);
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k === "class") e.className = v;
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) e.append(c instanceof Node ? c : String(c));
    return e;
  }
  const card = (label, value, testid, extra) => h("div", { class: "card" }, h("div", { class: "card-label" }, label), h("div", { class: "card-value", testid }, value), extra || null);
  // charts are drawn at about the width they are shown at, so their text stays legible on a phone
  const chartWidth = () => Math.max(320, Math.min(1000, ((document.getElementById("view") || document.body).clientWidth || 720) - 40));
  const section = (title, ...body) => h("section", { class: "panel" }, h("h2", {}, title), ...body);

  // ---------- API ----------
  // With --Api:AnonymousRead false every read needs a key: the engineer enters it once (signIn), the page keeps it in
  // localStorage, sends it on each request and sets it as a same-site cookie for the live stream (EventSource cannot
  // send headers; the cloud accepts the cookie for reads only).
  const KEY = "ci.apiKey";
  const storedKey = () => localStorage.getItem(KEY) || "";
  function keepKey(key) {
    if (key) localStorage.setItem(KEY, key); else localStorage.removeItem(KEY);
    document.cookie = "ci_key=" + encodeURIComponent(key) + "; path=/; SameSite=Strict" + (location.protocol === "https:" ? "; Secure" : "")
      + (key ? "" : "; max-age=0");
  }
  let signingIn = false;
  async function api(path, init) {
    try {
      const headers = Object.assign({ Accept: "application/json" }, (init && init.headers) || {});
      if (!headers.Authorization && storedKey()) headers.Authorization = "Bearer " + storedKey();
      const r = await fetch(path, Object.assign({}, init || {}, { headers }));
      if (r.status === 401 && (!init || !init.method || init.method === "GET")) signIn(storedKey() !== "");
      const text = await r.text();
      let data = null;
      try { data = text ? JSON.parse(text) : null; } catch { data = null; }
      return { ok: r.ok, status: r.status, data };
    } catch (e) {
      return { ok: false, status: 0, data: { detail: String(e) } };
    }
  }
  const problem = (r) => (r.data && (r.data.detail || r.data.title)) || `HTTP ${r.status}`;

  // A read was refused for want of a (valid) key: ask for one instead of showing empty pages.
  function signIn(rejected) {
    if (signingIn) return;
    signingIn = true;
    const key = h("input", { type: "password", id: "signin-key", testid: "signin-key", autocomplete: "off", required: true });
    const form = h("form", { class: "panel signin", testid: "signin", onsubmit: (e) => {
      e.preventDefault();
      keepKey(key.value.trim());
      signingIn = false;
      connectLive();
      render();
    } },
      h("h2", {}, t("signIn")), h("p", {}, t("signInHelp")),
      rejected ? h("p", { class: "error", testid: "signin-error" }, t("signInRejected")) : null,
      h("label", {}, t("signIn") + " ", key), h("button", { type: "submit", testid: "signin-send" }, t("signInSend")));
    app.replaceChildren(h("main", { id: "view" }, form));
    key.focus();
  }

  // ---------- routing ----------
  function defaultMonth() {
    const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Sao_Paulo", year: "numeric", month: "2-digit" }).formatToParts(new Date());
    return parts.find((p) => p.type === "year").value + "-" + parts.find((p) => p.type === "month").value;
  }
  function route() {
    const raw = location.hash.replace(/^#/, "") || "/";
    const [path, query] = raw.split("?");
    const params = new URLSearchParams(query || "");
    const month = /^\d{4}-\d{2}$/.test(params.get("month") || "") ? params.get("month") : defaultMonth();
    const seg = path.split("/").filter(Boolean).map(decodeURIComponent);
    return { seg, month };
  }
  const link = (path, month) => "#" + path + (month ? "?month=" + month : "");

  async function render() {
    signingIn = false;
    if (current && current.dispose) current.dispose();
    current = null;
    const r = route();
    document.documentElement.lang = T.locale === "en" ? "en" : "pt-BR";
    document.title = t("title");
    renderHeader(r);
    const main = h("main", { id: "view" }, h("p", { class: "muted" }, t("loading")));
    app.replaceChildren(main);
    let view;
    if (r.seg[0] === "city" && r.seg[1]) view = cityView(r.seg[1], r.month);
    else if (r.seg[0] === "device" && r.seg[1]) view = deviceView(r.seg[1], r.month);
    else view = overviewView(r.month);
    current = view;
    await view.load(main);
  }

  function renderHeader(r) {
    const header = document.getElementById("top");
    const month = h("input", { type: "month", id: "month", value: r.month, testid: "month", "aria-label": t("month"),
      onchange: (e) => { if (/^\d{4}-\d{2}$/.test(e.target.value)) location.hash = link("/" + r.seg.map(encodeURIComponent).join("/"), e.target.value); } });
    header.replaceChildren(
      h("a", { href: link("/", r.month), class: "brand" }, t("title")),
      h("div", { class: "tools" },
        h("label", {}, t("month") + " ", month),
        h("button", { type: "button", testid: "lang", onclick: () => { T.toggle(); render(); } }, t("language")),
        h("span", { class: "live " + live.state, testid: "live-status", "data-connected": String(live.state === "on"), "data-state": live.state },
          LIVE_LABELS[live.state](), " ", h("span", { testid: "live-count" }, String(liveCount)))));
  }

  // ---------- live updates ----------
  // state: "on" (stream open), "off" (the browser reported an error; it or the page connects again) or "reconnecting"
  // (the stream went silent: the page closed it and connects again)
  const live = { state: "off", source: null, retryMs: 1000, retryTimer: null, missed: false, heartbeatMs: 15000, heardAt: 0 };
  const LIVE_LABELS = { on: () => t("live"), off: () => t("liveOff"), reconnecting: () => t("liveReconnecting") };
  function setLiveState(state) {
    live.state = state;
    const el = document.querySelector('[data-testid="live-status"]');
    if (el) {
      el.className = "live " + state;
      el.setAttribute("data-connected", String(state === "on"));
      el.setAttribute("data-state", state);
      el.firstChild.textContent = LIVE_LABELS[state]() + " ";
    }
  }
  // (Re)opens the stream, replacing any open or scheduled one.
  function connectLive() {
    clearTimeout(live.retryTimer);
    live.retryTimer = null;
    if (live.source) live.source.close();
    const src = new EventSource("/api/live");
    live.source = src;
    live.heardAt = Date.now();
    const heard = () => { if (live.source === src) live.heardAt = Date.now(); };
    src.onopen = () => {
      heard();
      live.retryMs = 1000;
      setLiveState("on");
      // updates sent while the stream was down are lost: the open view reads the API again
      if (live.missed && current && current.onReconnect) current.onReconnect();
      live.missed = false;
    };
    src.onerror = () => {
      if (live.source !== src) return;
      live.missed = true;
      setLiveState("off");
      // EventSource reconnects by itself after a network error, but gives up for good on an HTTP error such as a
      // proxy's 502 while the cloud restarts: then connect again, waiting longer each time (up to 30 s)
      if (src.readyState === EventSource.CLOSED) retryLive();
    };
    // the cloud sends one when the stream opens (with its interval) and after each quiet interval
    src.addEventListener("heartbeat", (e) => {
      let data;
      try { data = JSON.parse(e.data); } catch { data = null; }
      if (data && Number.isFinite(data.intervalMs) && data.intervalMs > 0) live.heartbeatMs = data.intervalMs;
      heard();
    });
    for (const name of ["telemetry", "status", "event", "alert", "ack"]) {
      src.addEventListener(name, (e) => {
        heard();
        let data;
        try { data = JSON.parse(e.data); } catch { return; }
        liveCount++;
        const c = document.querySelector('[data-testid="live-count"]');
        if (c) c.textContent = String(liveCount);
        if (current && current.onLive) current.onLive(name, data);
      });
    }
  }
  function retryLive() {
    if (live.source) live.source.close();
    live.source = null;
    live.retryTimer = setTimeout(connectLive, live.retryMs);
    live.retryMs = Math.min(live.retryMs * 2, 30000);
  }
  // A stream a proxy or NAT dropped without closing it looks open to the browser and brings nothing, for ever: with
  // neither an update nor a heartbeat for three heartbeat intervals (or a connection that never opened), the page
  // stops trusting it, says so, and connects again; the view then reads the API again as after any gap. The time is
  // checked, not counted in timer ticks, because a background tab's timers run late.
  function watchLive() {
    if (live.source && Date.now() - live.heardAt > 3 * live.heartbeatMs) {
      live.missed = true;
      // a stream that had failed visibly ("off") keeps saying so
      if (live.state === "on") setLiveState("reconnecting");
      retryLive();
    }
    setTimeout(watchLive, Math.max(live.heartbeatMs / 2, 250));
  }

  // A view refreshes at most once every few seconds however many live events arrive.
  function throttled(fn, ms) {
    let timer = null;
    const wrapped = () => { if (!timer) timer = setTimeout(() => { timer = null; fn(); }, ms); };
    wrapped.cancel = () => { if (timer) clearTimeout(timer); timer = null; };
    return wrapped;
  }

  // ---------- overview ----------
  function overviewView(month) {
    let root = null;
    const refresh = throttled(() => draw(), 3000);
    async function draw() {
      const [r, reports] = await Promise.all([api("/api/state?month=" + encodeURIComponent(month)), api("/api/reports?month=" + encodeURIComponent(month))]);
      if (!root) return;
      if (!r.ok || !r.data) { root.replaceChildren(h("p", { class: "error", testid: "error" }, t("unavailable") + ": " + problem(r))); return; }
      const s = r.data, tot = s.totals || {};
      const totals = h("div", { class: "cards" },
        card(t("measured"), T.num(tot.measuredKwh), "total-measuredKwh"),
        card(t("baseline"), T.num(tot.baselineKwh), "total-baselineKwh"),
        card(t("savedKwh"), T.num(tot.savingsKwh), "total-savingsKwh"),
        card(t("savedBrl"), T.brl(tot.savingsBrl), "total-savingsBrl"),
        card(t("billSaved"), T.brl(tot.billSavingsBrl), "total-billSavingsBrl"),
        card(t("compliantCities"), h("span", {}, h("span", { testid: "total-compliantCities" }, T.int(tot.compliantCities)), " / ", h("span", { testid: "total-cities" }, T.int(tot.cities)))),
        card(t("devicesOnline"), h("span", {}, h("span", { testid: "total-devicesOnline" }, T.int(tot.devicesOnline)), " / ", h("span", { testid: "total-devicesTotal" }, T.int(tot.devicesTotal)))),
        card(t("openAlerts"), T.int(tot.openAlerts), "total-openAlerts"));
      const head = h("tr", {}, [t("city"), t("measured"), t("baseline"), t("savedKwh"), t("savedBrl"), t("pctRevenue"), t("costToCip"), t("payback"), t("wifi"), t("devicesOnline"), t("openAlerts")].map((x) => h("th", {}, x)));
      const rows = (s.cities || []).map((c) => {
        const id = (f) => `city-${c.ibge}-${f}`;
        return h("tr", { testid: `city-${c.ibge}`, class: c.compliant ? "ok" : "" },
          h("td", {}, h("a", { href: link("/city/" + c.ibge, month), testid: id("link") }, c.name || c.ibge)),
          h("td", { class: "n", testid: id("measuredKwh") }, T.num(c.measuredKwh)),
          h("td", { class: "n", testid: id("baselineKwh") }, T.num(c.baselineKwh)),
          h("td", { class: "n", testid: id("savingsKwh") }, T.num(c.savingsKwh)),
          h("td", { class: "n", testid: id("savingsBrl") }, T.brl(c.savingsBrl)),
          h("td", { class: "n", testid: id("savingsPercentOfRevenue") }, T.pct(c.savingsPercentOfRevenue)),
          h("td", { class: "n", testid: id("costToCip") }, T.num(c.costToCip, 2)),
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

  // ---------- city ----------
  function deviceColor(d) {
    if (!d.online) return ["offline", COLORS.offline];
    if (d.openAlerts > 0) return ["alert", COLORS.alert];
    if (d.kind === "hotspot") return ["on", COLORS.hotspot];
    return d.lampOn ? ["on", COLORS.on] : ["off", COLORS.off];
  }

  function cityView(ibge, month) {
    let root = null;
    const refresh = throttled(() => draw(), 3000);
    async function draw() {
      const q = "?month=" + encodeURIComponent(month);
      const [cities, savings, wifi, devices, alerts, reports] = await Promise.all([
        api("/api/cities"), api(`/api/cities/${encodeURIComponent(ibge)}/savings${q}`), api(`/api/cities/${encodeURIComponent(ibge)}/wifi${q}`),
        api("/api/devices?city=" + encodeURIComponent(ibge)), api(`/api/alerts?city=${encodeURIComponent(ibge)}&active=true`),
        api(`/api/reports?city=${encodeURIComponent(ibge)}&month=${encodeURIComponent(month)}`)]);
      if (!root) return;
      const info = cities.ok && Array.isArray(cities.data) ? cities.data.find((c) => c.ibge === ibge) : null;
      root.replaceChildren(
        h("p", {}, h("a", { href: link("/", month) }, t("back"))),
        h("h1", { testid: "city-name" }, info ? info.name : ibge, " ", h("span", { class: "muted" }, month)),
        savingsPanel(savings, month),
        h("div", { class: "two" }, mapPanel(devices, month), faultsPanel(alerts)),
        wifiPanel(wifi),
        reportsPanel(reports, info ? { [ibge]: info.name } : {}),
        devicesPanel(devices, month));
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
    const cards = h("div", { class: "cards" },
      card(t("measured"), T.num(s.measuredKwh), "savings-measuredKwh"),
      card(t("optionB") + " (kWh)", T.num(s.baselineKwh), "savings-baselineKwh"),
      card(t("savedKwh"), T.num(s.savingsKwh), "savings-savingsKwh"),
      card(t("savedBrl"), T.brl(s.savingsBrl), "savings-savingsBrl"),
      card(t("aneel") + " (kWh)", T.num(s.aneelBaselineKwh), "savings-aneelBaselineKwh"),
      card(t("spendBefore"), T.brl(s.spendBeforeBrl), "savings-spendBeforeBrl"),
      card(t("spendAfter"), T.brl(s.spendAfterBrl), "savings-spendAfterBrl"),
      card(t("billSaved"), T.brl(s.billSavingsBrl), "savings-billSavingsBrl"),
      card(t("pctRevenue"), T.pct(s.savingsPercentOfRevenue), "savings-savingsPercentOfRevenue"),
      card(t("costToCip"), T.num(s.costToCip, 2), "savings-costToCip"),
      card(t("payback"), T.num(s.paybackMonths), "savings-paybackMonths"),
      card(t("co2"), T.num(s.co2AvoidedT, 3), "savings-co2AvoidedT"),
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

  function mapPanel(r, month) {
    if (!r.ok || !Array.isArray(r.data)) return section(t("luminaires"), h("p", { class: "error" }, t("unavailable") + ": " + problem(r)));
    const pts = r.data.filter((d) => typeof d.latitude === "number" && typeof d.longitude === "number").map((d) => {
      const [state, color] = deviceColor(d);
      return { x: d.longitude, y: d.latitude, color, cls: state, shape: d.kind === "hotspot" ? "square" : "circle",
        label: `${d.name || d.id} — ${t(state)}`, href: link("/device/" + encodeURIComponent(d.id), month), testid: `dot-${d.id}` };
    });
    const chart = Charts.scatter(pts, { label: t("luminaires") });
    chart.setAttribute("data-testid", "device-map");
    const legend = h("p", { class: "legend-row" }, ["on", "off", "offline", "alert"].map((k) => h("span", {}, h("i", { class: "swatch", style: `background:${COLORS[k]}` }), t(k))),
      h("span", {}, h("i", { class: "swatch square", style: `background:${COLORS.hotspot}` }), t("hotspot")));
    return section(t("luminaires"), chart, legend);
  }

  // ---------- reports ----------
  function reportsPanel(r, names) {
    if (!r.ok || !Array.isArray(r.data)) return section(t("reports"), h("p", { class: "error" }, t("unavailable") + ": " + problem(r)));
    if (r.data.length === 0) return section(t("reports"), h("p", { class: "muted", testid: "reports-empty" }, t("noReports")));
    return section(t("reports"), h("ul", { class: "reports", testid: "reports" }, r.data.map((e) => h("li", { testid: `report-${e.id}`, "data-digest": e.digest },
      h("strong", {}, e.scope === "state" ? t("stateScope") : (names[e.city] || e.city)), " · ", e.month, " · ",
      h("span", { class: e.compliant ? "good" : "bad", testid: `report-${e.id}-verdict` }, e.compliant ? t("compliant") : t("notCompliant")), " · ",
      ...e.formats.flatMap((f, i) => [i > 0 ? " " : "", h("a", { href: `/api/reports/${encodeURIComponent(e.id)}.${f}`, testid: `report-${e.id}-${f}` }, f.toUpperCase())]),
      h("div", { class: "muted digest" }, "SHA-256 " + e.digest.slice(0, 16) + "…")))));
  }

  function faultsPanel(r) {
    if (!r.ok || !Array.isArray(r.data)) return section(t("faults"), h("p", { class: "error" }, t("unavailable") + ": " + problem(r)));
    const list = r.data.length === 0 ? h("p", { class: "muted", testid: "faults-empty" }, t("noFaults"))
      : h("ul", { class: "faults", testid: "faults" }, r.data.map((a) => h("li", { testid: `alert-${a.id}` },
        h("strong", {}, a.type), " · ", h("a", { href: "#/device/" + encodeURIComponent(a.device) }, a.device), " · ", T.date(a.openedAt),
        a.count > 1 ? ` (×${a.count})` : "", a.detail ? h("div", { class: "muted" }, a.detail) : null)));
    return section(t("faults") + ` (${r.ok ? r.data.length : "?"})`, list);
  }

  // the thresholds a Wi-Fi point can miss (the API's codes) and the label of each
  const FAILED_LABELS = { availability: "availability", medianDownMbps: "downMbps", p95LatencyMs: "latency", portal: "portal", use: "daysUsed" };
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

  function devicesPanel(r, month) {
    if (!r.ok || !Array.isArray(r.data)) return null;
    const head = h("tr", {}, [t("device"), t("status"), t("power"), t("dim"), t("clients"), t("openAlerts"), t("lastSeen")].map((x) => h("th", {}, x)));
    const rows = r.data.map((d) => h("tr", { testid: `device-${d.id}` },
      h("td", {}, h("a", { href: link("/device/" + encodeURIComponent(d.id), month) }, d.name || d.id)),
      h("td", { testid: `device-${d.id}-state` }, t(d.kind === "hotspot" && d.online && !(d.openAlerts > 0) ? "online" : deviceColor(d)[0])),
      h("td", { class: "n" }, T.num(d.powerW)), h("td", { class: "n" }, T.int(d.dimPercent)), h("td", { class: "n" }, T.int(d.clients)),
      h("td", { class: "n" }, T.int(d.openAlerts)), h("td", {}, T.date(d.lastSeen))));
    return section(t("devices") + ` (${r.data.length})`, h("div", { class: "table-wrap" }, h("table", { class: "grid" }, h("thead", {}, head), h("tbody", {}, rows))));
  }

  // ---------- device ----------
  function deviceView(id, month) {
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
        h("p", {}, h("a", { href: link("/city/" + encodeURIComponent(dev.city), month), testid: "device-city" }, "← " + dev.city)),
        h("h1", { testid: "device-id" }, dev.name || dev.id, " ", h("span", { class: "muted" }, t(dev.kind))),
        parts.summary, section(t("recent"), parts.chart),
        h("div", { class: "two" }, section(t("events"), parts.events), section(t("commands"), dev.kind === "luminaire" ? overrideForm() : null, parts.commands)));
      drawSummary(); drawChart(); drawEvents(); drawCommands();
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
      const labels = rec.map((m) => (m.ts ? new Intl.DateTimeFormat(T.locale === "en" ? "en-US" : "pt-BR", { timeStyle: "short", timeZone: "America/Sao_Paulo" }).format(new Date(m.ts)) : String(m.seq)));
      const series = dev.kind === "luminaire"
        ? [{ name: t("power"), color: COLORS.measured, values: rec.map((m) => m.powerW) }, { name: t("dim"), color: COLORS.on, values: rec.map((m) => m.dimPercent) }]
        : [{ name: t("clients"), color: COLORS.hotspot, values: rec.map((m) => m.clients) }, { name: t("downMbps"), color: COLORS.measured, values: rec.map((m) => m.downMbps) }];
      const c = Charts.line(labels, series, { format: (v, d) => T.num(v, d || 0), label: t("recent"), width: chartWidth() });
      c.setAttribute("data-testid", "device-chart");
      c.setAttribute("data-points", String(rec.length));
      parts.chart.replaceChildren(c);
    }
    function drawEvents() {
      const ev = Array.isArray(dev.events) ? dev.events : [];
      parts.events.replaceChildren(ev.length === 0 ? h("p", { class: "muted" }, "—")
        : h("ul", { class: "events", testid: "device-events" }, ev.slice(0, 50).map((e) => h("li", {}, h("strong", {}, e.type || "?"), e.active === false ? " ✓" : "", " · ", T.date(e.ts), e.detail ? " · " + e.detail : ""))));
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

  window.addEventListener("hashchange", render);
  if (storedKey()) keepKey(storedKey()); // the cookie for the live stream, from the key kept by an earlier visit
  connectLive();
  watchLive();
  render();
})();
