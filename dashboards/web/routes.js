// Hash routes #/ , #/city/{ibge} and #/device/{id}, each taking ?month=YYYY-MM.
function defaultMonth() {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Sao_Paulo", year: "numeric", month: "2-digit" }).formatToParts(new Date());
  return parts.find((p) => p.type === "year").value + "-" + parts.find((p) => p.type === "month").value;
}
export function route() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, query] = raw.split("?");
  const params = new URLSearchParams(query || "");
  const month = /^\d{4}-\d{2}$/.test(params.get("month") || "") ? params.get("month") : defaultMonth();
  const seg = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { seg, month };
}
export const link = (path, month) => "#" + path + (month ? "?month=" + month : "");
