// The actions under the result: text-edit actions (rework the version shown; the assistant
// answers with a new version) and predefined actions (chain the next task from this result).

import { api } from "../../api.js";
import { startFresh } from "../../socket.js";
import { $, busy, clearNotices, el, uuid } from "../../ui.js";
import { addBubble } from "./chat.js";
import { shownText, shownVersionPk, showStream } from "./result.js";
import { executionPk } from "./state.js";

export function renderTextEditActions(actions) {
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
  const versionPk = shownVersionPk();
  if (!versionPk) return;
  clearNotices();
  return busy(button, async () => {
    const answer = await api("POST", "/text_edit_action", {
      json: { produced_text_version_pk: versionPk, text_edit_action_pk: action.text_edit_action_pk, platform: "webapp" },
    });
    addBubble({ key: answer.message_pk, sender: "user", text: action.name });
    showStream(shownText().title, "");
  });
}

/** Only the actions whose task the user has (enabled); none shown if the tasks cannot be read. */
export async function renderPredefinedActions(actions) {
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
    const { title, production } = shownText();
    const text = `${action.message_prefix || ""}${title}\n${production}`;
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
