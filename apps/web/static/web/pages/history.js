// History: past executions (title, summary, task), search by title, delete, page by page.

import { api, requireLogin } from "../api.js";
import { $, busy, el, formatDate, notify, setupHeader } from "../ui.js";

setupHeader();

const PAGE = 20;
let offset = 0;
let search = "";

function item(execution) {
  const title = execution.title || execution.produced_text_title || execution.task_name || "Untitled task";
  const row = el(
    "li",
    { class: "card list-item", dataset: { executionPk: execution.user_task_execution_pk } },
    el("span", { class: "icon-md", "aria-hidden": "true" }, execution.icon || "📄"),
    el(
      "div",
      { class: "body" },
      el("h2", {}, el("a", { href: `/app/executions/${execution.user_task_execution_pk}/` }, title)),
      el("p", { class: "summary" }, execution.summary || ""),
      el("p", { class: "small muted" }, [execution.task_name, formatDate(execution.start_date)].filter(Boolean).join(" · ")),
    ),
  );
  row.append(
    el(
      "button",
      {
        type: "button",
        class: "danger",
        "aria-label": `Delete “${title}”`,
        onclick: (event) => remove(execution, title, row, event.currentTarget),
      },
      "Delete",
    ),
  );
  return row;
}

function remove(execution, title, row, button) {
  if (!window.confirm(`Delete “${title}”?`)) return;
  busy(button, async () => {
    await api("DELETE", "/user_task_execution", { query: { user_task_execution_pk: execution.user_task_execution_pk } });
    row.remove();
    offset = Math.max(0, offset - 1);
    notify(`“${title}” was deleted.`, "ok");
    if (!$("#executions").childElementCount) showEmpty();
  });
}

function showEmpty() {
  const empty = $("#history-empty");
  empty.hidden = false;
  empty.textContent = search ? `No task matches “${search}”.` : "No task yet: start one from New task.";
}

async function loadPage(reset) {
  if (reset) {
    offset = 0;
    $("#executions").replaceChildren();
  }
  $("#history-empty").hidden = true;
  const page = await api("GET", "/user_task_execution", {
    query: { n_user_task_executions: PAGE, offset, search_filter: search || undefined },
  });
  const executions = page.user_task_executions || [];
  $("#executions").append(...executions.map(item));
  offset += executions.length;
  $("#more").hidden = executions.length < PAGE;
  if (!$("#executions").childElementCount) showEmpty();
}

$("#search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  search = $("#search").value.trim();
  busy(event.submitter, () => loadPage(true));
});
$("#more").addEventListener("click", (event) => busy(event.currentTarget, () => loadPage(false)));

if (requireLogin()) loadPage(true).catch((error) => notify(error.message));
