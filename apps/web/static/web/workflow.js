// The process tab of a workflow execution: each step's state and result, with validate / edit /
// review (chat) / relaunch buttons. Step executions are kept by pk and updated from events.

import { api } from "./api.js";
import { busy, el, notify } from "./ui.js";

export function stepState(step) {
  if (step.error_status || step.status === "failed") return ["error", "Failed"];
  if (step.validated === true) return ["done", "Validated"];
  if (step.validated === false || step.status === "cancelled") return ["invalidated", "Being redone"];
  if (step.result === null || step.result === undefined) return ["running", "Running…"];
  if (step.user_validation_required) return ["waiting", "Waiting for your validation"];
  return ["done", "Done"];
}

function errorText(status) {
  if (!status) return "This step failed.";
  if (typeof status === "string") return status;
  return status.error || status.message || "This step failed.";
}

function humanKey(key) {
  const text = String(key).replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function resultView(result) {
  const box = el("div", { class: "step-result" });
  for (const item of result || []) {
    if (item && typeof item === "object") {
      for (const [key, value] of Object.entries(item)) {
        box.append(
          el(
            "p",
            {},
            el("strong", {}, `${humanKey(key)}: `),
            typeof value === "string" ? value : JSON.stringify(value),
          ),
        );
      }
    } else {
      box.append(el("p", {}, String(item)));
    }
  }
  return box;
}

export class WorkflowView {
  /**
   * @param {HTMLElement} list  the <ol> of steps
   * @param {object} hooks  {onReview(step), onChanged()}
   */
  constructor(list, hooks) {
    this.list = list;
    this.hooks = hooks;
    this.steps = []; // the workflow's step definitions
    this.executions = new Map(); // user_workflow_step_execution_pk → step execution JSON
    this.editing = new Set();
    this.userResults = new Map(); // pk → the result the user saved (the step's latest result)
    this.editors = new Map(); // pk → the open edit form
  }

  setDefinition(steps) {
    this.steps = steps || [];
  }

  setExecutions(executions) {
    for (const execution of executions || []) this.upsert(execution, false);
    this.render();
  }

  upsert(execution, render = true) {
    const pk = execution.user_workflow_step_execution_pk;
    if (pk === undefined || pk === null) return;
    const known = this.executions.get(pk) || {};
    const merged = { ...known, ...execution };
    // An event sent before the user's own action may arrive after it: it must not undo it.
    if (known.validated === true && execution.validated == null) merged.validated = true;
    if (this.userResults.has(pk) && merged.validated !== false) merged.result = this.userResults.get(pk);
    if ((merged.result === null || merged.result === undefined) && known.result && known.status === "done") {
      merged.result = known.result; // a late "started" after "ended"
      merged.status = known.status;
    }
    this.executions.set(pk, merged);
    if (render) this.render();
  }

  awaitingValidation() {
    return [...this.executions.values()].some((step) => stepState(step)[0] === "waiting");
  }

  ordered() {
    const rankOf = new Map(this.steps.map((step, index) => [step.workflow_step_pk, index + 1]));
    return [...this.executions.values()]
      .filter((step) => stepState(step)[0] !== "invalidated")
      .sort((a, b) => {
        const ra = a.rank ?? rankOf.get(a.workflow_step_pk) ?? 0;
        const rb = b.rank ?? rankOf.get(b.workflow_step_pk) ?? 0;
        if (ra !== rb) return ra - rb;
        const ia = a.item_index ?? 0;
        const ib = b.item_index ?? 0;
        if (ia !== ib) return ia - ib;
        return String(a.creation_date).localeCompare(String(b.creation_date)) || a.user_workflow_step_execution_pk - b.user_workflow_step_execution_pk;
      });
  }

  render() {
    const executions = this.ordered();
    const reached = new Set(executions.map((step) => step.workflow_step_pk));
    const countByStep = new Map();
    const items = [];
    for (const step of executions) {
      const n = (countByStep.get(step.workflow_step_pk) || 0) + 1;
      countByStep.set(step.workflow_step_pk, n);
      items.push(this.renderExecution(step, n));
    }
    for (const step of this.steps) {
      if (!reached.has(step.workflow_step_pk)) {
        items.push(
          el(
            "li",
            { class: "card step", dataset: { state: "todo" } },
            el("div", { class: "step-head" }, el("h3", {}, step.step_name_for_user), el("span", { class: "badge" }, "To come")),
            el("p", { class: "muted small" }, step.step_definition_for_user || ""),
          ),
        );
      }
    }
    const active = this.list.contains(document.activeElement) ? document.activeElement : null;
    const selection = active && "selectionStart" in active ? [active.selectionStart, active.selectionEnd] : null;
    this.list.replaceChildren(...items);
    if (active && active.isConnected) {
      active.focus(); // an edit form survives the re-render, and so does the caret
      if (selection && active.tagName === "TEXTAREA") active.setSelectionRange(...selection);
    }
  }

  renderExecution(step, n) {
    const [state, label] = stepState(step);
    const pk = step.user_workflow_step_execution_pk;
    const sameStep = [...this.executions.values()].filter(
      (other) => other.workflow_step_pk === step.workflow_step_pk && stepState(other)[0] !== "invalidated",
    ).length;
    const name = sameStep > 1 ? `${step.step_name_for_user} (${n})` : step.step_name_for_user;
    const badgeClass = { done: "badge-ok", waiting: "badge-warn", error: "badge-err" }[state] || "";
    const item = el(
      "li",
      { class: "card step", dataset: { state, stepExecutionPk: pk }, "aria-label": `${name}: ${label}` },
      el("div", { class: "step-head" }, el("h3", {}, name), el("span", { class: `badge ${badgeClass}` }, label)),
      el("p", { class: "muted small" }, step.step_definition_for_user || ""),
    );
    if (state === "error") item.append(el("p", { class: "danger", role: "alert" }, errorText(step.error_status)));
    if (this.editing.has(pk)) {
      // the same form across re-renders (other steps' events): what the user typed stays
      if (!this.editors.has(pk)) this.editors.set(pk, this.editor(step));
      item.append(this.editors.get(pk));
      return item;
    }
    this.editors.delete(pk);
    if (step.result) item.append(resultView(step.result));
    const buttons = el("div", { class: "actions" });
    if (state === "waiting") {
      buttons.append(
        el("button", { type: "button", class: "primary", onclick: (e) => this.validate(step, e.currentTarget) }, "✓ Validate"),
        el("button", { type: "button", onclick: () => this.startEdit(step) }, "✎ Edit"),
        el("button", { type: "button", onclick: (e) => this.review(step, e.currentTarget) }, "💬 Ask for changes"),
      );
    } else if (state === "error") {
      buttons.append(el("button", { type: "button", onclick: (e) => this.relaunch(step, e.currentTarget) }, "↻ Try again"));
    }
    if (buttons.childElementCount) item.append(buttons);
    return item;
  }

  editor(step) {
    const pk = step.user_workflow_step_execution_pk;
    const form = el("form", { class: "stack", novalidate: true });
    const fields = [];
    (step.result || []).forEach((entry, index) => {
      for (const [key, value] of Object.entries(entry || {})) {
        const id = `edit-${pk}-${index}-${key}`;
        const area = el("textarea", { id, rows: 4 });
        area.value = typeof value === "string" ? value : JSON.stringify(value);
        fields.push({ index, key, area, wasString: typeof value === "string" });
        form.append(el("div", {}, el("label", { for: id }, humanKey(key)), area));
      }
    });
    form.append(
      el(
        "div",
        { class: "actions" },
        el("button", { type: "submit", class: "primary" }, "Save"),
        el("button", { type: "button", onclick: () => { this.editing.delete(pk); this.render(); } }, "Cancel"),
      ),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const result = (step.result || []).map((entry) => ({ ...entry }));
      for (const field of fields) {
        let value = field.area.value;
        if (!field.wasString) {
          try {
            value = JSON.parse(value);
          } catch {
            // keep the text as typed
          }
        }
        result[field.index][field.key] = value;
      }
      busy(event.submitter, async () => {
        const answer = await api("PUT", "/user_workflow_step_execution_result", {
          json: { user_workflow_step_execution_pk: pk, result },
        });
        this.editing.delete(pk);
        this.userResults.set(pk, answer.new_result || result);
        this.upsert({ ...step, result: answer.new_result || result });
        notify("Your changes are saved.", "ok");
      });
    });
    return form;
  }

  startEdit(step) {
    this.editing.add(step.user_workflow_step_execution_pk);
    this.render();
    const first = this.list.querySelector(`[data-step-execution-pk="${step.user_workflow_step_execution_pk}"] textarea`);
    if (first) first.focus();
  }

  validate(step, button) {
    return busy(button, async () => {
      await api("POST", "/user_workflow_step_execution", {
        json: { user_workflow_step_execution_pk: step.user_workflow_step_execution_pk, validated: true },
      });
      this.upsert({ ...step, validated: true });
      this.hooks.onChanged && this.hooks.onChanged();
    });
  }

  review(step, button) {
    return busy(button, async () => {
      await api("POST", "/user_workflow_step_execution", {
        json: { user_workflow_step_execution_pk: step.user_workflow_step_execution_pk, validated: false },
      });
      this.hooks.onReview && this.hooks.onReview(step);
    });
  }

  relaunch(step, button) {
    return busy(button, async () => {
      await api("PUT", "/user_workflow_step_execution", {
        json: { user_workflow_step_execution_pk: step.user_workflow_step_execution_pk },
      });
      notify("Trying this step again…", "info");
    });
  }
}
