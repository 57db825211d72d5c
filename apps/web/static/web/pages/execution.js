// The execution page: the result streaming live then editable with its versions, the chat beside
// it, text-edit and predefined actions, and for a workflow the process tab. Each panel is a module
// of ./execution/; this one loads the execution, opens the session socket and routes its events.
//
// State comes from REST (GET /user_task_execution, GET /message) and from the session socket;
// every event handler is idempotent (messages by message_pk, versions by pk, steps by pk), so a
// replay after a reconnect or a reload never shows anything twice.

import { api, requireLogin } from "../api.js";
import {
  DRAFT_MESSAGE,
  DRAFT_TOKEN,
  ERROR,
  MOJO_MESSAGE,
  MOJO_TOKEN,
  SOCKET_STATUS,
  USER_TASK_EXECUTION_TITLE,
  WORKFLOW_EXECUTION_PRODUCED_TEXT,
  WORKFLOW_STEP_EXECUTION_ENDED,
  WORKFLOW_STEP_EXECUTION_INVALIDATED,
  WORKFLOW_STEP_EXECUTION_STARTED,
} from "../events.js";
import { SessionSocket } from "../socket.js";
import { notify, setupHeader } from "../ui.js";
import { renderPredefinedActions, renderTextEditActions } from "./execution/actions.js";
import { addBubble, endStreamingReply, loadMessages, messageText, setupChat, showStreamingReply, showWritingNote } from "./execution/chat.js";
import { renderInputsSummary, setIcon, setTitle, showStatus } from "./execution/overview.js";
import { setupProcess, showWorkflow, upsertStep } from "./execution/process.js";
import { newVersion, setupResult, showLoadedVersion, showNotStarted, showStream, streamFailed } from "./execution/result.js";
import { executionPk, setExecution } from "./execution/state.js";

setupHeader();
setupResult();
setupChat();
setupProcess();

let socket = null;

/** A produced text's event payload as the result panel's version. */
function versionOf(data) {
  return {
    title: data.produced_text_title,
    production: data.produced_text,
    versionPk: data.produced_text_version_pk,
    producedTextPk: data.produced_text_pk,
  };
}

function onEvent(event, data) {
  switch (event) {
    case MOJO_TOKEN:
      showStreamingReply(data.text);
      break;
    case DRAFT_TOKEN:
      showStream(data.produced_text_title, data.produced_text);
      showWritingNote();
      break;
    case MOJO_MESSAGE:
      endStreamingReply();
      addBubble({ key: data.message_pk, sender: "mojo", text: data.text });
      break;
    case DRAFT_MESSAGE:
      endStreamingReply();
      addBubble({ key: data.message_pk, sender: "mojo", text: messageText("mojo", data) });
      newVersion(versionOf(data));
      break;
    case WORKFLOW_EXECUTION_PRODUCED_TEXT:
      newVersion(versionOf(data));
      break;
    case USER_TASK_EXECUTION_TITLE:
      setTitle(data.title, data.summary);
      break;
    case WORKFLOW_STEP_EXECUTION_STARTED:
    case WORKFLOW_STEP_EXECUTION_ENDED:
    case WORKFLOW_STEP_EXECUTION_INVALIDATED:
      endStreamingReply(); // a review instruction is answered by redoing the step, not by a message
      upsertStep(data);
      break;
    case ERROR:
      endStreamingReply();
      streamFailed();
      addBubble({ key: data.user_message_pk ? `error-${data.user_message_pk}` : null, kind: "error", text: data.error || "Something went wrong." });
      break;
    default:
      break; // user_message_reception, user_task_execution_start: nothing to show
  }
}

async function load() {
  let execution;
  try {
    execution = await api("GET", "/user_task_execution", { query: { user_task_execution_pk: executionPk } });
  } catch (error) {
    setTitle(error.status === 404 || error.status === 400 ? "Task not found" : "Task");
    notify(error.message);
    return;
  }
  setExecution(execution);
  // the socket first: what happens while the history loads is not missed (handlers are idempotent)
  socket = new SessionSocket(execution.session_id, onEvent);
  socket.addEventListener(SOCKET_STATUS, (e) => showStatus(e.detail));
  window.mojodexSocket = socket; // for diagnosis from the console (and the browser tests)
  setTitle(execution.title, execution.summary);
  setIcon(execution.icon);
  renderInputsSummary(execution.json_inputs_values);
  if (execution.task_type === "workflow") showWorkflow(execution);
  if (execution.produced_text_version_pk) {
    showLoadedVersion({
      title: execution.produced_text_title,
      production: execution.produced_text_production,
      versionPk: execution.produced_text_version_pk,
      producedTextPk: execution.produced_text_pk,
      index: execution.produced_text_version_index || 1,
    });
  }
  if (!execution.start_date && !execution.produced_text_version_pk) showNotStarted();
  renderTextEditActions(execution.text_edit_actions);
  socket.connect();
  await loadMessages();
  renderPredefinedActions(execution.actions);
}

window.addEventListener("pagehide", () => socket && socket.close());

if (requireLogin()) load();
