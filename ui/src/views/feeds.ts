// The Sites screen's list feeds: each subscription with its host, on/off, when it was last
// updated, its domains and why it fails; "Add a feed" by pasting an address; and the updates of
// Vigie's own list (on/off, a mirror).
//
// The rows are drawn from `state` every time it changes. The service downloads in the
// background, so while a feed waits for its first download or a "Refresh now" the section asks
// again every few seconds, and every half minute otherwise (so "2 minutes ago" stays true); it
// stops once the screen is left.

import { api, type AddSubscription, type FeedFormat, type Subscription, type VigieFeed } from "../api";
import { report, toast } from "../app";
import { fill, h, say } from "../dom";
import { t } from "../i18n";
import {
  DEFAULT_REFRESH, REFRESH_CHOICES, every, feedUrl, formatLabel, hostOf, stateKind, stateLabel, subscriptionLine, vigieFeedLine,
} from "../logic/feeds";

const FAST_MS = 1500;
const SLOW_MS = 30_000;
/** A "Refresh now" that the service has not reported on after this long stops being awaited. */
const CHECK_GIVE_UP_MS = 90_000;
const FORMATS: FeedFormat[] = ["auto", "hosts", "domains", "adblock", "vigie"];

interface State {
  etag: string | null;
  subs: Subscription[];
  feed: VigieFeed | null;
  /** Rows whose "Remove" awaits the parent's confirmation. */
  confirming: Set<string>;
  /** Rows whose "Refresh now" is under way: the check time before it, and when it was asked. */
  checking: Map<string, { before: string | null; since: number }>;
  /** The same for Vigie's own feed, which the service checks again after each change. */
  vigieChecking: { before: string | null; since: number } | null;
}

let state: State = fresh();
let timer: ReturnType<typeof setTimeout> | null = null;
/** The elements of the section on screen now (a new render replaces them). */
let els: { list: HTMLElement; vigie: HTMLElement } | null = null;

function fresh(): State {
  return { etag: null, subs: [], feed: null, confirming: new Set(), checking: new Map(), vigieChecking: null };
}

/** The two cards of the section; `loadFeeds` fills them. */
export function renderFeeds(): HTMLElement[] {
  state = fresh();
  const list = h("ul", { id: "feeds", class: "feeds" });
  const vigie = h("section", { id: "vigie-feed", class: "card", "aria-labelledby": "vigie-feed-title" });
  els = { list, vigie };
  const card = h("section", { id: "feeds-card", class: "card", "aria-labelledby": "feeds-title" },
    h("h2", { id: "feeds-title" }, t("feeds-title")),
    h("p", { class: "hint" }, t("feeds-hint")),
    list,
    addForm());
  return [card, vigie];
}

/** Reads the subscriptions and Vigie's feed from the service and draws them. */
export async function loadFeeds(): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = null;
  const mine = els;
  if (!mine || !mine.list.isConnected) return;
  try {
    const v = await api.subscriptions();
    if (els !== mine) return;
    state.etag = v.etag;
    state.subs = v.value.subscriptions;
    state.feed = v.value.vigie_feed;
    const now = Date.now();
    for (const [id, c] of state.checking) {
      const s = state.subs.find((x) => x.id === id);
      if (!s || (s.checked_at ?? null) !== c.before || now - c.since > CHECK_GIVE_UP_MS) state.checking.delete(id);
    }
    for (const id of state.confirming) if (!state.subs.some((s) => s.id === id)) state.confirming.delete(id);
    const vc = state.vigieChecking;
    if (vc && ((state.feed.checked_at ?? null) !== vc.before || now - vc.since > CHECK_GIVE_UP_MS)) state.vigieChecking = null;
    drawList();
    drawVigie();
  } catch (e) {
    report(e);
  }
  schedule();
}

function schedule(): void {
  if (timer) clearTimeout(timer);
  const waiting = state.checking.size > 0 || state.vigieChecking !== null
    || state.subs.some((s) => s.enabled && s.state === "pending")
    || (state.feed?.available === true && state.feed.enabled && state.feed.state === "pending");
  timer = setTimeout(() => void loadFeeds(), waiting ? FAST_MS : SLOW_MS);
}

/** Redraws the rows from `state`, keeping the keyboard focus where it was. */
function drawList(): void {
  if (!els) return;
  const list = els.list;
  const focused = list.contains(document.activeElement) ? document.activeElement?.id : null;
  const now = new Date();
  if (state.subs.length === 0) fill(list, h("li", { class: "empty" }, t("feeds-empty")));
  else fill(list, state.subs.map((s) => row(s, now)));
  if (focused) document.getElementById(focused)?.focus();
}

function replace(s: Subscription): void {
  state.subs = state.subs.map((x) => (x.id === s.id ? s : x));
}

function row(s: Subscription, now: Date): HTMLElement {
  const host = hostOf(s.url) ?? s.url;
  const toggle = h("input", { id: `feed-toggle-${s.id}`, type: "checkbox", role: "switch", checked: s.enabled, "aria-label": t("feeds-toggle-label", { name: s.name }) });
  toggle.addEventListener("change", async () => {
    try {
      const changed = await api.changeSubscription(s.id, { enabled: toggle.checked });
      replace(changed);
      drawList();
      toast(changed.enabled ? t("sites-list-turned-on", { list: changed.name }) : t("sites-list-turned-off", { list: changed.name }));
      schedule();
    } catch (e) {
      toggle.checked = !toggle.checked;
      report(e);
    }
  });
  const line = subscriptionLine(s, now);
  const checking = state.checking.has(s.id);
  const actions = state.confirming.has(s.id)
    ? h("div", { class: "actions confirm", role: "group", "aria-label": t("feeds-remove-label", { name: s.name }) },
      h("span", {}, t("feeds-remove-confirm", { name: s.name })),
      h("button", { id: `feed-remove-yes-${s.id}`, type: "button", class: "danger", onclick: () => void remove(s) }, t("feeds-remove-yes")),
      h("button", { id: `feed-remove-no-${s.id}`, type: "button", onclick: () => {
        state.confirming.delete(s.id);
        drawList();
        document.getElementById(`feed-remove-${s.id}`)?.focus();
      } }, t("feeds-remove-cancel")))
    : h("div", { class: "actions" },
      h("button", { id: `feed-refresh-${s.id}`, type: "button", disabled: !s.enabled || checking, "aria-label": t("feeds-refresh-label-for", { name: s.name }), onclick: () => void refresh(s) }, t("feeds-refresh")),
      h("button", { id: `feed-remove-${s.id}`, type: "button", "aria-label": t("feeds-remove-label", { name: s.name }), onclick: () => {
        state.confirming.add(s.id);
        drawList();
        document.getElementById(`feed-remove-no-${s.id}`)?.focus();
      } }, t("feeds-remove")));
  return h("li", { class: "feed", "data-feed": s.id, "data-state": s.state },
    h("div", { class: "list-head" },
      h("label", { class: "switch", for: toggle.id }, toggle,
        h("span", {}, h("strong", { class: "feed-name" }, s.name), " ", h("span", { class: "feed-host" }, host))),
      h("span", { class: "feed-badges" },
        h("span", { class: "feed-state", "data-kind": stateKind(s.state) }, stateLabel(s.state)), " ",
        h("span", { class: "feed-domains", "data-count": s.domains }, t("feeds-domains", { count: s.domains })))),
    h("p", { class: "hint feed-url" }, h("code", {}, s.url), " ", t("feeds-every", { every: every(s.refresh_secs) })),
    h("p", { class: "feed-line" }, checking ? t("feeds-line-checking") : line.text),
    line.error ? h("p", { class: "message feed-error", "data-kind": "error" }, line.error) : null,
    actions);
}

async function refresh(s: Subscription): Promise<void> {
  try {
    await api.refreshSubscription(s.id);
    state.checking.set(s.id, { before: s.checked_at ?? null, since: Date.now() });
    drawList();
    toast(t("feeds-refreshing", { name: s.name }));
    schedule();
  } catch (e) {
    report(e);
  }
}

async function remove(s: Subscription): Promise<void> {
  try {
    await api.removeSubscription(s.id);
    state.confirming.delete(s.id);
    state.subs = state.subs.filter((x) => x.id !== s.id);
    drawList();
    toast(t("feeds-removed", { name: s.name }));
    await loadFeeds();
  } catch (e) {
    report(e);
  }
}

/** "Add a feed": the address (with its host or the problem shown as it is typed), a name, and
 * under "Advanced" the format and how often to look for a new copy. */
function addForm(): HTMLElement {
  const url = h("input", { id: "feed-url", type: "text", inputmode: "url", autocomplete: "off", spellcheck: "false", placeholder: t("feeds-url-placeholder"), "aria-describedby": "feed-url-preview" });
  const preview = h("p", { id: "feed-url-preview", class: "preview", "aria-live": "polite" });
  const name = h("input", { id: "feed-name", type: "text", autocomplete: "off", maxlength: 80, placeholder: t("feeds-name-placeholder-none") });
  const format = h("select", { id: "feed-format" },
    ...FORMATS.map((f) => h("option", { value: f, selected: f === "auto" }, formatLabel(f))));
  const refresh = h("select", { id: "feed-refresh" },
    ...REFRESH_CHOICES.map(([text, secs]) => h("option", { value: text, selected: text === DEFAULT_REFRESH }, every(secs))));
  const message = h("p", { id: "feed-message", class: "message", role: "status", hidden: true });
  const add = h("button", { id: "feed-add", type: "submit", class: "primary" }, t("feeds-add"));
  const form = h("form", { id: "feed-form", class: "feed-form", "aria-labelledby": "feed-add-title", novalidate: true },
    h("h3", { id: "feed-add-title" }, t("feeds-add-title")),
    h("label", { for: "feed-url" }, t("feeds-url-label")), url, preview,
    h("label", { for: "feed-name" }, t("feeds-name-label")), name,
    h("details", { id: "feed-advanced" }, h("summary", {}, t("feeds-advanced")),
      h("label", { for: "feed-format" }, t("feeds-format-label")), format,
      h("label", { for: "feed-refresh" }, t("feeds-refresh-label")), refresh),
    h("div", { class: "actions" }, add), message);
  const update = () => {
    const r = feedUrl(url.value);
    if (url.value.trim() === "") {
      preview.textContent = "";
      name.placeholder = t("feeds-name-placeholder-none");
    } else if ("problem" in r) {
      preview.textContent = r.problem;
      preview.dataset.kind = "error";
      name.placeholder = t("feeds-name-placeholder-none");
    } else {
      preview.textContent = t("feeds-url-host", { host: r.host });
      preview.dataset.kind = "ok";
      name.placeholder = t("feeds-name-placeholder", { host: r.host });
    }
  };
  url.addEventListener("input", update);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = feedUrl(url.value);
    if ("problem" in r) {
      say(message, r.problem, "error");
      url.focus();
      return;
    }
    const body: AddSubscription = { url: r.url };
    if (name.value.trim() !== "") body.name = name.value.trim();
    if (format.value !== "auto") body.format = format.value as FeedFormat;
    if (refresh.value !== DEFAULT_REFRESH) body.refresh = refresh.value;
    add.disabled = true;
    try {
      const added = await api.addSubscription(body, state.etag);
      say(message, t("feeds-added", { name: added.name }), "ok");
      url.value = "";
      name.value = "";
      update();
      state.subs = [...state.subs.filter((s) => s.id !== added.id), added];
      drawList();
      await loadFeeds();
    } catch (err) {
      const e2 = report(err, message);
      if (e2.kind === "conflict") {
        say(message, t("feeds-conflict"), "error");
        await loadFeeds();
      }
    } finally {
      add.disabled = false;
    }
  });
  return form;
}

/** Vigie's own feed: built once its state is known, its words updated on every load so that
 * what the parent is typing in the mirror box stays. */
function drawVigie(): void {
  if (!els || !state.feed) return;
  const card = els.vigie;
  const f = state.feed;
  const built = card.dataset.available;
  if (built !== String(f.available)) buildVigie(card, f);
  const line = vigieFeedLine(f);
  const text = card.querySelector<HTMLElement>("#vigie-feed-state");
  if (text) {
    text.textContent = line.text;
    text.dataset.kind = line.kind;
  }
  const toggle = card.querySelector<HTMLInputElement>("#vigie-feed-toggle");
  if (toggle) toggle.checked = f.enabled;
  const address = card.querySelector<HTMLElement>("#vigie-feed-url");
  if (address) {
    address.hidden = !f.url;
    address.textContent = f.url ? t("vigie-feed-address", { url: f.url }) : "";
  }
  const builtin = card.querySelector<HTMLButtonElement>("#vigie-feed-builtin");
  if (builtin) builtin.hidden = !f.custom_url;
}

function buildVigie(card: HTMLElement, f: VigieFeed): void {
  card.dataset.available = String(f.available);
  const title = h("h2", { id: "vigie-feed-title" }, t("vigie-feed-title"));
  const state = h("p", { id: "vigie-feed-state", class: "message" });
  if (!f.available) {
    fill(card, title, state);
    return;
  }
  const message = h("p", { id: "vigie-feed-message", class: "message", role: "status", hidden: true });
  const toggle = h("input", { id: "vigie-feed-toggle", type: "checkbox", role: "switch", checked: f.enabled });
  toggle.addEventListener("change", () => void changeFeed({ enabled: toggle.checked }, message,
    (g) => (g.enabled ? t("vigie-feed-turned-on") : t("vigie-feed-turned-off")), () => { toggle.checked = !toggle.checked; }));
  const mirror = h("input", { id: "vigie-feed-mirror", type: "text", inputmode: "url", autocomplete: "off", spellcheck: "false", placeholder: t("feeds-url-placeholder") });
  const save = h("button", { id: "vigie-feed-mirror-save", type: "submit" }, t("vigie-feed-mirror-save"));
  const builtin = h("button", { id: "vigie-feed-builtin", type: "button", hidden: !f.custom_url }, t("vigie-feed-builtin"));
  const form = h("form", { novalidate: true },
    h("p", { id: "vigie-feed-url", class: "hint" }),
    h("label", { for: "vigie-feed-mirror" }, t("vigie-feed-mirror-label")), mirror,
    h("p", { class: "hint" }, t("vigie-feed-mirror-hint")),
    h("div", { class: "actions" }, save, builtin));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const r = feedUrl(mirror.value);
    if ("problem" in r) return say(message, r.problem, "error");
    void changeFeed({ url: r.url }, message, () => t("vigie-feed-mirror-saved", { host: r.host }), () => {}).then((ok) => {
      if (ok) mirror.value = "";
    });
  });
  builtin.addEventListener("click", () => void changeFeed({ url: null }, message, () => t("vigie-feed-builtin-saved"), () => {}));
  fill(card, title,
    h("p", { class: "hint" }, t("vigie-feed-hint")),
    h("label", { class: "switch", for: "vigie-feed-toggle" }, toggle, " ", t("vigie-feed-toggle")),
    state,
    h("details", { id: "vigie-feed-advanced" }, h("summary", {}, t("feeds-advanced")), form),
    message);
}

async function changeFeed(
  change: { enabled?: boolean; url?: string | null },
  message: HTMLElement,
  said: (f: VigieFeed) => string,
  undo: () => void,
): Promise<boolean> {
  try {
    const before = state.feed?.checked_at ?? null;
    state.feed = await api.changeFeed(change);
    // Unless it is off now, the service checks it again at once: follow that check closely.
    state.vigieChecking = state.feed.state === "off" ? null : { before, since: Date.now() };
    drawVigie();
    say(message, said(state.feed), "ok");
    schedule();
    return true;
  } catch (e) {
    undo();
    report(e, message);
    return false;
  }
}
