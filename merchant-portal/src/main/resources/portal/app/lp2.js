// LP2 member codes, computed on the phone from the device's secret (no network): 20 digits =
// "88" + device id (8 digits) + step mod 10 + counter (0-9) + 8-digit MAC. step = floor(unix seconds / 30).
// MAC = RFC 4226 §5.3 dynamic truncation of HMAC-SHA256(secret, "LP2" || deviceId u64 BE || step u64 BE || counter u8)
// mod 10^8. The server's io.linkpoints.qr.Lp2Code checks the same construction.
export const STEP_SECONDS = 30;
export const MAX_COUNTER = 9;

/** Imports the raw secret as a NON-extractable HMAC-SHA256 key: script can sign with it, never read it back. */
export function importSecret(bytes) {
  return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

/** base64url without padding -> bytes. */
export function fromBase64Url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

export function stepAt(epochMillis) { return Math.floor(epochMillis / 1000 / STEP_SECONDS); }

function message(deviceId, step, counter) {
  const msg = new Uint8Array(20);
  msg.set([0x4c, 0x50, 0x32]); // "LP2"
  const view = new DataView(msg.buffer);
  view.setBigUint64(3, BigInt(deviceId));
  view.setBigUint64(11, BigInt(step));
  msg[19] = counter;
  return msg;
}

/** The code for (device, step, counter), signed with the CryptoKey `key`. */
export async function lp2Code(key, deviceId, step, counter) {
  if (!(deviceId >= 0 && deviceId <= 99999999)) throw new Error('device id out of range');
  if (!(counter >= 0 && counter <= MAX_COUNTER)) throw new Error('counter out of range');
  const h = new Uint8Array(await crypto.subtle.sign('HMAC', key, message(deviceId, step, counter)));
  const o = h[31] & 0x0f;
  const bin = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  const mac = String(bin % 100000000).padStart(8, '0');
  return '88' + String(deviceId).padStart(8, '0') + String(step % 10) + String(counter) + mac;
}

/** "8800 0000 0100 1996 5001": groups of four for a cashier to type. */
export function groups(code) { return code.replace(/(\d{4})(?=\d)/g, '$1 '); }
