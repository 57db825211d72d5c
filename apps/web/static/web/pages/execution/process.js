// The process panel of a workflow execution: the Process / Result tabs, the steps (WorkflowView)
// kept up to date from the step events, and the restart from the first step. An instruction task
// has none of it: every function here is then a no-op.

import { api } from "../../api.js";
import { runForm } from "../../form.js";
import { $, busy, clearNotices, notify } from "../../ui.js";
import { WorkflowView } from "../../workflow.js";
import { focusChat } from "./chat.js";
import { execution, executionPk } from "./state.js";

const FILE_INPUTS = ["image", "multiple_images", "audio_file", "video"];

let workflow = null;

function selectTab(name) {
  for (const tab of ["process", "result"]) {
    const selected = tab === name;
    const button = $(`#tab-${tab}`);
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
    $(`#panel-${tab}`).hidden = !selected;
  }
}

/** A new version of the result is shown: for a workflow, bring its tab to the front. */
export function showResultTab() {
  if (workflow) selectTab("result");
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

/** The loaded workflow execution: its steps, what ran of them, and the tabs (process first). */
export function showWorkflow({ steps, step_executions: stepExecutions }) {
  workflow = new WorkflowView($("#steps"), {
    onReview: () => {
      notify("Tell the assistant in the chat what to change in this step.", "info");
      focusChat();
    },
  });
  workflow.setDefinition(steps);
  workflow.setExecutions(stepExecutions);
  setupTabs();
}

/** A step execution's state from a workflow_step_execution_* event. */
export function upsertStep(data) {
  if (workflow) workflow.upsert(data);
}

function restart(event) {
  clearNotices();
  const inputs = (execution.json_inputs_values || [])
    .filter((input) => !FILE_INPUTS.includes(input.type))
    .map((input) => ({ input_name: input.input_name, input_value: input.value }));
  busy(event.currentTarget, async () => {
    await api("POST", "/restart_user_workflow_execution", { form: runForm(executionPk, inputs) });
    notify("The workflow starts again from its first step.", "info");
  });
}

export function setupProcess() {
  $("#restart").addEventListener("click", restart);
}
