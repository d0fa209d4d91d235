// The console window: lock screen or the four screens, the service-down banner, idle lock.
//
// The window asks the service for status every two seconds. When that fails it shows the
// banner (with what to do) and keeps asking; when the service answers again the banner goes
// and the current screen reloads, so nothing needs restarting.

import "./style.css";
import { api, ApiError, type Status } from "./api";
import { setShell } from "./app";
import { byId, fill, h } from "./dom";
import { IdleLock } from "./logic/idle";
import { protection } from "./logic/protection";
import { renderActivity } from "./views/activity";
import { renderLock } from "./views/lock";
import { renderOverview } from "./views/overview";
import { renderSettings } from "./views/settings";
import { renderSites } from "./views/sites";

type Screen = "overview" | "sites" | "activity" | "settings";
const SCREENS: { id: Screen; label: string }[] = [
  { id: "overview", label: "Overview" },
  { id: "sites", label: "Sites" },
  { id: "activity", label: "Activity" },
  { id: "settings", label: "Settings" },
];
const IDLE_MINUTES = 10;

let screen: Screen = "overview";
let unlocked = false;
let down = false;
let status: Status | null = null;

const banner = h("div", { id: "service-down", class: "banner", role: "alert", hidden: true });
const lockRoot = h("div", { id: "lock" });
const main = h("main", { id: "main", tabindex: -1 });
const nav = h("nav", { "aria-label": "Screens" },
  h("span", { class: "brand" }, "Vigie"),
  ...SCREENS.map((s) => h("button", { id: `nav-${s.id}`, type: "button", "data-screen": s.id, onclick: () => show(s.id) }, s.label)),
  h("button", { id: "lock-now", type: "button", class: "lock-now", onclick: () => void lockNow() }, "Lock now"));
const consoleRoot = h("div", { id: "console", hidden: true }, nav, main);
fill(byId("app"), banner, lockRoot, consoleRoot, h("p", { id: "toast", role: "status", "aria-live": "polite", hidden: true }));

const idle = new IdleLock(IDLE_MINUTES * 60_000, () => void lockNow());
for (const ev of ["keydown", "pointerdown", "pointermove", "wheel"]) {
  document.addEventListener(ev, () => { if (unlocked) idle.touch(); }, { passive: true });
}

setShell({
  serviceDown: () => setDown(true),
  locked: () => void showLock(),
});

function setDown(isDown: boolean): void {
  const was = down;
  down = isDown;
  banner.hidden = !isDown;
  if (!isDown || was) return;
  const p = protection(null);
  fill(banner, h("strong", {}, "Vigie's service is not running: this computer is not protected right now. "),
    "What to do: ", p.fix, " ", h("span", { class: "hint" }, "Trying again every 2 seconds…"));
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

void start();
setInterval(() => void poll(), 2000);
