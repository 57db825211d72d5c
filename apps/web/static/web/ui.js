// Small DOM helpers shared by the pages: element builder, notices, busy buttons, the header.

import { getToken, logout } from "./api.js";

/** el("button", {class: "x", onclick: fn}, "text", child) — text children are escaped. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

/** The page's notice area (role=alert for errors, status for confirmations). */
export function notify(message, kind = "error", { persist = false, action = null } = {}) {
  const area = document.getElementById("notices");
  if (!area) return;
  const notice = el(
    "div",
    { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" },
    el("span", {}, message),
    el("button", { type: "button", class: "link", "aria-label": "Dismiss", onclick: () => notice.remove() }, "×"),
  );
  if (action) {
    notice.firstChild.append(
      " ",
      el("button", { type: "button", class: "link", onclick: () => { notice.remove(); action.run(); } }, el("u", {}, action.label)),
    );
  }
  area.append(notice);
  if (kind !== "error" && !persist) setTimeout(() => notice.remove(), 5000);
  return notice;
}

export function clearNotices() {
  const area = document.getElementById("notices");
  if (area) area.replaceChildren();
}

/** Run `work` with the button disabled; errors become a notice. Returns work's value or undefined. */
export async function busy(button, work, { busyText } = {}) {
  const label = button ? button.textContent : "";
  if (button) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    if (busyText) button.textContent = busyText;
  }
  try {
    return await work();
  } catch (error) {
    notify(error && error.message ? error.message : "Something went wrong");
    return undefined;
  } finally {
    if (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      if (busyText) button.textContent = label;
    }
  }
}

export function formatDate(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return "id-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
}

/** Header: the log-out button; hide the app nav when signed out. */
export function setupHeader() {
  const signedIn = Boolean(getToken());
  const nav = document.getElementById("app-nav");
  if (nav) nav.hidden = !signedIn;
  const button = document.getElementById("logout");
  if (button) {
    button.addEventListener("click", () => {
      logout();
      location.assign("/app/login/");
    });
  }
}

export function getParam(name) {
  return new URLSearchParams(location.search).get(name);
}

/** Where to go after logging in: a local `next` path only (never another site). */
export function nextUrl(fallback = "/app/") {
  const next = getParam("next");
  return next && next.startsWith("/app/") && !next.startsWith("//") ? next : fallback;
}

window.addEventListener("unhandledrejection", (event) => {
  const reason = event.reason;
  notify(reason && reason.message ? reason.message : "Something went wrong");
  event.preventDefault();
});
