// The result panel: the draft streaming live, then the editable text with its versions (browse,
// copy, save the user's edit as a new version).
//
// A version is counted once by its pk, whether an event, a save or the page load announced it; a new
// version never wipes an edit the user has not saved.

import { api } from "../../api.js";
import { $, busy, clearNotices, el, notify } from "../../ui.js";
import { showResultTab } from "./process.js";
import { execution, executionPk } from "./state.js";

const result = {
  producedTextPk: null,
  versionPk: null,
  index: 0, // 1-based index of the version shown
  count: 0, // number of versions known
  versions: new Map(), // produced_text_version_pk → index
};

let unsavedEdit = false; // the user is changing the text shown: a new version must not wipe it

export function showStream(title, text) {
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

export function hideStream() {
  const stream = $("#stream");
  stream.hidden = true;
  stream.removeAttribute("aria-busy");
  stream.replaceChildren();
}

/** The run failed: no stream any more, and the placeholder again if there is no version yet. */
export function streamFailed() {
  hideStream();
  if (!result.count) $("#result-empty").hidden = false;
}

export function showNotStarted() {
  $("#result-empty").textContent = "This task has not been started yet: fill in its form, or tell the assistant in the chat what you need.";
}

/** The version shown (the one a text-edit action reworks), or null before the first one. */
export function shownVersionPk() {
  return result.versionPk;
}

/** The title and text as shown, with the user's unsaved changes. */
export function shownText() {
  return { title: $("#result-title").value, production: $("#result-text").value };
}

function renderVersionLabel() {
  $("#version-label").textContent = result.count ? `Version ${result.index} of ${result.count}` : "";
  $("#prev-version").disabled = result.index <= 1;
  $("#next-version").disabled = result.index >= result.count;
}

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
  showResultTab();
}

/** The latest version when the page loads: `index` of them are known. */
export function showLoadedVersion({ title, production, versionPk, producedTextPk, index }) {
  result.count = index;
  result.versions.set(versionPk, result.count);
  showResult({ title, production, versionPk, producedTextPk, index: result.count });
}

/** A version announced by an event or a save: counted once, shown as the latest. */
export function newVersion({ title, production, versionPk, producedTextPk }) {
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

async function copyResult() {
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
}

function saveEdit(event) {
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
}

export function setupResult() {
  $("#result-text").addEventListener("input", () => (unsavedEdit = true));
  $("#result-title").addEventListener("input", () => (unsavedEdit = true));
  $("#prev-version").addEventListener("click", (e) => busy(e.currentTarget, () => showVersion(result.index - 1)));
  $("#next-version").addEventListener("click", (e) => busy(e.currentTarget, () => showVersion(result.index + 1)));
  $("#copy").addEventListener("click", copyResult);
  $("#result").addEventListener("submit", saveEdit);
}
