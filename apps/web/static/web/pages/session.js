// After a login or a sign-up: remember the token, set the device's timezone, then go to the
// onboarding while it is not done, else where the user was going.

import { api, saveLogin } from "../api.js";
import { nextUrl } from "../ui.js";

export async function afterLogin(payload, email) {
  saveLogin(payload, email);
  try {
    await api("POST", "/timezone", { json: { timezone_offset: new Date().getTimezoneOffset() } });
  } catch {
    // not essential: the settings page can set it
  }
  if (!payload.terms_and_conditions_agreed) {
    location.assign("/app/onboarding/");
    return;
  }
  let presented = true;
  try {
    presented = (await api("GET", "/onboarding")).onboarding_presented !== false;
  } catch {
    presented = true;
  }
  location.assign(presented ? nextUrl() : "/app/onboarding/");
}
