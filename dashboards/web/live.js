// The live stream (GET /api/live, Server-Sent Events) and the header's badge that shows its state.
import { t } from "./i18n.js";
import { h } from "./ui.js";

// state: "on" (stream open), "off" (the browser reported an error; it or the page connects again) or "reconnecting"
// (the stream went silent: the page closed it and connects again)
const live = { state: "off", source: null, retryMs: 1000, retryTimer: null, missed: false, heartbeatMs: 15000, heardAt: 0 };
const LIVE_LABELS = { on: () => t("live"), off: () => t("liveOff"), reconnecting: () => t("liveReconnecting") };
let liveCount = 0;
let handlers = { onUpdate() {}, onReconnect() {} };

// Opens the stream and watches it: onUpdate(name, data) gets each update, onReconnect() is called when the stream is
// open again after a gap (updates sent meanwhile are not repeated).
export function startLive(onUpdate, onReconnect) {
  handlers = { onUpdate, onReconnect };
  connectLive();
  watchLive();
}

// The header's badge, showing the state now; setLiveState keeps it current.
export function liveBadge() {
  return h("span", { class: "live " + live.state, testid: "live-status", "data-connected": String(live.state === "on"), "data-state": live.state },
    LIVE_LABELS[live.state](), " ", h("span", { testid: "live-count" }, String(liveCount)));
}

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
export function connectLive() {
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
    if (live.missed) handlers.onReconnect();
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
      handlers.onUpdate(name, data);
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
