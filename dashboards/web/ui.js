// View helpers shared by every page: DOM building (textContent only: API data never becomes HTML), colours and a
// throttle for refreshes driven by live events.
export const COLORS = { measured: "#1f77b4", baseline: "#d62728", aneel: "#7f7f7f", on: "#f2b600", off: "#3b4a5a", offline: "#9aa0a6", alert: "#e0245e", hotspot: "#2ca02c",
  up: "#2ca02c", down: "#d62728", noData: "#c9ccd1" };

export function h(tag, attrs, ...children) {
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
export const card = (label, value, testid, extra) => h("div", { class: "card" }, h("div", { class: "card-label" }, label), h("div", { class: "card-value", testid }, value), extra || null);
// charts are drawn at about the width they are shown at, so their text stays legible on a phone
export const chartWidth = () => Math.max(320, Math.min(1000, ((document.getElementById("view") || document.body).clientWidth || 720) - 40));
export const section = (title, ...body) => h("section", { class: "panel" }, h("h2", {}, title), ...body);

// A view refreshes at most once every few seconds however many live events arrive.
export function throttled(fn, ms) {
  let timer = null;
  const wrapped = () => { if (!timer) timer = setTimeout(() => { timer = null; fn(); }, ms); };
  wrapped.cancel = () => { if (timer) clearTimeout(timer); timer = null; };
  return wrapped;
}
