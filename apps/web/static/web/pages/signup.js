import { api, getToken } from "../api.js";
import { $, busy, clearNotices, notify, setupHeader } from "../ui.js";
import { afterLogin } from "./session.js";

setupHeader();
if (getToken()) location.replace("/app/");

$("#signup-form").addEventListener("submit", (event) => {
  event.preventDefault();
  clearNotices();
  const name = $("#name").value.trim();
  const email = $("#email").value.trim();
  const password = $("#password").value;
  const missing = [!name && "your name", !email && "your e-mail", !password && "a password"].filter(Boolean);
  if (missing.length) {
    notify(`Enter ${missing.join(", ")}.`);
    return;
  }
  const language = (navigator.language || "en").slice(0, 2).toLowerCase();
  busy(event.submitter, async () => {
    const payload = await api("PUT", "/user", {
      json: { email, name, password, language_code: ["en", "fr", "es"].includes(language) ? language : "en" },
      auth: false,
    });
    await afterLogin(payload, email);
  }, { busyText: "Creating your account…" });
});
