// Which station this device works at (a packing bench, the counter). Kept in
// localStorage: it belongs to the device, not to whoever signs in. Packing
// needs it (packages are opened at a station, labels print there) and the
// station's USB scanner's scans are routed to this screen by it.

const KEY = 'storeedge.station';

export function station() {
  return localStorage.getItem(KEY) || '';
}

export function setStation(name) {
  if (name) localStorage.setItem(KEY, name);
  else localStorage.removeItem(KEY);
  document.dispatchEvent(new CustomEvent('station-changed', { detail: name }));
}

// The configured stations, from GET /api/v1/status: every station has a
// scanner entry (state no_scanner when it has none) and those with a
// printer a printer entry.
export function stationsOf(status) {
  const names = new Set();
  for (const s of status.scanners || []) names.add(s.station);
  for (const p of status.printers || []) names.add(p.station);
  return [...names].sort();
}
