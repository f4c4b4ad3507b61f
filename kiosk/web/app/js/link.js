// The banner shown while the store has no link to the OMS. The store keeps
// working: orders already here are picked and packed, and every change waits
// in the outbox until the link is back. The state comes from
// GET /api/v1/status (sync.connected, outbox depth), read every few seconds
// and whenever the stream says something changed.

import { status } from './api.js';

const everyMs = 3000;

export class LinkWatch {
  constructor(banner) {
    this.banner = banner;
    this.timer = 0;
    this.downSince = null;
    this.store = '';
  }

  start() {
    this.check();
  }

  stop() {
    clearTimeout(this.timer);
    this.banner.hidden = true;
  }

  async check() {
    clearTimeout(this.timer);
    try {
      const s = await status();
      this.store = s.store;
      this.show(s.sync || {});
    } catch {
      this.show(null);
    }
    this.timer = setTimeout(() => this.check(), everyMs);
  }

  show(sync) {
    const b = this.banner;
    if (sync && sync.connected) {
      this.downSince = null;
      b.hidden = true;
      b.textContent = '';
      delete b.dataset.state;
      return;
    }
    if (!this.downSince) this.downSince = new Date();
    const since = this.downSince.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    if (!sync) {
      b.textContent = 'The store server is not answering. Keep this page open; it reconnects by itself.';
      b.dataset.state = 'server';
    } else {
      const waiting = sync.outbox_depth ? ` ${sync.outbox_depth} update(s) wait to be sent.` : '';
      b.textContent = `No link to the order system since ${since}. The store keeps working: ` +
        `pick and pack as usual; updates are sent when the link is back.${waiting}`;
      b.dataset.state = 'oms-down';
    }
    b.hidden = false;
  }
}
