// Calls to the cloud's HTTP API, with the engineer's key when one was given.
// With --Api:AnonymousRead false every read needs a key: the engineer enters it once (signIn), the page keeps it in
// localStorage, sends it on each request and sets it as a same-site cookie for the live stream (EventSource cannot
// send headers; the cloud accepts the cookie for reads only).
const KEY = "ci.apiKey";
export const storedKey = () => localStorage.getItem(KEY) || "";
export function keepKey(key) {
  if (key) localStorage.setItem(KEY, key); else localStorage.removeItem(KEY);
  document.cookie = "ci_key=" + encodeURIComponent(key) + "; path=/; SameSite=Strict" + (location.protocol === "https:" ? "; Secure" : "")
    + (key ? "" : "; max-age=0");
}
export async function api(path, init) {
  try {
    const headers = Object.assign({ Accept: "application/json" }, (init && init.headers) || {});
    if (!headers.Authorization && storedKey()) headers.Authorization = "Bearer " + storedKey();
    const r = await fetch(path, Object.assign({}, init || {}, { headers }));
    if (r.status === 401 && (!init || !init.method || init.method === "GET")) refusedRead(storedKey() !== "");
    const text = await r.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = null; }
    return { ok: r.ok, status: r.status, data };
  } catch (e) {
    return { ok: false, status: 0, data: { detail: String(e) } };
  }
}
export const problem = (r) => (r.data && (r.data.detail || r.data.title)) || `HTTP ${r.status}`;

let refusedRead = () => {};
// What to do when a read is refused for want of a (valid) key; told whether a key was sent.
export function onRefusedRead(handler) { refusedRead = handler; }
