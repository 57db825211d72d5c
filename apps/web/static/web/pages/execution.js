// The execution page: the result streaming live then editable with its versions, the chat beside
// it, text-edit and predefined actions, and for a workflow the process tab.
//
// State comes from REST (GET /user_task_execution, GET /message) and from the session socket;
// every event handler is idempotent (messages by message_pk, versions by pk, steps by pk), so a
// replay after a reconnect or a reload never shows anything twice.

import { api, requireLogin } from "../api.js";
import { runForm } from "../form.js";
import { SessionSocket, startFresh } from "../socket.js";
import { $, busy, clearNotices, el, notify, setupHeader, uuid } from "../ui.js";
import { WorkflowView } from "../workflow.js";

setupHeader();

const executionPk = Number(location.pathname.split("/").filter(Boolean).pop());
let execution = null;
let socket = null;
let workflow = null;

const result = {
  producedTextPk: null,
  versionPk: null,
  index: 0, // 1-based index of the version shown
  count: 0, // number of versions known
  versions: new Map(), // produced_text_version_pk → index
};

const bubbles = new Map(); // message_pk or client message_id → bubble
let streamingBubble = null;

// --- connection status --------------------------------------------------------------------------

const STATUS_TEXT = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…", closed: "Offline" };

function showStatus({ status, detail }) {
  const badge = $("#connection");
  badge.dataset.status = status;
  badge.textContent = STATUS_TEXT[status] || status;
  badge.title = detail || "";
  if (status === "closed" && detail) notify(detail);
}

// --- result panel -------------------------------------------------------------------------------

function showStream(title, text) {
  $("#result-empty").hidden = true;
  const stream = $("#stream");
  stream.hidden = false;
  stream.setAttribute("aria-busy", "true");
  stream.replaceChildren(
    title ? el("strong", {}, title) : null,
    title ? "\n" : null,
    text || "",
    el("span", { class: "cursor", "aria-hidden": "true" }, "▍"),
  );
}

function hideStream() {
  const stream = $("#stream");
  stream.hidden = true;
  stream.removeAttribute("aria-busy");
  stream.replaceChildren();
}

function renderVersionLabel() {
  $("#version-label").textContent = result.count ? `Version ${result.index} of ${result.count}` : "";
  $("#prev-version").disabled = result.index <= 1;
  $("#next-version").disabled = result.index >= result.count;
}

let unsavedEdit = false; // the user is changing the text shown: a new version must not wipe it
$("#result-text").addEventListener("input", () => (unsavedEdit = true));
$("#result-title").addEventListener("input", () => (unsavedEdit = true));

function showResult({ title, production, versionPk, producedTextPk, index }) {
  hideStream();
  $("#result-empty").hidden = true;
  $("#result").hidden = false;
  $("#result-title").value = title || "";
  $("#result-text").value = production || "";
  unsavedEdit = false;
  result.versionPk = versionPk ?? result.versionPk;
  result.producedTextPk = producedTextPk ?? result.producedTextPk;
  if (index) result.index = index;
  renderVersionLabel();
  if (workflow) selectTab("result");
}

/** A version announced by an event or a save: counted once, shown as the latest. */
function newVersion({ title, production, versionPk, producedTextPk }) {
  if (versionPk != null && !result.versions.has(versionPk)) {
    result.count += 1;
    result.versions.set(versionPk, result.count);
  }
  const index = result.versions.get(versionPk) || result.count;
  if (unsavedEdit) {
    hideStream();
    renderVersionLabel();
    notify(`Version ${index} is ready; your unsaved changes are still shown.`, "info", {
      persist: true,
      action: { label: "Show the new version", run: () => showVersion(index) },
    });
    return;
  }
  showResult({ title, production, versionPk, producedTextPk, index });
}

async function showVersion(index) {
  if (index < 1 || index > result.count) return;
  const version = await api("GET", "/user_task_execution_produced_text", {
    query: { user_task_execution_pk: executionPk, produced_text_version_index: index },
  });
  if (version.produced_text_version_pk == null) return;
  result.versions.set(version.produced_text_version_pk, index);
  showResult({
    title: version.produced_text_title,
    production: version.produced_text_production,
    versionPk: version.produced_text_version_pk,
    producedTextPk: version.produced_text_pk,
    index,
  });
}

$("#prev-version").addEventListener("click", (e) => busy(e.currentTarget, () => showVersion(result.index - 1)));
$("#next-version").addEventListener("click", (e) => busy(e.currentTarget, () => showVersion(result.index + 1)));

$("#copy").addEventListener("click", async () => {
  const title = $("#result-title").value.trim();
  const text = [title, $("#result-text").value].filter(Boolean).join("\n\n");
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = $("#result-text");
    area.select();
    document.execCommand("copy");
  }
  notify("Copied to the clipboard.", "ok");
});

$("#result").addEventListener("submit", (event) => {
  event.preventDefault();
  clearNotices();
  const production = $("#result-text").value;
  if (!production.trim()) {
    notify("The text is empty.");
    return;
  }
  busy($("#save-edit"), async () => {
    const saved = await api("POST", "/produced_text", {
      json: {
        produced_text_pk: result.producedTextPk,
        production,
        title: $("#result-title").value,
        user_task_execution_pk: executionPk,
        session_id: execution.session_id,
      },
    });
    unsavedEdit = false;
    newVersion({
      title: $("#result-title").value,
      production,
      versionPk: saved.produced_text_version_pk,
      producedTextPk: saved.produced_text_pk,
    });
    notify("Saved as a new version.", "ok");
  });
});

function renderTextEditActions(actions) {
  const box = $("#text-edit-actions");
  box.replaceChildren(
    ...(actions || []).map((action) =>
      el(
        "button",
        {
          type: "button",
          title: action.description || "",
          onclick: (e) => runTextEditAction(action, e.currentTarget),
        },
        action.emoji ? el("span", { "aria-hidden": "true" }, action.emoji) : null,
        action.name,
      ),
    ),
  );
  box.parentElement.hidden = !(actions || []).length;
}

function runTextEditAction(action, button) {
  if (!result.versionPk) return;
  clearNotices();
  return busy(button, async () => {
    const answer = await api("POST", "/text_edit_action", {
      json: { produced_text_version_pk: result.versionPk, text_edit_action_pk: action.text_edit_action_pk, platform: "webapp" },
    });
    addBubble({ key: answer.message_pk, sender: "user", text: action.name });
    showStream($("#result-title").value, "");
  });
}

async function renderPredefinedActions(actions) {
  const box = $("#predefined-actions");
  if (!(actions || []).length) return;
  let userTasks = [];
  try {
    userTasks = (await api("GET", "/user_task", { query: { platform: "webapp", n_user_tasks: 50 } })).user_tasks || [];
  } catch {
    return;
  }
  const byTask = new Map(userTasks.filter((t) => t.enabled && t.user_task_pk).map((t) => [t.task_pk, t.user_task_pk]));
  const buttons = actions
    .filter((action) => byTask.has(action.task_pk))
    .map((action) =>
      el(
        "button",
        { type: "button", title: action.name || "", onclick: (e) => runPredefinedAction(action, byTask.get(action.task_pk), e.currentTarget) },
        action.button_text || action.name,
      ),
    );
  box.replaceChildren(...buttons);
  $("#predefined-box").hidden = !buttons.length;
}

/** Chain the next task: a new execution from this one, started by a message with this result. */
function runPredefinedAction(action, userTaskPk, button) {
  return busy(button, async () => {
    const created = await api("PUT", "/user_task_execution", {
      json: { user_task_pk: userTaskPk, user_task_execution_fk: executionPk, platform: "webapp" },
    });
    startFresh(created.session_id);
    const text = `${action.message_prefix || ""}${$("#result-title").value}\n${$("#result-text").value}`;
    await api("PUT", "/user_message", {
      form: {
        session_id: created.session_id,
        message_id: uuid(),
        message_date: new Date().toISOString(),
        text,
        user_task_execution_pk: created.user_task_execution_pk,
        platform: "webapp",
        origin: "task",
      },
    });
    location.assign(`/app/executions/${created.user_task_execution_pk}/`);
  });
}

// --- chat ---------------------------------------------------------------------------------------

function scrollChat() {
  const log = $("#chat-log");
  log.scrollTop = log.scrollHeight;
}

function addBubble({ key, sender, text, kind, pending }) {
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

function showStreamingReply(text) {
  if (!streamingBubble) {
    streamingBubble = el("div", { class: "bubble mojo streaming-bubble", "aria-busy": "true" }, el("span", {}, ""));
    $("#chat-log").append(streamingBubble);
  }
  streamingBubble.firstChild.textContent = text || "…";
  scrollChat();
}

function endStreamingReply() {
  if (streamingBubble) streamingBubble.remove();
  streamingBubble = null;
}

function messageText(sender, message) {
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

// --- socket events ------------------------------------------------------------------------------

function onEvent(event, data) {
  switch (event) {
    case "mojo_token":
      showStreamingReply(data.text);
      break;
    case "draft_token":
      showStream(data.produced_text_title, data.produced_text);
      if (!streamingBubble) showStreamingReply("✍️ Writing…");
      break;
    case "mojo_message":
      endStreamingReply();
      addBubble({ key: data.message_pk, sender: "mojo", text: data.text });
      break;
    case "draft_message":
      endStreamingReply();
      addBubble({ key: data.message_pk, sender: "mojo", text: messageText("mojo", data) });
      newVersion({
        title: data.produced_text_title,
        production: data.produced_text,
        versionPk: data.produced_text_version_pk,
        producedTextPk: data.produced_text_pk,
      });
      break;
    case "workflow_execution_produced_text":
      newVersion({
        title: data.produced_text_title,
        production: data.produced_text,
        versionPk: data.produced_text_version_pk,
        producedTextPk: data.produced_text_pk,
      });
      break;
    case "user_task_execution_title":
      setTitle(data.title, data.summary);
      break;
    case "workflow_step_execution_started":
    case "workflow_step_execution_ended":
    case "workflow_step_execution_invalidated":
      endStreamingReply(); // a review instruction is answered by redoing the step, not by a message
      if (workflow) workflow.upsert(data);
      break;
    case "error":
      endStreamingReply();
      hideStream();
      if (!result.count) $("#result-empty").hidden = false;
      addBubble({ key: data.user_message_pk ? `error-${data.user_message_pk}` : null, kind: "error", text: data.error || "Something went wrong." });
      break;
    default:
      break; // user_message_reception, user_task_execution_start: nothing to show
  }
}

// --- page ---------------------------------------------------------------------------------------

function setTitle(title, summary) {
  const text = title || execution?.task_name || "Task";
  $("#execution-title").textContent = text;
  document.title = `${text} · Mojodex`;
  if (summary !== undefined) $("#execution-summary").textContent = summary || "";
}

function selectTab(name) {
  for (const tab of ["process", "result"]) {
    const selected = tab === name;
    const button = $(`#tab-${tab}`);
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
    $(`#panel-${tab}`).hidden = !selected;
  }
}

function setupTabs() {
  $("#tabs").hidden = false;
  $("#tab-process").addEventListener("click", () => selectTab("process"));
  $("#tab-result").addEventListener("click", () => selectTab("result"));
  $("#tabs").addEventListener("keydown", (event) => {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    const next = $("#tab-process").getAttribute("aria-selected") === "true" ? "result" : "process";
    selectTab(next);
    $(`#tab-${next}`).focus();
  });
  selectTab("process");
}

function renderInputsSummary(values) {
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

$("#restart").addEventListener("click", (event) => {
  clearNotices();
  const inputs = (execution.json_inputs_values || [])
    .filter((input) => !["image", "multiple_images", "audio_file", "video"].includes(input.type))
    .map((input) => ({ input_name: input.input_name, input_value: input.value }));
  busy(event.currentTarget, async () => {
    await api("POST", "/restart_user_workflow_execution", { form: runForm(executionPk, inputs) });
    notify("The workflow starts again from its first step.", "info");
  });
});

async function loadMessages() {
  try {
    const page = await api("GET", "/message", { query: { session_id: execution.session_id, n_messages: 50 } });
    const messages = (page.messages || []).slice().reverse(); // newest first → oldest first
    for (const item of messages) addStoredMessage(item);
  } catch (error) {
    if (error.status !== 404) notify(error.message);
  }
}

async function load() {
  try {
    execution = await api("GET", "/user_task_execution", { query: { user_task_execution_pk: executionPk } });
  } catch (error) {
    setTitle(error.status === 404 || error.status === 400 ? "Task not found" : "Task");
    notify(error.message);
    return;
  }
  // the socket first: what happens while the history loads is not missed (handlers are idempotent)
  socket = new SessionSocket(execution.session_id, onEvent);
  socket.addEventListener("status", (e) => showStatus(e.detail));
  window.mojodexSocket = socket; // for diagnosis from the console (and the browser tests)
  setTitle(execution.title, execution.summary);
  $("#execution-icon").textContent = execution.icon || "";
  renderInputsSummary(execution.json_inputs_values);
  if (execution.task_type === "workflow") {
    workflow = new WorkflowView($("#steps"), {
      onReview: () => {
        notify("Tell the assistant in the chat what to change in this step.", "info");
        $("#chat-input").focus();
      },
    });
    workflow.setDefinition(execution.steps);
    workflow.setExecutions(execution.step_executions);
    setupTabs();
  }
  if (execution.produced_text_version_pk) {
    result.count = execution.produced_text_version_index || 1;
    result.versions.set(execution.produced_text_version_pk, result.count);
    showResult({
      title: execution.produced_text_title,
      production: execution.produced_text_production,
      versionPk: execution.produced_text_version_pk,
      producedTextPk: execution.produced_text_pk,
      index: result.count,
    });
  }
  if (!execution.start_date && !execution.produced_text_version_pk) {
    $("#result-empty").textContent = "This task has not been started yet: fill in its form, or tell the assistant in the chat what you need.";
  }
  renderTextEditActions(execution.text_edit_actions);
  socket.connect();
  await loadMessages();
  renderPredefinedActions(execution.actions);
}

window.addEventListener("pagehide", () => socket && socket.close());

if (requireLogin()) load();
