// The live stream: WebSocket /api/v1/stream?token=…, reconnected with
// backoff when it drops (Wi-Fi roaming, a daemon restart). Listeners get
// each message's parsed JSON; on every (re)connect they get {type: 'open'}
// so a screen reloads what it may have missed while disconnected.

export class Stream {
  constructor(token) {
    this.token = token;
    this.listeners = new Set();
    this.delay = 500;
    this.closed = false;
    this.socket = null;
    this.connected = false;
    this.connect();
  }

  on(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(msg) {
    for (const fn of [...this.listeners]) {
      try {
        fn(msg);
      } catch (e) {
        console.error('stream listener failed', e);
      }
    }
  }

  connect() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/api/v1/stream?token=${encodeURIComponent(this.token)}`);
    this.socket = ws;
    ws.addEventListener('open', () => {
      this.delay = 500;
      this.connected = true;
      this.emit({ type: 'open' });
    });
    ws.addEventListener('message', (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (msg && typeof msg.type === 'string') this.emit(msg);
    });
    ws.addEventListener('close', () => {
      const was = this.connected;
      this.connected = false;
      if (was) this.emit({ type: 'closed' });
      if (this.closed) return;
      // Backoff up to 10 s so a store full of handhelds does not hammer a
      // restarting daemon.
      setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 10000);
    });
  }

  close() {
    this.closed = true;
    this.socket?.close();
  }
}
