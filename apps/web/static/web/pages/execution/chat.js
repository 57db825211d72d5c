// The chat panel: the conversation in message_pk order (history and live events may arrive in any
// order, and twice), the assistant's reply streaming in its own bubble, and the user's messages
// with a retry when sending fails.

import { api } from "../../api.js";
import { $, busy, clearNotices, el, notify, uuid } from "../../ui.js";
import { execution, executionPk } from "./state.js";

const bubbles = new Map(); // message_pk or client message_id → bubble
let streamingBubble = null;

function scrollChat() {
  const log = $("#chat-log");
  log.scrollTop = log.scrollHeight;
}

export function addBubble({ key, sender, text, kind, pending }) {
  if (key != null && bubbles.has(key)) {
    const existing = bubbles.get(key);
    if (text) existing.firstChild.textContent = text;
    return existing;
  }
  const cls = kind || (sender === "user" ? "user" : sender === "system" ? "system" : "mojo");
  const who = { user: "You", mojo: "Assistant", system: "Note", error: "Error" }[cls] || "Assistant";
  const bubble = el("div", { class: `bubble ${cls}`, dataset: { key: key ?? "" } }, el("span", {}, text), el("span", { class: "visually-hidden" }, ` (${who})`));
  if (pending) bubble.setAttribute("aria-busy", "true");
  if (key != null) bubbles.set(key, bubble);
  placeBubble(bubble, typeof key === "number" ? key : null);
  return bubble;
}

/** Stored messages in message_pk order (history and live events may arrive in any order). */
function placeBubble(bubble, order) {
  const log = $("#chat-log");
  if (order !== null) {
    bubble.dataset.order = String(order);
    const later = [...log.children].find((node) => node.dataset.order && Number(node.dataset.order) > order);
    if (later) {
      log.insertBefore(bubble, later);
      return;
    }
  }
  log.insertBefore(bubble, streamingBubble && streamingBubble.parentElement === log ? streamingBubble : null);
  scrollChat();
}

export function showStreamingReply(text) {
  if (!streamingBubble) {
    streamingBubble = el("div", { class: "bubble mojo streaming-bubble", "aria-busy": "true" }, el("span", {}, ""));
    $("#chat-log").append(streamingBubble);
  }
  streamingBubble.firstChild.textContent = text || "…";
  scrollChat();
}

/** While the result is written: a note in the chat, unless the assistant is already replying. */
export function showWritingNote() {
  if (!streamingBubble) showStreamingReply("✍️ Writing…");
}

export function endStreamingReply() {
  if (streamingBubble) streamingBubble.remove();
  streamingBubble = null;
}

export function messageText(sender, message) {
  if (!message) return "";
  if (message.produced_text_version_pk || message.produced_text) {
    return `📄 ${message.produced_text_title || "New version of the result"}`;
  }
  return message.text || message.success || "";
}

function addStoredMessage(item) {
  const message = item.message || {};
  if (item.sender === "system") return; // the workflow's state notes are for the assistant
  const text = messageText(item.sender, message);
  if (!text) return;
  addBubble({ key: item.message_pk, sender: item.sender, text, kind: item.in_error_state ? "error" : undefined });
  if (message.message_id) bubbles.set(message.message_id, bubbles.get(item.message_pk));
}

/** The session's history (GET /message, newest first), shown oldest first. */
export async function loadMessages() {
  try {
    const page = await api("GET", "/message", { query: { session_id: execution.session_id, n_messages: 50 } });
    const messages = (page.messages || []).slice().reverse(); // newest first → oldest first
    for (const item of messages) addStoredMessage(item);
  } catch (error) {
    if (error.status !== 404) notify(error.message);
  }
}

async function sendMessage(text, button) {
  const messageId = uuid();
  const bubble = addBubble({ key: messageId, sender: "user", text, pending: true });
  const send = async () => {
    const stored = await api("PUT", "/user_message", {
      form: {
        session_id: execution.session_id,
        message_id: messageId,
        message_date: new Date().toISOString(),
        text,
        user_task_execution_pk: executionPk,
        platform: "webapp",
        origin: "task",
      },
    });
    bubble.removeAttribute("aria-busy");
    bubble.classList.remove("error");
    if (stored.message_pk != null) {
      bubbles.set(stored.message_pk, bubble);
      bubble.dataset.order = String(stored.message_pk);
    }
    showStreamingReply("…");
  };
  const ok = await busy(button, async () => {
    await send();
    return true;
  });
  if (!ok) {
    bubble.removeAttribute("aria-busy");
    bubble.classList.add("error");
    bubble.append(
      el("button", { type: "button", class: "link", onclick: (e) => { e.currentTarget.remove(); busy(null, send); } }, " Retry"),
    );
  }
}

export function focusChat() {
  $("#chat-input").focus();
}

export function setupChat() {
  $("#chat-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearNotices();
    const input = $("#chat-input");
    const text = input.value.trim();
    if (!text || !execution) return;
    input.value = "";
    sendMessage(text, $("#chat-send"));
  });
  $("#chat-input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("#chat-form").requestSubmit();
    }
  });
}
