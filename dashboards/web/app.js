// Engineers' dashboard: a single page with hash routes #/ , #/city/{ibge} and #/device/{id}, each taking ?month=YYYY-MM.
// This module draws the frame (header, sign-in) and the view the route names; the views are in views/.
import { I18N as T, t } from "./i18n.js";
import { h } from "./ui.js";
import { keepKey, storedKey, onRefusedRead } from "./api.js";
import { route, link } from "./routes.js";
import { startLive, connectLive, liveBadge } from "./live.js";
import { overviewView } from "./views/overview.js";
import { cityView } from "./views/city.js";
import { deviceView } from "./views/device.js";

const app = document.getElementById("app");
let current = null; // {load, onLive?, onReconnect?, dispose?}
let signingIn = false;

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
      liveBadge()));
}

onRefusedRead(signIn);
window.addEventListener("hashchange", render);
if (storedKey()) keepKey(storedKey()); // the cookie for the live stream, from the key kept by an earlier visit
startLive((name, data) => { if (current && current.onLive) current.onLive(name, data); },
  () => { if (current && current.onReconnect) current.onReconnect(); });
render();
