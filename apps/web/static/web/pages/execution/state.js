// What the execution page's panels share: the execution's pk (from the URL) and, once loaded, the
// execution itself as GET /user_task_execution returns it (null until then).

export const executionPk = Number(location.pathname.split("/").filter(Boolean).pop());

export let execution = null;

export function setExecution(value) {
  execution = value;
}
