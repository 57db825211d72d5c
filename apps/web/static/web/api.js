// The REST client of the web UI: the token in localStorage, the original's raw
// `Authorization: <jwt>` header, JSON errors turned into readable messages.

const TOKEN_KEY = "mojodex.token";
const PROFILE_KEY = "mojodex.profile";

export const LOGIN_URL = "/app/login/";

export function getToken() {
  return localStorage.getItem(TOKEN_KEY);
}

export function profile() {
  try {
    return JSON.parse(localStorage.getItem(PROFILE_KEY) || "{}");
  } catch {
    return {};
  }
}

export function saveLogin(payload, email) {
  localStorage.setItem(TOKEN_KEY, payload.token);
  localStorage.setItem(
    PROFILE_KEY,
    JSON.stringify({
      email,
      name: payload.name || "",
      language_code: payload.language_code || "en",
      terms_and_conditions_agreed: Boolean(payload.terms_and_conditions_agreed),
    }),
  );
}

export function updateProfile(changes) {
  localStorage.setItem(PROFILE_KEY, JSON.stringify({ ...profile(), ...changes }));
}

export function logout() {
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(PROFILE_KEY);
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith("mojodex.seq.")) localStorage.removeItem(key);
  }
}

/** Send the browser to the login page, coming back here afterwards. */
export function toLogin() {
  const here = location.pathname + location.search;
  const next = here.startsWith(LOGIN_URL) ? "" : `?next=${encodeURIComponent(here)}`;
  location.assign(LOGIN_URL + next);
}

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }
}

const STATUS_TEXT = {
  400: "The request was not accepted",
  401: "Please log in again",
  402: "Your plan does not include this task",
  403: "You are not allowed to do this",
  404: "Not found",
  409: "This conflicts with the current state",
  413: "The file is too large",
  429: "Too many attempts: please wait a moment and try again",
};

/** A message a person can read, from an error body or a status (never a stack trace). */
export function readableError(status, body) {
  let text = body && typeof body === "object" ? body.error : null;
  if (typeof text !== "string" || !text.trim()) {
    text = STATUS_TEXT[status] || (status >= 500 ? "The server had a problem; please try again" : "Something went wrong");
  }
  if (text === "no_purchase") text = "None of your plans includes this task.";
  return text.length > 300 ? text.slice(0, 300) + "…" : text;
}

function isTermsError(status, body) {
  return status === 401 && body && /terms/i.test(String(body.error || ""));
}

function isTokenError(status, body) {
  if (status === 401) return true;
  return status === 403 && body && /token/i.test(String(body.error || ""));
}

function withQuery(path, query) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null) url.searchParams.set(key, value);
  }
  return url.pathname + url.search;
}

/**
 * Call a REST route. `json` sends a JSON body, `form` a multipart body (an object, File values
 * allowed, or a FormData); `query` goes in the query string. Every call carries the client's time
 * as `datetime`, as the original's clients do. Resolves with the JSON body; rejects with ApiError.
 * A 401 (bad or expired token) sends the browser to the login page unless `auth: false`.
 */
export async function api(method, path, { query, json, form, auth = true, redirectOn401 = true } = {}) {
  const headers = { Accept: "application/json" };
  const token = getToken();
  if (auth && token) headers.Authorization = token;
  const now = new Date().toISOString();
  let body;
  if (form) {
    body = form instanceof FormData ? form : new FormData();
    if (!(form instanceof FormData)) {
      for (const [key, value] of Object.entries(form)) {
        if (value === undefined || value === null) continue;
        if (value instanceof Blob) body.append(key, value, value.name || key);
        else body.append(key, typeof value === "object" ? JSON.stringify(value) : String(value));
      }
    }
    if (!body.has("datetime")) body.append("datetime", now);
  } else if (json !== undefined || (method !== "GET" && method !== "DELETE")) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify({ datetime: now, ...(json || {}) });
  }
  const url = withQuery(path, method === "GET" || method === "DELETE" ? { datetime: now, ...query } : query);
  let response;
  try {
    response = await fetch(url, { method, headers, body });
  } catch {
    throw new ApiError(0, "Cannot reach the server. Check your connection and try again.", null);
  }
  let data = null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    if (auth && redirectOn401 && isTermsError(response.status, data)) {
      location.assign("/app/onboarding/");
    } else if (auth && redirectOn401 && isTokenError(response.status, data)) {
      logout();
      toLogin();
    }
    throw new ApiError(response.status, readableError(response.status, data), data);
  }
  return data ?? {};
}

/** Pages that need a signed-in user call this first: no token → login page. */
export function requireLogin() {
  if (!getToken()) {
    toLogin();
    return false;
  }
  return true;
}
