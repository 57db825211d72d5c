// Settings: language, timezone, password (change, or a reset link by e-mail), log out.

import { api, logout, profile, requireLogin, updateProfile } from "../api.js";
import { $, busy, clearNotices, el, notify, setupHeader } from "../ui.js";

setupHeader();

function offsetLabel(offset) {
  // JavaScript convention: minutes to ADD to local time to get UTC (UTC+1 → -60)
  const east = -offset;
  const sign = east >= 0 ? "+" : "−";
  const hours = Math.floor(Math.abs(east) / 60);
  const minutes = String(Math.abs(east) % 60).padStart(2, "0");
  return `UTC${sign}${hours}:${minutes}`;
}

async function loadLanguages() {
  const select = $("#language");
  const current = profile().language_code || "en";
  let languages = { en: "English", fr: "Français", es: "Español" };
  try {
    languages = (await api("GET", "/language", { query: { language_code: current }, auth: false })).available_languages || languages;
  } catch {
    // keep the built-in list
  }
  select.replaceChildren(
    ...Object.entries(languages).map(([code, name]) => el("option", { value: code, selected: code === current }, name)),
  );
}

function loadTimezones() {
  const select = $("#timezone");
  const device = new Date().getTimezoneOffset();
  const offsets = [];
  for (let east = -12 * 60; east <= 14 * 60; east += 30) offsets.push(-east);
  if (!offsets.includes(device)) offsets.push(device);
  offsets.sort((a, b) => b - a);
  const chosen = profile().timezone_offset ?? device;
  select.replaceChildren(
    ...offsets.map((offset) =>
      el("option", { value: String(offset), selected: offset === chosen }, offsetLabel(offset) + (offset === device ? " (this device)" : "")),
    ),
  );
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    zone = "";
  }
  $("#timezone-hint").textContent = `This device is on ${offsetLabel(device)}${zone ? ` (${zone})` : ""}.`;
}

$("#language-form").addEventListener("submit", (event) => {
  event.preventDefault();
  clearNotices();
  const code = $("#language").value;
  busy(event.submitter, async () => {
    await api("POST", "/language", { json: { language_code: code } });
    updateProfile({ language_code: code });
    notify("Language saved.", "ok");
  });
});

$("#timezone-form").addEventListener("submit", (event) => {
  event.preventDefault();
  clearNotices();
  const offset = Number($("#timezone").value);
  busy(event.submitter, async () => {
    await api("POST", "/timezone", { json: { timezone_offset: offset } });
    updateProfile({ timezone_offset: offset });
    notify("Timezone saved.", "ok");
  });
});

$("#password-form").addEventListener("submit", (event) => {
  event.preventDefault();
  clearNotices();
  const oldPassword = $("#old-password").value;
  const newPassword = $("#new-password").value;
  if (!oldPassword || !newPassword) {
    notify("Enter your current password and a new one.");
    return;
  }
  busy(event.submitter, async () => {
    await api("POST", "/change_password", {
      json: { old_password: oldPassword, new_password: newPassword },
      redirectOn401: false,
    });
    $("#password-form").reset();
    notify("Password changed.", "ok");
  });
});

$("#reset-link").addEventListener("click", (event) => {
  clearNotices();
  const email = profile().email;
  if (!email) {
    notify("Log out and use “Forgot your password?” on the login page.");
    return;
  }
  busy(event.currentTarget, async () => {
    await api("PUT", "/password", { json: { email }, auth: false });
    notify(`A link to choose a new password was sent to ${email}.`, "ok");
  });
});

$("#logout-button").addEventListener("click", () => {
  logout();
  location.assign("/app/login/");
});

if (requireLogin()) {
  const me = profile();
  $("#account-info").textContent = [me.name, me.email].filter(Boolean).join(" · ") || "Signed in";
  loadLanguages();
  loadTimezones();
}
