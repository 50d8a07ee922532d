// Small inline SVG charts, no library.
const NS = 'http://www.w3.org/2000/svg';
const el = (tag, attrs) => { const e = document.createElementNS(NS, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); return e; };

/** Grouped bars: labels[i] with series [{name, color, values}]. */
export function bars(labels, series, { width = 520, height = 200 } = {}) {
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', class: 'chart' });
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const pad = 28, plotH = height - pad * 2, groupW = (width - pad * 2) / Math.max(1, labels.length);
  const barW = Math.max(4, (groupW - 8) / series.length);
  svg.append(el('line', { x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, stroke: '#999' }));
  labels.forEach((label, i) => {
    series.forEach((s, j) => {
      const v = s.values[i] || 0, bh = (v / max) * plotH;
      const r = el('rect', { x: pad + i * groupW + 4 + j * barW, y: height - pad - bh, width: barW - 2, height: bh, fill: s.color });
      const title = el('title', {}); title.textContent = `${label} ${s.name}: ${v}`; r.append(title);
      svg.append(r);
    });
    const tx = el('text', { x: pad + i * groupW + groupW / 2, y: height - 8, 'text-anchor': 'middle', 'font-size': 11 });
    tx.textContent = String(label).slice(0, 10);
    svg.append(tx);
  });
  series.forEach((s, j) => {
    svg.append(el('rect', { x: pad + j * 90, y: 6, width: 10, height: 10, fill: s.color }));
    const tx = el('text', { x: pad + j * 90 + 14, y: 15, 'font-size': 11 }); tx.textContent = s.name; svg.append(tx);
  });
  return svg;
}

/** Heat map: names (rows and columns) and value(i, j). */
export function heatmap(names, value, { cell = 44 } = {}) {
  const pad = 90, n = names.length, size = pad + n * cell + 4;
  const svg = el('svg', { viewBox: `0 0 ${size} ${size}`, width: Math.min(size, 560), role: 'img', class: 'chart' });
  let max = 1;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) max = Math.max(max, value(i, j));
  names.forEach((name, i) => {
    const r = el('text', { x: pad - 4, y: pad + i * cell + cell / 2 + 4, 'text-anchor': 'end', 'font-size': 11 }); r.textContent = name.slice(0, 8); svg.append(r);
    const c = el('text', { x: pad + i * cell + cell / 2, y: pad - 6, 'text-anchor': 'middle', 'font-size': 11 }); c.textContent = name.slice(0, 4); svg.append(c);
  });
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const v = value(i, j), a = v / max;
    svg.append(el('rect', { x: pad + j * cell, y: pad + i * cell, width: cell - 2, height: cell - 2, fill: `rgba(214, 69, 65, ${0.08 + a * 0.9})` }));
    const tx = el('text', { x: pad + j * cell + cell / 2, y: pad + i * cell + cell / 2 + 4, 'text-anchor': 'middle', 'font-size': 11 });
    tx.textContent = v; svg.append(tx);
  }
  return svg;
}

/**
 * Bars for one series and a line (with dots) for another, each on its own scale (left axis: bars'
 * maximum, right axis: the line's): e.g. points given per day, and sales per day.
 */
export function barsAndLine(labels, bar, line, { width = 640, height = 220 } = {}) {
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', class: 'chart' });
  const pad = 34, plotH = height - pad * 2, n = Math.max(1, labels.length), groupW = (width - pad * 2) / n;
  const barMax = Math.max(1, ...bar.values), lineMax = Math.max(1, ...line.values);
  svg.append(el('line', { x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, stroke: '#999' }));
  const axis = (x, anchor, text) => { const tx = el('text', { x, y: pad - 4, 'text-anchor': anchor, 'font-size': 10, fill: '#666' }); tx.textContent = text; svg.append(tx); };
  axis(pad, 'start', String(barMax));
  axis(width - pad, 'end', String(lineMax));
  const every = Math.ceil(labels.length / 12);
  labels.forEach((label, i) => {
    const v = bar.values[i] || 0, bh = (v / barMax) * plotH;
    const r = el('rect', { x: pad + i * groupW + 1, y: height - pad - bh, width: Math.max(1, groupW - 2), height: bh, fill: bar.color, class: 'bar' });
    const title = el('title', {}); title.textContent = `${label} ${bar.name}: ${v}`; r.append(title);
    svg.append(r);
    if (i % every === 0) {
      const tx = el('text', { x: pad + i * groupW + groupW / 2, y: height - 14, 'text-anchor': 'middle', 'font-size': 10 });
      tx.textContent = String(label); svg.append(tx);
    }
  });
  const points = line.values.map((v, i) => [pad + i * groupW + groupW / 2, height - pad - ((v || 0) / lineMax) * plotH]);
  svg.append(el('polyline', { points: points.map((p) => p.join(',')).join(' '), fill: 'none', stroke: line.color, 'stroke-width': 2 }));
  points.forEach(([x, y], i) => {
    const c = el('circle', { cx: x, cy: y, r: 2.5, fill: line.color, class: 'dot' });
    const title = el('title', {}); title.textContent = `${labels[i]} ${line.name}: ${line.values[i] || 0}`; c.append(title);
    svg.append(c);
  });
  [[bar, 'rect'], [line, 'line']].forEach(([s, kind], j) => {
    const x = pad + 40 + j * 150;
    svg.append(kind === 'rect' ? el('rect', { x, y: 6, width: 10, height: 10, fill: s.color })
      : el('line', { x1: x, y1: 11, x2: x + 10, y2: 11, stroke: s.color, 'stroke-width': 2 }));
    const tx = el('text', { x: x + 14, y: 15, 'font-size': 11 }); tx.textContent = s.name; svg.append(tx);
  });
  return svg;
}
