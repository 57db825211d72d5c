// "New task": the tasks the user's purchases allow (GET /user_task), then teasing tasks shown disabled.

import { api, requireLogin } from "../api.js";
import { $, el, notify, setupHeader } from "../ui.js";

setupHeader();

async function load() {
  const box = $("#task-list");
  let tasks = [];
  try {
    tasks = (await api("GET", "/user_task", { query: { platform: "webapp", n_user_tasks: 50 } })).user_tasks || [];
  } catch (error) {
    box.replaceChildren(el("p", { class: "empty" }, "Your tasks could not be loaded."));
    notify(error.message);
    return;
  } finally {
    box.setAttribute("aria-busy", "false");
  }
  if (!tasks.length) {
    box.replaceChildren(
      el(
        "div",
        { class: "empty card" },
        el("p", {}, "No task is available with your current plan."),
        el("a", { href: "/app/onboarding/" }, "Choose a profile"),
      ),
    );
    return;
  }
  const grid = el("ul", { class: "task-grid", "aria-label": "Tasks" });
  for (const task of tasks) {
    const inner = [
      el(
        "span",
        { class: "task-title" },
        el("span", { class: "icon", "aria-hidden": "true" }, task.task_icon || "📄"),
        el("strong", { class: "task-name" }, task.task_name || "Task"),
      ),
      el("span", { class: "muted small" }, task.task_description || ""),
      task.task_type === "workflow" ? el("span", { class: "badge" }, `Workflow · ${(task.steps || []).length} steps`) : null,
    ];
    const card = task.enabled && task.user_task_pk
      ? el("a", { class: "card task-card", href: `/app/tasks/${task.user_task_pk}/`, dataset: { taskPk: task.task_pk } }, ...inner)
      : el(
          "div",
          { class: "card task-card disabled", "aria-disabled": "true" },
          ...inner,
          el("span", { class: "badge badge-warn" }, "Not in your plan"),
        );
    grid.append(el("li", {}, card));
  }
  box.replaceChildren(grid);
}

if (requireLogin()) load();
