// Small inline-SVG charts: no chart library, nothing fetched from the internet.
export const Charts = (function () {
  const NS = "http://www.w3.org/2000/svg";
  function el(name, attrs, text) {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function svg(w, h, label) {
    return el("svg", { viewBox: `0 0 ${w} ${h}`, class: "chart", role: "img", "aria-label": label || "", preserveAspectRatio: "xMidYMid meet" });
  }
  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    const n = v / p;
    return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
  }

  // how many decimals show v exactly (at most 6): 50 → 0, 1.25 → 2, 0.025 → 3
  function decimalsOf(v) {
    let d = 0;
    while (d < 6 && Math.abs(Math.round(v * 10 ** d) - v * 10 ** d) > 1e-6) d++;
    return d;
  }

  // Width of a text at the axes' size (11px) in the page's font, measured on a canvas; estimated if there is none.
  let measure;
  function textWidth(text) {
    if (measure === undefined) {
      measure = document.createElement("canvas").getContext("2d") || null;
      if (measure) measure.font = "11px " + getComputedStyle(document.body).fontFamily;
    }
    return measure ? measure.measureText(text).width : text.length * 6.6;
  }

  // The x labels to draw: every step-th from the first (ten at most), each centred on its point but kept inside the
  // chart, at the smallest step where no two overlap, so long labels ("06/12 14:45") on a phone are thinned out.
  function xTicks(labels, x, width) {
    const n = labels.length, gap = 6;
    const widths = labels.map((lb) => textWidth(String(lb)));
    const centre = (i) => Math.min(Math.max(x(i), widths[i] / 2), width - widths[i] / 2);
    for (let step = Math.max(1, Math.ceil(n / 10)); ; step++) {
      const ticks = [];
      for (let i = 0; i < n; i += step) ticks.push({ i, cx: centre(i) });
      const apart = (a, b) => a.cx + widths[a.i] / 2 + gap <= b.cx - widths[b.i] / 2;
      if (step >= n || ticks.every((tk, k) => k === 0 || apart(ticks[k - 1], tk))) return ticks;
    }
  }

  // series: [{name, color, values:[number|null]}], labels: x labels (same length as values);
  // opts.format(v, decimals) formats a value, with the decimals an axis label needs (undefined for a data point)
  function line(labels, series, opts) {
    const o = Object.assign({ width: 720, height: 260, format: (v) => String(v), label: "" }, opts || {});
    const m = { l: 56, r: 24, t: 12, b: 40 };
    const w = o.width - m.l - m.r, h = o.height - m.t - m.b;
    const s = svg(o.width, o.height, o.label);
    let max = 0;
    series.forEach((se) => se.values.forEach((v) => { if (typeof v === "number" && v > max) max = v; }));
    max = niceMax(max);
    const n = Math.max(labels.length, 1);
    const x = (i) => m.l + (n === 1 ? w / 2 : (i * w) / (n - 1));
    const y = (v) => m.t + h - (v / max) * h;
    // gridlines every max/4 (e.g. 1.25 for 5): their labels get the decimals that step needs, so none is rounded
    const tickDecimals = decimalsOf(max / 4);
    for (let k = 0; k <= 4; k++) {
      const v = (max * k) / 4;
      s.appendChild(el("line", { x1: m.l, x2: m.l + w, y1: y(v), y2: y(v), class: "grid" }));
      s.appendChild(el("text", { x: m.l - 6, y: y(v) + 4, class: "axis", "text-anchor": "end" }, o.format(v, tickDecimals)));
    }
    xTicks(labels, x, o.width).forEach(({ i, cx }) => s.appendChild(el("text", { x: cx, y: m.t + h + 16, class: "axis", "text-anchor": "middle" }, labels[i])));
    series.forEach((se) => {
      let d = "";
      let pen = false;
      se.values.forEach((v, i) => {
        if (typeof v !== "number") { pen = false; return; }
        d += (pen ? " L" : " M") + x(i).toFixed(1) + " " + y(v).toFixed(1);
        pen = true;
      });
      if (d) s.appendChild(el("path", { d: d.trim(), fill: "none", stroke: se.color, "stroke-width": 2, class: "series", "data-series": se.name }));
      se.values.forEach((v, i) => {
        if (typeof v !== "number") return;
        const c = el("circle", { cx: x(i), cy: y(v), r: 2.5, fill: se.color });
        c.appendChild(el("title", {}, `${se.name} ${labels[i]}: ${o.format(v)}`));
        s.appendChild(c);
      });
    });
    // legend below the axis, wrapping onto more rows on a narrow screen
    let lx = m.l, ly = o.height - 14;
    series.forEach((se) => {
      const w = 24 + se.name.length * 7;
      if (lx > m.l && lx + w > o.width) { lx = m.l; ly += 16; }
      s.appendChild(el("rect", { x: lx, y: ly, width: 10, height: 10, fill: se.color }));
      s.appendChild(el("text", { x: lx + 14, y: ly + 9, class: "legend" }, se.name));
      lx += w;
    });
    if (ly + 14 > o.height) s.setAttribute("viewBox", `0 0 ${o.width} ${ly + 14}`);
    return s;
  }

  // points: [{x: longitude, y: latitude, color, label, href, shape}] plotted with an equirectangular projection
  function scatter(points, opts) {
    const o = Object.assign({ width: 480, height: 360, label: "" }, opts || {});
    const s = svg(o.width, o.height, o.label);
    const pad = 16;
    const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
    let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    if (!points.length) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; }
    // longitude degrees shrink by cos(latitude); keep the map's aspect ratio true
    const k = Math.cos((((y0 + y1) / 2) * Math.PI) / 180) || 1;
    const spanX = Math.max((x1 - x0) * k, 1e-6), spanY = Math.max(y1 - y0, 1e-6);
    const scale = Math.min((o.width - 2 * pad) / spanX, (o.height - 2 * pad) / spanY);
    const ox = (o.width - spanX * scale) / 2, oy = (o.height - spanY * scale) / 2;
    s.appendChild(el("rect", { x: 0, y: 0, width: o.width, height: o.height, class: "map-bg" }));
    points.forEach((p) => {
      const cx = ox + (p.x - x0) * k * scale, cy = o.height - (oy + (p.y - y0) * scale);
      const shape = p.shape === "square"
        ? el("rect", { x: cx - 5, y: cy - 5, width: 10, height: 10, fill: p.color, class: "dot " + (p.cls || "") })
        : el("circle", { cx, cy, r: 4.5, fill: p.color, class: "dot " + (p.cls || "") });
      shape.appendChild(el("title", {}, p.label));
      if (p.testid) shape.setAttribute("data-testid", p.testid);
      if (p.href) {
        const a = el("a", { href: p.href });
        a.appendChild(shape);
        s.appendChild(a);
      } else s.appendChild(shape);
    });
    return s;
  }

  // segments: [{start, end, state}] across [from, to); colours per state
  function timeline(segments, from, to, colors, opts) {
    const o = Object.assign({ width: 720, height: 22, label: "" }, opts || {});
    const s = svg(o.width, o.height, o.label);
    s.setAttribute("class", "chart timeline");
    s.setAttribute("preserveAspectRatio", "none"); // a time axis stretches to the row's width
    const t0 = Date.parse(from), t1 = Date.parse(to), span = Math.max(t1 - t0, 1);
    s.appendChild(el("rect", { x: 0, y: 0, width: o.width, height: o.height, fill: colors.noData || "#ccc" }));
    segments.forEach((g) => {
      const a = Math.max(Date.parse(g.start), t0), b = Math.min(Date.parse(g.end), t1);
      if (!(b > a)) return;
      const r = el("rect", { x: ((a - t0) / span) * o.width, y: 0, width: Math.max(((b - a) / span) * o.width, 0.5), height: o.height, fill: colors[g.state] || "#999", "data-state": g.state });
      r.appendChild(el("title", {}, `${g.state}: ${g.start} → ${g.end}`));
      s.appendChild(r);
    });
    return s;
  }

  return { line, scatter, timeline };
})();
