// Code 128 for an even number of digits, all in code set C (two digits a symbol): the barcode under the wallet's QR
// code, for tills with a 1-D scanner. Drawn offline as SVG.

// Bar/space widths of symbols 0-106 (106 = stop, with its final 2-wide bar).
const PATTERNS = ('212222,222122,222221,121223,121322,131222,122213,122312,132212,221213,221312,231212,112232,122132,'
  + '122231,113222,123122,123221,223211,221132,221231,213212,223112,312131,311222,321122,321221,312212,322112,322211,'
  + '212123,212321,232121,111323,131123,131321,112313,132113,132311,211313,231113,231311,112133,112331,132131,113123,'
  + '113321,133121,313121,211331,231131,213113,213311,213131,311123,311321,331121,312113,312311,332111,314111,221411,'
  + '431111,111224,111422,121124,121421,141122,141221,112214,112412,122114,122411,142112,142211,241211,221114,413111,'
  + '241112,134111,111242,121142,121241,114212,124112,124211,411212,421112,421211,212141,214121,412121,111143,111341,'
  + '131141,114113,114311,411113,411311,113141,114131,311141,411131,211412,211214,211232,2331112').split(',');
const START_C = 105;
const STOP = 106;

/** The symbol values: start C, one per digit pair, the modulo-103 check symbol, stop. */
export function code128Symbols(digits) {
  if (!/^(\d\d)+$/.test(digits)) throw new Error('code128.js encodes an even number of digits');
  const symbols = [START_C];
  for (let i = 0; i < digits.length; i += 2) symbols.push(Number(digits.slice(i, i + 2)));
  const check = symbols.reduce((sum, v, i) => sum + v * Math.max(i, 1), 0) % 103;
  return symbols.concat(check, STOP);
}

/** Run widths in modules, starting with a bar and alternating bar / space. */
export function code128Runs(digits) {
  return code128Symbols(digits).flatMap((s) => PATTERNS[s].split('').map(Number));
}

const SVG = 'http://www.w3.org/2000/svg';

/**
 * The barcode as SVG: a narrow bar of `devicePx` whole device pixels, 10-module quiet zones, `heightCss` tall.
 */
export function code128Svg(digits, devicePx, heightCss, dpr = window.devicePixelRatio || 1) {
  const runs = code128Runs(digits);
  const width = runs.reduce((a, b) => a + b, 0) + 20;
  let x = 10;
  let d = '';
  runs.forEach((w, i) => { if (i % 2 === 0) d += `M${x} 0h${w}v1h-${w}z`; x += w; });
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} 1`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('width', String((width * devicePx) / dpr));
  svg.setAttribute('height', String(Math.round(heightCss * dpr) / dpr));
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.innerHTML = `<rect width="${width}" height="1" fill="#fff"/><path fill="#000" d="${d}"/>`;
  return svg;
}
