// Keeps the URL hash equal to the experiment's config (so any moment can be shared) and reads it back.

import { decodeConfig, encodeConfig } from "../engine/url.js";
import type { ExperimentConfig } from "../protocol.js";
import { h } from "./dom.js";

/** The config in the current URL's hash (defaults for what is missing) and any problems with it. */
export function readUrl(): { config: ExperimentConfig; errors: string[] } {
  return decodeConfig(window.location.hash);
}

/** Replaces the hash without adding a history entry per click (and without firing hashchange). */
export function writeUrl(config: ExperimentConfig): void {
  const hash = `#${encodeConfig(config)}`;
  if (window.location.hash !== hash) history.replaceState(null, "", hash);
}

/** Calls `cb` when the user edits or pastes a different hash into the address bar. */
export function watchUrl(cb: (config: ExperimentConfig, errors: string[]) => void): void {
  window.addEventListener("hashchange", () => {
    // A hash without settings (an in-page anchor) is not an experiment: leave the current one alone.
    if (!window.location.hash.includes("=")) return;
    const { config, errors } = readUrl();
    cb(config, errors);
  });
}

/** The "share" button: copies the page's URL (which holds the whole config) to the clipboard. */
export function shareButton(): HTMLButtonElement {
  const label = "Copy a link to this experiment";
  const btn = h(
    "button",
    { type: "button", class: "share-btn", "data-testid": "share", "aria-label": label, title: label },
    ["Share"],
  );
  const done = (text: string): void => {
    btn.textContent = text;
    btn.dataset.copied = text === "Link copied" ? "true" : "false";
    setTimeout(() => {
      btn.textContent = "Share";
    }, 1600);
  };
  btn.addEventListener("click", () => {
    const url = window.location.href;
    btn.dataset.url = url;
    if (navigator.clipboard?.writeText) {
      navigator.clipboard.writeText(url).then(
        () => done("Link copied"),
        () => done(fallbackCopy(url) ? "Link copied" : "Copy the address bar"),
      );
    } else done(fallbackCopy(url) ? "Link copied" : "Copy the address bar");
  });
  return btn;
}

/** Copies through a hidden text field where the Clipboard API is missing or refused (plain-http hosts). */
function fallbackCopy(text: string): boolean {
  const ta = h("textarea", { "aria-hidden": "true", style: "position:fixed;left:-9999px" });
  ta.value = text;
  document.body.append(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}
