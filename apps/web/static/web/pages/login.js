import { api, getToken } from "../api.js";
import { $, busy, clearNotices, notify, setupHeader } from "../ui.js";
import { afterLogin } from "./session.js";

setupHeader();
if (getToken()) location.replace("/app/");

$("#fill-demo").addEventListener("click", () => {
  $("#email").value = "demo@example.com";
  $("#password").value = "demo";
  $("#login-submit").focus();
});

$("#login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  clearNotices();
  const email = $("#email").value.trim();
  const password = $("#password").value;
  if (!email || !password) {
    notify("Enter your e-mail and your password.");
    (email ? $("#password") : $("#email")).focus();
    return;
  }
  busy(event.submitter || $("#login-submit"), async () => {
    const payload = await api("POST", "/user", {
      json: { email, password, login_method: "email_password" },
      auth: false,
    });
    await afterLogin(payload, email);
  }, { busyText: "Logging in…" });
});

$("#reset-form").addEventListener("submit", (event) => {
  event.preventDefault();
  clearNotices();
  const email = $("#reset-email").value.trim();
  if (!email) {
    notify("Enter your e-mail.");
    return;
  }
  busy(event.submitter, async () => {
    await api("PUT", "/password", { json: { email }, auth: false });
    notify("If this address has an account, a link is on its way.", "ok");
  });
});
