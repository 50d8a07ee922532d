// QR code encoder for the wallet's numeric member codes, drawn offline. Numeric mode, error correction level M,
// versions 1-3 (one Reed-Solomon block each): a 20-digit LP2 code is version 1. The matrix is built and the mask
// chosen exactly as ZXing's Encoder does (same placement, same penalty rules), so the two agree module for module.

// Version -> [total codewords, EC codewords] at level M (ISO/IEC 18004 table 9; one block up to version 3).
const VERSIONS = { 1: [26, 10], 2: [44, 16], 3: [70, 26] };
const ALIGNMENT = { 1: [], 2: [6, 18], 3: [6, 22] };
const EC_M_BITS = 0; // L=1, M=0, Q=3, H=2

// GF(256) with the QR polynomial x^8+x^4+x^3+x^2+1, generator base 0.
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
for (let i = 0, x = 1; i < 255; i++) { EXP[i] = x; LOG[x] = i; x <<= 1; if (x & 0x100) x ^= 0x11d; }
for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
const mul = (a, b) => (a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]]);

function generator(degree) {
  let g = [1];
  for (let i = 0; i < degree; i++) {
    const next = new Array(g.length + 1).fill(0);
    for (let j = 0; j < g.length; j++) { next[j] ^= g[j]; next[j + 1] ^= mul(g[j], EXP[i]); }
    g = next;
  }
  return g;
}

/** The EC codewords: the remainder of data(x)·x^n divided by the generator of degree n. */
export function reedSolomon(data, n) {
  const g = generator(n);
  const rem = new Array(n).fill(0);
  for (const d of data) {
    const factor = d ^ rem.shift();
    rem.push(0);
    for (let j = 0; j < n; j++) rem[j] ^= mul(g[j + 1], factor);
  }
  return rem;
}

function dataCodewords(digits, version) {
  const [total, ec] = VERSIONS[version];
  const capacity = (total - ec) * 8;
  const bits = [];
  const put = (value, n) => { for (let i = n - 1; i >= 0; i--) bits.push((value >>> i) & 1); };
  put(0b0001, 4); // numeric mode
  put(digits.length, 10); // count indicator: 10 bits for versions 1-9
  for (let i = 0; i < digits.length; i += 3) {
    const group = digits.slice(i, i + 3);
    put(Number(group), [0, 4, 7, 10][group.length]);
  }
  if (bits.length > capacity) return null;
  for (let i = 0; i < 4 && bits.length < capacity; i++) bits.push(0); // terminator
  while (bits.length % 8) bits.push(0);
  const bytes = [];
  for (let i = 0; i < bits.length; i += 8) bytes.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));
  for (let pad = 0; bytes.length < total - ec; pad++) bytes.push(pad % 2 ? 0x11 : 0xec);
  return bytes;
}

function bch(value, poly) {
  const msb = (v) => 32 - Math.clz32(v);
  const polyMsb = msb(poly);
  value <<= polyMsb - 1;
  while (msb(value) >= polyMsb) value ^= poly << (msb(value) - polyMsb);
  return value;
}

function buildMatrix(codewords, version, mask) {
  const size = 17 + 4 * version;
  const m = Array.from({ length: size }, () => new Array(size).fill(-1)); // m[y][x]; -1 = not set yet
  // Finder patterns with their light separators.
  for (const [fx, fy] of [[0, 0], [size - 7, 0], [0, size - 7]]) {
    for (let dy = -1; dy <= 7; dy++) {
      for (let dx = -1; dx <= 7; dx++) {
        const x = fx + dx; const y = fy + dy;
        if (x < 0 || y < 0 || x >= size || y >= size) continue;
        const ring = Math.max(Math.abs(dx - 3), Math.abs(dy - 3));
        m[y][x] = ring === 4 || ring === 2 ? 0 : 1;
      }
    }
  }
  m[size - 8][8] = 1; // the dark module
  const centres = ALIGNMENT[version];
  for (const cy of centres) {
    for (const cx of centres) {
      if (m[cy][cx] !== -1) continue; // overlaps a finder pattern
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) m[cy + dy][cx + dx] = Math.max(Math.abs(dx), Math.abs(dy)) === 1 ? 0 : 1;
    }
  }
  for (let i = 8; i < size - 8; i++) {
    if (m[6][i] === -1) m[6][i] = (i + 1) % 2;
    if (m[i][6] === -1) m[i][6] = (i + 1) % 2;
  }
  // Format information, least significant bit first, as ZXing places it.
  const typeInfo = (EC_M_BITS << 3) | mask;
  const format = ((typeInfo << 10) | bch(typeInfo, 0x537)) ^ 0x5412;
  const FIRST = [[8, 0], [8, 1], [8, 2], [8, 3], [8, 4], [8, 5], [8, 7], [8, 8], [7, 8], [5, 8], [4, 8], [3, 8], [2, 8], [1, 8], [0, 8]];
  for (let i = 0; i < 15; i++) {
    const bit = (format >> i) & 1;
    m[FIRST[i][1]][FIRST[i][0]] = bit;
    if (i < 8) m[8][size - i - 1] = bit; else m[size - 7 + (i - 8)][8] = bit;
  }
  // Data: up and down two-column strips from the bottom right, skipping the vertical timing column.
  const bits = [];
  for (const c of codewords) for (let i = 7; i >= 0; i--) bits.push((c >> i) & 1);
  let bitIndex = 0; let direction = -1; let x = size - 1; let y = size - 1;
  while (x > 0) {
    if (x === 6) x -= 1;
    while (y >= 0 && y < size) {
      for (let i = 0; i < 2; i++) {
        const xx = x - i;
        if (m[y][xx] !== -1) continue;
        let bit = bitIndex < bits.length ? bits[bitIndex++] : 0;
        if (maskBit(mask, xx, y)) bit ^= 1;
        m[y][xx] = bit;
      }
      y += direction;
    }
    direction = -direction;
    y += direction;
    x -= 2;
  }
  return m;
}

function maskBit(mask, x, y) {
  let v;
  switch (mask) {
    case 0: v = (y + x) & 1; break;
    case 1: v = y & 1; break;
    case 2: v = x % 3; break;
    case 3: v = (y + x) % 3; break;
    case 4: v = (Math.floor(y / 2) + Math.floor(x / 3)) & 1; break;
    case 5: v = ((y * x) & 1) + ((y * x) % 3); break;
    case 6: v = (((y * x) & 1) + ((y * x) % 3)) & 1; break;
    default: v = (((y * x) % 3) + ((y + x) & 1)) & 1;
  }
  return v === 0;
}

// The penalty rules of ISO/IEC 18004 §7.8.3 as ZXing's MaskUtil computes them (its quirks included).
function penalty(m) {
  const n = m.length;
  let p = 0;
  for (const horizontal of [true, false]) {
    for (let i = 0; i < n; i++) {
      let run = 0; let prev = -1;
      for (let j = 0; j < n; j++) {
        const bit = horizontal ? m[i][j] : m[j][i];
        if (bit === prev) run++;
        else { if (run >= 5) p += 3 + (run - 5); run = 1; prev = bit; }
      }
      if (run >= 5) p += 3 + (run - 5);
    }
  }
  for (let y = 0; y < n - 1; y++) {
    for (let x = 0; x < n - 1; x++) {
      const v = m[y][x];
      if (v === m[y][x + 1] && v === m[y + 1][x] && v === m[y + 1][x + 1]) p += 3;
    }
  }
  const FINDER = [1, 0, 1, 1, 1, 0, 1];
  const white = (get, from, to) => {
    if (from < 0 || n < to) return false;
    for (let i = from; i < to; i++) if (get(i) === 1) return false;
    return true;
  };
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      if (x + 6 < n && FINDER.every((b, k) => m[y][x + k] === b)
          && (white((i) => m[y][i], x - 4, x) || white((i) => m[y][i], x + 7, x + 11))) p += 40;
      if (y + 6 < n && FINDER.every((b, k) => m[y + k][x] === b)
          && (white((i) => m[i][x], y - 4, y) || white((i) => m[i][x], y + 7, y + 11))) p += 40;
    }
  }
  let dark = 0;
  for (const row of m) for (const v of row) dark += v;
  p += Math.floor(Math.abs(dark * 2 - n * n) * 10 / (n * n)) * 10;
  return p;
}

/** The QR code of a string of digits: {version, mask, size, modules: rows of 0/1}. */
export function qrEncode(digits) {
  if (!/^\d+$/.test(digits)) throw new Error('qr.js encodes digits only');
  for (const version of [1, 2, 3]) {
    const data = dataCodewords(digits, version);
    if (!data) continue;
    const codewords = data.concat(reedSolomon(data, VERSIONS[version][1]));
    let best = null;
    for (let mask = 0; mask < 8; mask++) {
      const modules = buildMatrix(codewords, version, mask);
      const score = penalty(modules);
      if (!best || score < best.score) best = { version, mask, size: modules.length, modules, score };
    }
    return best;
  }
  throw new Error('too many digits for qr.js');
}

const SVG = 'http://www.w3.org/2000/svg';

/**
 * The QR code as an SVG element with a 4-module quiet zone, each module `devicePx` whole device pixels
 * (so its CSS size is devicePx / devicePixelRatio): crisp edges, no resampling blur.
 */
export function qrSvg(digits, devicePx, dpr = window.devicePixelRatio || 1) {
  const { modules, size, version } = qrEncode(digits);
  const side = size + 8;
  let d = '';
  modules.forEach((row, y) => row.forEach((v, x) => { if (v) d += `M${x + 4} ${y + 4}h1v1h-1z`; }));
  const svg = document.createElementNS(SVG, 'svg');
  const css = (side * devicePx) / dpr;
  svg.setAttribute('viewBox', `0 0 ${side} ${side}`);
  svg.setAttribute('width', String(css));
  svg.setAttribute('height', String(css));
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.setAttribute('data-version', String(version));
  svg.setAttribute('data-modules', String(size));
  svg.innerHTML = `<rect width="${side}" height="${side}" fill="#fff"/><path fill="#000" d="${d}"/>`;
  return svg;
}
