// The console window: lock screen or the four screens, the service-down banner, idle lock.
//
// The window asks the service for status every two seconds. When that fails it shows the
// banner (with what to do) and keeps asking; when the service answers again the banner goes
// and the current screen reloads, so nothing needs restarting. Every word comes from `t()`;
// when the parent picks another language, the window redraws at once.

import "./style.css";
import { api, ApiError, type Status } from "./api";
import { setShell } from "./app";
import { byId, fill, h } from "./dom";
import { lang, setSessionLanguage, t } from "./i18n";
import { IdleLock } from "./logic/idle";
import { applyLanguage, languageChoice, loadLanguageChoice } from "./logic/language-choice";
import { protection } from "./logic/protection";
import { renderActivity } from "./views/activity";
import { renderLock } from "./views/lock";
import { renderOverview } from "./views/overview";
import { renderSettings } from "./views/settings";
import { renderSites } from "./views/sites";

type Screen = "overview" | "sites" | "activity" | "settings";
const SCREENS: { id: Screen; label: () => string }[] = [
  { id: "overview", label: () => t("nav-overview") },
  { id: "sites", label: () => t("nav-sites") },
  { id: "activity", label: () => t("nav-activity") },
  { id: "settings", label: () => t("nav-settings") },
];
const IDLE_MINUTES = 10;
const POLL_SECONDS = 2;

let screen: Screen = "overview";
let unlocked = false;
let down = false;
let status: Status | null = null;

const banner = h("div", { id: "service-down", class: "banner", role: "alert", hidden: true });
const lockRoot = h("div", { id: "lock" });
const main = h("main", { id: "main", tabindex: -1 });
const brand = h("span", { class: "brand" });
const navButtons = SCREENS.map((s) => h("button", { id: `nav-${s.id}`, type: "button", "data-screen": s.id, onclick: () => show(s.id) }));
const lockButton = h("button", { id: "lock-now", type: "button", class: "lock-now", onclick: () => void lockNow() });
const nav = h("nav", {}, brand, ...navButtons, lockButton);
const consoleRoot = h("div", { id: "console", hidden: true }, nav, main);
fill(byId("app"), banner, lockRoot, consoleRoot, h("p", { id: "toast", role: "status", "aria-live": "polite", hidden: true }));

const idle = new IdleLock(IDLE_MINUTES * 60_000, () => void lockNow());
for (const ev of ["keydown", "pointerdown", "pointermove", "wheel"]) {
  document.addEventListener(ev, () => { if (unlocked) idle.touch(); }, { passive: true });
}

setShell({
  serviceDown: () => setDown(true),
  locked: () => void showLock(),
  languageChanged: () => void relabel(),
});

/** Writes the words of the window's frame, then redraws what is shown, in the language in force. */
async function relabel(): Promise<void> {
  frame();
  if (down) fillBanner();
  if (unlocked && !down) await show(screen);
  else if (!lockRoot.hidden && lockRoot.childElementCount > 0) await showLock();
}

/** The words of the window's frame: title, navigation. */
function frame(): void {
  document.title = t("app-window-title");
  nav.setAttribute("aria-label", t("nav-label"));
  brand.textContent = t("app-name");
  SCREENS.forEach((s, i) => { navButtons[i].textContent = s.label(); });
  lockButton.textContent = t("nav-lock-now");
}

/**
 * Once a parent session is open, the language chosen in the settings applies (the lock screen
 * before it follows the session's language).
 */
async function followChosenLanguage(): Promise<void> {
  try {
    const before = lang();
    if (applyLanguage(await loadLanguageChoice()) !== before) {
      frame();
      if (down) fillBanner();
    }
  } catch {
    // The screens report what went wrong themselves.
  }
}

function fillBanner(): void {
  const p = protection(null);
  fill(banner, h("strong", {}, t("banner-down")), " ",
    t("banner-what-to-do"), " ", p.fix, " ", h("span", { class: "hint" }, t("banner-retrying", { seconds: POLL_SECONDS })));
}

function setDown(isDown: boolean): void {
  const was = down;
  down = isDown;
  banner.hidden = !isDown;
  if (!isDown || was) return;
  const p = protection(null);
  fillBanner();
  // Nothing on the screens can be trusted or changed while the service is away.
  if (unlocked) {
    fill(main, h("section", { id: "protection", class: "card protection bad", "data-state": p.state },
      h("h2", {}, p.headline), h("p", {}, p.detail)));
  }
}

async function poll(): Promise<void> {
  try {
    status = await api.status();
    if (down) {
      setDown(false);
      await start();
    }
  } catch (e) {
    const err = ApiError.from(e);
    if (err.kind === "service_down") setDown(true);
  }
}

async function start(): Promise<void> {
  try {
    status = await api.status();
    setDown(false);
    const s = await api.session();
    if (s.unlocked) await showConsole();
    else await showLock(!s.password_set);
  } catch (e) {
    const err = ApiError.from(e);
    if (err.kind === "service_down") {
      setDown(true);
      if (!unlocked) renderLock(lockRoot, null, false, () => void showConsole());
    }
  }
}

async function showLock(firstRun = false): Promise<void> {
  unlocked = false;
  idle.stop();
  consoleRoot.hidden = true;
  lockRoot.hidden = false;
  if (!firstRun && status && !status.password_set) firstRun = true;
  renderLock(lockRoot, down ? null : status, firstRun, () => void showConsole());
}

async function lockNow(): Promise<void> {
  try {
    await api.lock();
  } catch {
    // The token is forgotten on the Rust side whatever the service says.
  }
  await showLock();
}

async function showConsole(): Promise<void> {
  unlocked = true;
  idle.touch();
  lockRoot.hidden = true;
  fill(lockRoot);
  consoleRoot.hidden = false;
  await followChosenLanguage();
  await show(screen);
}

async function show(next: Screen): Promise<void> {
  screen = next;
  for (const b of nav.querySelectorAll<HTMLButtonElement>("button[data-screen]")) {
    b.setAttribute("aria-current", b.dataset.screen === next ? "page" : "false");
  }
  const root = h("div", { id: `view-${next}`, class: "view" });
  fill(main, root);
  switch (next) {
    case "overview":
      try {
        status = await api.status();
        await renderOverview(root, status, () => void show("overview"));
      } catch (e) {
        const err = ApiError.from(e);
        if (err.kind === "service_down") setDown(true);
      }
      break;
    case "sites":
      await renderSites(root);
      break;
    case "activity":
      await renderActivity(root);
      break;
    case "settings":
      await renderSettings(root, () => void showLock());
      break;
  }
  root.dataset.ready = "true";
}

async function boot(): Promise<void> {
  let session: string | null = null;
  try {
    session = await api.locale();
  } catch {
    // Outside the app (or an older Rust side): the web view's own languages decide.
  }
  setSessionLanguage(session);
  applyLanguage(languageChoice());
  await relabel();
  await start();
  setInterval(() => void poll(), POLL_SECONDS * 1000);
}

void boot();
