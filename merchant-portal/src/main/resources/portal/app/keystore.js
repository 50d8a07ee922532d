// The wallet's device key in IndexedDB. Only a CryptoKey is kept (imported non-extractable: a structured clone keeps
// it so), with the device id and whose it is; the raw secret is never stored anywhere.
const DB = 'linkpoints-wallet';
const STORE = 'device';
const ID = 'this';

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function run(mode, fn) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally { db.close(); }
}

/** {deviceId, key: CryptoKey, allianceId, memberId, label, boundAt} or null. */
export async function loadDevice() { return (await run('readonly', (s) => s.get(ID))) || null; }

export function saveDevice(device) { return run('readwrite', (s) => s.put(device, ID)); }

export function dropDevice() { return run('readwrite', (s) => s.delete(ID)); }
