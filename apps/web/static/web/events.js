// The names of the real-time events (docs/realtime.md), in one place: the socket client and every
// page import them, so a misspelt name fails loudly (a missing export stops the module loading)
// instead of silently never matching a string literal.

// --- sent by the server -------------------------------------------------------------------------

/** The assistant's reply so far (whole text, not durable). */
export const MOJO_TOKEN = "mojo_token";
/** The result being written so far (whole text, not durable). */
export const DRAFT_TOKEN = "draft_token";
/** The assistant's reply, stored: acknowledged by `message_pk`. */
export const MOJO_MESSAGE = "mojo_message";
/** A new version of the result, stored: acknowledged by `produced_text_version_pk`. */
export const DRAFT_MESSAGE = "draft_message";
export const ERROR = "error";
export const USER_MESSAGE_RECEPTION = "user_message_reception";
export const USER_TASK_EXECUTION_START = "user_task_execution_start";
export const USER_TASK_EXECUTION_TITLE = "user_task_execution_title";
export const WORKFLOW_STEP_EXECUTION_STARTED = "workflow_step_execution_started";
export const WORKFLOW_STEP_EXECUTION_ENDED = "workflow_step_execution_ended";
export const WORKFLOW_STEP_EXECUTION_INVALIDATED = "workflow_step_execution_invalidated";
export const WORKFLOW_EXECUTION_PRODUCED_TEXT = "workflow_execution_produced_text";
/** The answer to a `ping`. */
export const PONG = "pong";

/** Partial texts: sent again whole with each token, so not worth keeping in the socket's log. */
export const TOKEN_EVENTS = new Set([MOJO_TOKEN, DRAFT_TOKEN]);

// --- sent by the client -------------------------------------------------------------------------

export const ACK = "ack";
export const PING = "ping";

// --- in the page (not on the wire) --------------------------------------------------------------

/** The DOM event a SessionSocket dispatches when its connection state changes. */
export const SOCKET_STATUS = "status";
