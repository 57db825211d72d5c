// Todos: the user's open todos (GET /todos), done / delete. Until the todos routes exist (404),
// the page says that there is no todo yet instead of failing.

import { api, requireLogin } from "../api.js";
import { $, busy, el, notify, setupHeader } from "../ui.js";

setupHeader();

function formatDay(value) {
  const [year, month, day] = String(value).slice(0, 10).split("-").map(Number);
  const date = new Date(year, month - 1, day);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleDateString(undefined, { dateStyle: "medium" });
}

function empty(text) {
  const box = $("#todos-empty");
  box.hidden = false;
  box.textContent = text;
}

function todoItem(todo) {
  const row = el(
    "li",
    { class: `card list-item todo${todo.completed ? " done" : ""}`, dataset: { todoPk: todo.todo_pk } },
    el(
      "div",
      { class: "body" },
      el("p", { class: "description m-0" }, todo.description),
      el("p", { class: "small muted m-0" }, todo.scheduled_date ? `For ${formatDay(todo.scheduled_date)}` : ""),
    ),
  );
  const actions = el("div", { class: "actions" });
  if (!todo.completed) {
    actions.append(
      el(
        "button",
        {
          type: "button",
          "aria-label": `Mark “${todo.description}” as done`,
          onclick: (event) =>
            busy(event.currentTarget, async () => {
              await api("POST", "/todos", { json: { todo_pk: todo.todo_pk, mark_as_done: true } });
              row.classList.add("done");
              event.target.remove();
            }),
        },
        "✓ Done",
      ),
    );
  }
  actions.append(
    el(
      "button",
      {
        type: "button",
        class: "danger",
        "aria-label": `Delete “${todo.description}”`,
        onclick: (event) =>
          busy(event.currentTarget, async () => {
            await api("DELETE", "/todos", { query: { todo_pk: todo.todo_pk } });
            row.remove();
            if (!$("#todos").childElementCount) empty("No todo left. Well done!");
          }),
      },
      "Delete",
    ),
  );
  row.append(actions);
  return row;
}

async function load() {
  let page;
  try {
    page = await api("GET", "/todos", { query: { n_todos: 50 } });
  } catch (error) {
    if (error.status === 404) {
      empty("No todos exist yet. Your assistant will list here the things to do it finds in your results.");
      return;
    }
    notify(error.message);
    return;
  }
  const todos = page.todos || [];
  $("#todos").replaceChildren(...todos.map(todoItem));
  if (!todos.length) {
    empty(
      page.user_has_never_done_todo === false
        ? "No todo left. Well done!"
        : "No todos exist yet. Your assistant will list here the things to do it finds in your results.",
    );
  }
}

if (requireLogin()) load();
