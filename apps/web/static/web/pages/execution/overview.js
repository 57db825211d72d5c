// The execution page's head and summary: title, summary, the connection badge, and the inputs the
// run was given.

import { $, el, notify } from "../../ui.js";
import { execution } from "./state.js";

const STATUS_TEXT = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…", closed: "Offline" };

/** The socket's state in the badge; a socket that gave up says why. */
export function showStatus({ status, detail }) {
  const badge = $("#connection");
  badge.dataset.status = status;
  badge.textContent = STATUS_TEXT[status] || status;
  badge.title = detail || "";
  if (status === "closed" && detail) notify(detail);
}

export function setTitle(title, summary) {
  const text = title || execution?.task_name || "Task";
  $("#execution-title").textContent = text;
  document.title = `${text} · Mojodex`;
  if (summary !== undefined) $("#execution-summary").textContent = summary || "";
}

export function setIcon(icon) {
  $("#execution-icon").textContent = icon || "";
}

export function renderInputsSummary(values) {
  if (!values || !values.length) return;
  const list = $("#inputs-summary");
  list.replaceChildren(
    ...values.flatMap((input) => [
      el("dt", {}, input.description_for_user || input.input_name),
      el("dd", {}, Array.isArray(input.value) ? input.value.join(", ") : input.value ?? ""),
    ]),
  );
  $("#inputs-box").hidden = false;
}
