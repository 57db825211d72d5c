// The session WebSocket client: reconnects by itself with backoff, keeps the last `seq` seen per
// session (localStorage) so a reconnect replays what was missed, ignores a `seq` already
// processed, and acknowledges `mojo_message` / `draft_message` once handled.

import { getToken, logout, toLogin } from "./api.js";
import { ACK, DRAFT_MESSAGE, MOJO_MESSAGE, PING, PONG, SOCKET_STATUS, TOKEN_EVENTS } from "./events.js";

const PING_EVERY_MS = 20000;
const SILENCE_LIMIT_MS = 45000;
const MAX_BACKOFF_MS = 10000;
const CLOSE_UNAUTHENTICATED = 4401;
const CLOSE_FORBIDDEN = 4403;

export function seqKey(sessionId) {
  return `mojodex.seq.${sessionId}`;
}

export function storedSeq(sessionId) {
  const value = localStorage.getItem(seqKey(sessionId));
  return value === null ? null : Number(value);
}

/** A brand-new session: replay it from its first event. */
export function startFresh(sessionId) {
  localStorage.setItem(seqKey(sessionId), "0");
}

export class SessionSocket extends EventTarget {
  /**
   * @param {string} sessionId
   * @param {(event: string, data: object, seq: number|null) => void} onEvent
   */
  constructor(sessionId, onEvent) {
    super();
    this.sessionId = sessionId;
    this.onEvent = onEvent;
    this.seen = new Set();
    this.log = []; // the last envelopes received, for diagnosis from the console
    this.attempt = 0;
    this.ws = null;
    this.stopped = false;
    this.status = "connecting";
    this.timers = {};
    this._online = () => this.reconnectNow();
    window.addEventListener("online", this._online);
  }

  get lastSeq() {
    return storedSeq(this.sessionId);
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const params = new URLSearchParams({ token: getToken() || "" });
    const last = this.lastSeq;
    if (last !== null && !Number.isNaN(last)) params.set("last_seq", String(last));
    return `${scheme}://${location.host}/ws/session/${encodeURIComponent(this.sessionId)}/?${params}`;
  }

  setStatus(status, detail = "") {
    this.status = status;
    this.dispatchEvent(new CustomEvent(SOCKET_STATUS, { detail: { status, detail } }));
  }

  connect() {
    if (this.stopped) return;
    clearTimeout(this.timers.retry);
    this.setStatus(this.attempt ? "reconnecting" : "connecting");
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.lastHeard = Date.now();
      this.setStatus("live");
      clearInterval(this.timers.ping);
      this.timers.ping = setInterval(() => this.keepAlive(), PING_EVERY_MS);
    });
    ws.addEventListener("message", (message) => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      let envelope;
      try {
        envelope = JSON.parse(message.data);
      } catch {
        return;
      }
      this.handle(envelope);
    });
    ws.addEventListener("close", (closed) => {
      if (this.ws !== ws) return;
      clearInterval(this.timers.ping);
      this.ws = null;
      if (this.stopped) return;
      if (closed.code === CLOSE_UNAUTHENTICATED) {
        logout();
        toLogin();
        return;
      }
      if (closed.code === CLOSE_FORBIDDEN) {
        this.stopped = true;
        this.setStatus("closed", "This conversation is not available.");
        return;
      }
      this.scheduleReconnect();
    });
  }

  scheduleReconnect() {
    this.attempt += 1;
    const base = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (this.attempt - 1));
    const delay = base / 2 + Math.random() * (base / 2);
    this.setStatus("reconnecting", `Reconnecting in ${Math.ceil(delay / 1000)} s…`);
    clearTimeout(this.timers.retry);
    this.timers.retry = setTimeout(() => this.connect(), delay);
  }

  /** Drop the current socket (if any) and connect again at once (network back, or test hook). */
  reconnectNow() {
    if (this.stopped) return;
    const ws = this.ws;
    this.ws = null;
    clearInterval(this.timers.ping);
    if (ws) ws.close();
    this.attempt = Math.max(this.attempt, 1);
    this.connect();
  }

  keepAlive() {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastHeard > SILENCE_LIMIT_MS) {
      this.reconnectNow(); // a half-open connection: nothing heard, not even a pong
      return;
    }
    this.send({ event: PING, data: {} });
  }

  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  ack(event, data) {
    if (event === MOJO_MESSAGE && data.message_pk != null) {
      this.send({ event: ACK, data: { message_pk: data.message_pk } });
    } else if (event === DRAFT_MESSAGE && data.produced_text_version_pk != null) {
      this.send({ event: ACK, data: { produced_text_version_pk: data.produced_text_version_pk } });
    }
  }

  handle(envelope) {
    const { event, data = {}, seq = null } = envelope || {};
    if (!event || event === PONG) return;
    if (!TOKEN_EVENTS.has(event)) {
      this.log.push(envelope);
      if (this.log.length > 200) this.log.shift();
    }
    if (seq !== null && seq !== undefined) {
      if (this.seen.has(seq)) {
        this.ack(event, data); // a re-send: our ack was lost, send it again, show nothing twice
        return;
      }
      this.seen.add(seq);
      const last = this.lastSeq;
      if (last === null || seq > last) localStorage.setItem(seqKey(this.sessionId), String(seq));
    }
    try {
      this.onEvent(event, data, seq);
    } finally {
      this.ack(event, data);
    }
  }

  close() {
    this.stopped = true;
    window.removeEventListener("online", this._online);
    clearInterval(this.timers.ping);
    clearTimeout(this.timers.retry);
    if (this.ws) this.ws.close();
    this.ws = null;
  }
}
