// Onboarding (the original webapp's order): terms, profile category, company website, finish.

import { api, profile, requireLogin, updateProfile } from "../api.js";
import { $, busy, clearNotices, el, notify, setupHeader } from "../ui.js";

setupHeader();

const STEPS = ["terms-step", "category-step", "company-step", "done-step"];

function show(stepId) {
  for (const id of STEPS) $(`#${id}`).hidden = id !== stepId;
  const index = STEPS.indexOf(stepId);
  $("#onboarding-progress").textContent = `Step ${index + 1} of ${STEPS.length}`;
  const heading = $(`#${stepId} h2`);
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
  if (stepId === "category-step") loadCategories();
}

async function loadCategories() {
  const box = $("#categories");
  box.replaceChildren(el("p", { class: "muted" }, "Loading…"));
  let categories = [];
  try {
    categories = (await api("GET", "/product_category")).product_categories || [];
  } catch (error) {
    box.replaceChildren(el("p", { class: "muted" }, "No profiles can be chosen right now."));
    if (error.status !== 404) notify(error.message);
    return;
  }
  if (!categories.length) {
    box.replaceChildren(el("p", { class: "muted" }, "No profiles to choose from: you can continue."));
    return;
  }
  box.replaceChildren(
    el("legend", { class: "hint" }, "Choose the profile closest to your work"),
    ...categories.map((category, index) =>
      el(
        "label",
        { class: "category card", for: `category-${category.product_category_pk}` },
        el("input", {
          type: "radio",
          name: "product_category_pk",
          id: `category-${category.product_category_pk}`,
          value: String(category.product_category_pk),
          checked: index === 0,
        }),
        el("span", { class: "emoji", "aria-hidden": "true" }, category.emoji || ""),
        el("span", {}, el("strong", {}, category.name || ""), el("br"), el("span", { class: "hint" }, category.description || "")),
      ),
    ),
  );
}

async function finish() {
  await api("PUT", "/onboarding", { json: {} });
  location.assign("/app/");
}

$("#terms-step").addEventListener("submit", (event) => {
  event.preventDefault();
  clearNotices();
  if (!$("#accept-terms").checked) {
    notify("Please accept the terms and conditions to continue.");
    return;
  }
  busy(event.submitter, async () => {
    await api("PUT", "/terms_and_conditions", { json: {} });
    updateProfile({ terms_and_conditions_agreed: true });
    show("category-step");
  });
});

$("#category-step").addEventListener("submit", (event) => {
  event.preventDefault();
  clearNotices();
  const chosen = document.querySelector('input[name="product_category_pk"]:checked');
  if (!chosen) {
    show("company-step");
    return;
  }
  busy(event.submitter, async () => {
    try {
      await api("PUT", "/associate_free_product", { json: { product_category_pk: Number(chosen.value) } });
    } catch (error) {
      // a user who already has a plan keeps it: not a reason to stop the onboarding
      if (error.status !== 400 && error.status !== 409) throw error;
    }
    show("company-step");
  });
});
$("#skip-category").addEventListener("click", () => show("company-step"));

$("#company-step").addEventListener("submit", (event) => {
  event.preventDefault();
  clearNotices();
  const website = $("#website").value.trim();
  if (!website) {
    show("done-step");
    return;
  }
  busy(event.submitter, async () => {
    const company = await api("PUT", "/company", { json: { website_url: website } });
    const found = $("#company-found");
    found.hidden = false;
    found.textContent = `${company.company_emoji || "🏢"} ${company.company_name || website}: ${company.company_description || ""}`;
    setTimeout(() => show("done-step"), 1200);
  }, { busyText: "Reading your website…" });
});
$("#skip-company").addEventListener("click", () => show("done-step"));
$("#finish").addEventListener("click", (event) => busy(event.currentTarget, finish));

if (requireLogin()) {
  show(profile().terms_and_conditions_agreed ? "category-step" : "terms-step");
}
