// A task's input form from its `json_input` (text areas, drop-downs, image / audio / video files),
// and the original's run payload: `inputs` = [{input_name, input_value}] plus files keyed by name.

import { el } from "./ui.js";

const FILE_ACCEPT = {
  image: "image/*",
  multiple_images: "image/*",
  audio_file: "audio/*",
  video: "video/*",
};

function fieldId(input) {
  return `input-${String(input.input_name).replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/** The form fields of `json_input`, prefilled with each input's `value` when it has one. */
export function renderInputs(container, jsonInput) {
  container.replaceChildren();
  for (const input of jsonInput || []) {
    const id = fieldId(input);
    const type = input.type || "text_area";
    const label = input.description_for_user || input.input_name;
    let control;
    if (type === "drop_down_list") {
      control = el(
        "select",
        { id, name: input.input_name, required: true },
        el("option", { value: "" }, "Choose…"),
        ...(input.possible_values || []).map((option) => {
          const value = typeof option === "object" ? option.value : option;
          const text = typeof option === "object" ? option.displayed_text || option.value : option;
          return el("option", { value: String(value), selected: input.value != null && String(input.value) === String(value) }, text);
        }),
      );
    } else if (type in FILE_ACCEPT) {
      control = el("input", {
        id,
        name: input.input_name,
        type: "file",
        accept: FILE_ACCEPT[type],
        multiple: type === "multiple_images",
        required: true,
      });
    } else if (type === "text_area") {
      control = el("textarea", { id, name: input.input_name, placeholder: input.placeholder || "", required: true, rows: 5 });
      if (input.value) control.value = input.value;
    } else {
      control = el("input", { id, name: input.input_name, type: "text", placeholder: input.placeholder || "", required: true });
      if (input.value) control.value = input.value;
    }
    control.dataset.inputType = type;
    container.append(el("div", { class: "field" }, el("label", { for: id }, label), control));
  }
}

/** The run payload of the form, or an error message naming the first missing input. */
export function collectInputs(container, jsonInput) {
  const inputs = [];
  const files = {};
  for (const input of jsonInput || []) {
    const control = container.querySelector(`#${fieldId(input)}`);
    if (!control) continue;
    const label = input.description_for_user || input.input_name;
    if (control.type === "file") {
      const chosen = Array.from(control.files || []);
      if (!chosen.length) return { error: `Choose a file for “${label}”.`, control };
      if (input.type === "multiple_images") {
        chosen.forEach((file, index) => (files[`${input.input_name}_${index}`] = file));
        inputs.push({ input_name: input.input_name, input_value: chosen.map((file) => file.name) });
      } else {
        files[input.input_name] = chosen[0];
        inputs.push({ input_name: input.input_name, input_value: chosen[0].name });
      }
      continue;
    }
    const value = control.value.trim();
    if (!value) return { error: `Fill in “${label}”.`, control };
    inputs.push({ input_name: input.input_name, input_value: value });
  }
  return { inputs, files };
}

/** Multipart body of POST /user_task_execution_run (and of the workflow restart). */
export function runForm(userTaskExecutionPk, inputs, files = {}) {
  const form = new FormData();
  form.append("user_task_execution_pk", String(userTaskExecutionPk));
  form.append("inputs", JSON.stringify(inputs));
  form.append("platform", "webapp");
  for (const [key, file] of Object.entries(files)) form.append(key, file, file.name);
  return form;
}
