// A task's form: the execution is created when the form opens (PUT /user_task_execution, as the
// original's clients do: it returns the form), Go runs it and opens the execution page.

import { api, requireLogin } from "../api.js";
import { collectInputs, renderInputs, runForm } from "../form.js";
import { startFresh } from "../socket.js";
import { $, busy, clearNotices, el, notify, setupHeader } from "../ui.js";

setupHeader();

const userTaskPk = Number(location.pathname.split("/").filter(Boolean).pop());
let execution = null;

async function load() {
  try {
    const task = await api("GET", "/user_task", { query: { user_task_pk: userTaskPk, platform: "webapp" } });
    $("#task-icon").textContent = task.task_icon || task.user_task_icon || "";
    $("#task-name").textContent = task.task_name || task.user_task_name || "Task";
    document.title = `${$("#task-name").textContent} · Mojodex`;
    $("#task-description").textContent = task.task_description || task.user_task_description || "";
    if (task.task_type === "workflow" && (task.steps || []).length) {
      const list = $("#task-steps");
      list.replaceChildren(...task.steps.map((step) => el("li", {}, el("strong", {}, step.step_name_for_user), " — ", step.step_definition_for_user || "")));
      list.hidden = false;
    }
  } catch (error) {
    if (error.status === 404 || error.status === 400) $("#task-name").textContent = "Task not found";
    notify(error.message);
    return;
  }
  try {
    execution = await api("PUT", "/user_task_execution", { json: { user_task_pk: userTaskPk, platform: "webapp" } });
  } catch (error) {
    notify(error.message);
    return;
  }
  renderInputs($("#task-inputs"), execution.json_input);
  $("#task-form").hidden = false;
}

$("#task-form").addEventListener("input", () => {
  if (document.querySelector("#notices .notice-error")) clearNotices(); // the user is fixing it
});
$("#task-form").addEventListener("submit", (event) => {
  event.preventDefault();
  clearNotices();
  if (!execution) return;
  const collected = collectInputs($("#task-inputs"), execution.json_input);
  if (collected.error) {
    notify(collected.error);
    collected.control.focus();
    return;
  }
  busy($("#go"), async () => {
    startFresh(execution.session_id);
    await api("POST", "/user_task_execution_run", {
      form: runForm(execution.user_task_execution_pk, collected.inputs, collected.files),
    });
    location.assign(`/app/executions/${execution.user_task_execution_pk}/`);
  }, { busyText: "Starting…" });
});

if (requireLogin()) load();
