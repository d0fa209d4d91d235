// List feeds in words, for the Sites screen: how long ago a feed was checked, what state it is
// in and why it fails, and whether a pasted address can be subscribed to (the same rules as the
// service's `[[subscription]] url`, so the parent hears about a typo before anything is sent).

import type { FeedFormat, FeedState, Subscription, VigieFeed } from "../api";
import { t, tm } from "../i18n";
import { when } from "./format";

/** The longest address the service accepts, in bytes (`settings.toml`'s rule). */
export const URL_MAX_BYTES = 2048;
/** The refresh intervals the "advanced" choice offers, as the service reads them and in seconds. */
export const REFRESH_CHOICES: readonly (readonly [string, number])[] = [
  ["1h", 3600], ["6h", 6 * 3600], ["12h", 12 * 3600], ["24h", 24 * 3600], ["2d", 2 * 86400], ["7d", 7 * 86400],
];
/** The service's default interval, which the page then leaves out of the request. */
export const DEFAULT_REFRESH = "24h";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Past this, a time is written as a date rather than "N days ago". */
const AS_DATE_AFTER = 30 * DAY;

function time(rfc3339: string | null | undefined): number | null {
  if (!rfc3339) return null;
  const ms = new Date(rfc3339).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/**
 * A past time relative to `now`: "just now", "5 minutes ago", "2 hours ago", "3 days ago",
 * then the date. A time a little ahead of this computer's clock is "just now". Null for none.
 */
export function ago(rfc3339: string | null | undefined, now: Date = new Date()): string | null {
  const at = time(rfc3339);
  if (at === null) return null;
  const elapsed = now.getTime() - at;
  if (elapsed < MINUTE) return t("time-just-now");
  if (elapsed < HOUR) return t("time-minutes-ago", { count: Math.floor(elapsed / MINUTE) });
  if (elapsed < DAY) return t("time-hours-ago", { count: Math.floor(elapsed / HOUR) });
  if (elapsed < AS_DATE_AFTER) return t("time-days-ago", { count: Math.floor(elapsed / DAY) });
  return t("time-on-date", { date: when(rfc3339!) });
}

/**
 * A coming time relative to `now`: "in a moment" (under half a minute, or past), "in 5 minutes",
 * "in 3 hours", "in 2 days".
 */
export function soon(rfc3339: string | null | undefined, now: Date = new Date()): string | null {
  const at = time(rfc3339);
  if (at === null) return null;
  const left = at - now.getTime();
  if (left < MINUTE / 2) return t("time-soon");
  // Minutes rounded up: a retry due in 59 seconds is "in a minute", never "in 0 minutes".
  if (left < HOUR) return t("time-in-minutes", { count: Math.ceil(left / MINUTE) });
  if (left < DAY) return t("time-in-hours", { count: Math.round(left / HOUR) });
  return t("time-in-days", { count: Math.round(left / DAY) });
}

/** How often a feed is checked: "every hour", "every 6 hours", "every day", "every 7 days". */
export function every(secs: number): string {
  const hours = Math.max(1, Math.round(secs / 3600));
  return hours % 24 === 0 ? t("feeds-every-days", { count: hours / 24 }) : t("feeds-every-hours", { count: hours });
}

/** The URL a pasted text names, or why it cannot be subscribed to. */
export function feedUrl(text: string): { url: string; host: string } | { problem: string } {
  const url = text.trim();
  if (url === "") return { problem: t("feeds-url-empty") };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: t("setting-error-feed-url", { url }) };
  }
  if ((parsed.protocol !== "http:" && parsed.protocol !== "https:") || parsed.hostname === "") {
    return { problem: t("setting-error-feed-url", { url }) };
  }
  if (parsed.username !== "" || parsed.password !== "") return { problem: t("setting-error-feed-url-credentials") };
  if (new TextEncoder().encode(url).length > URL_MAX_BYTES) {
    return { problem: t("setting-error-feed-url-long", { max: URL_MAX_BYTES }) };
  }
  return { url, host: hostOf(url)! };
}

/** The host of an address (`example.org`, `127.0.0.1:8080`), or null when it is not one. */
export function hostOf(url: string): string | null {
  try {
    const u = new URL(url.trim());
    return u.host || null;
  } catch {
    return null;
  }
}

/** How a state looks, as the page's message kinds. */
export function stateKind(state: FeedState): "ok" | "error" | "info" {
  return state === "ok" ? "ok" : state === "failing" ? "error" : "info";
}

/** A subscription's state in a word or two: "Up to date", "Not downloaded yet", "Failing", "Off". */
export function stateLabel(state: FeedState): string {
  switch (state) {
    case "ok":
      return t("feeds-state-ok");
    case "pending":
      return t("feeds-state-pending");
    case "failing":
      return t("feeds-state-failing");
    case "off":
      return t("feeds-state-off");
  }
}

/** A format's name in the "advanced" choice. */
export function formatLabel(format: FeedFormat): string {
  switch (format) {
    case "auto":
      return t("feeds-format-auto");
    case "hosts":
      return t("feeds-format-hosts");
    case "domains":
      return t("feeds-format-domains");
    case "adblock":
      return t("feeds-format-adblock");
    case "vigie":
      return t("feeds-format-vigie");
  }
}

/**
 * What a subscription's row says under its name: when it was last updated, or that it has not
 * been downloaded yet, or that it is off; and, while it fails, why (the service's message in the
 * parent's language), what stays in force and when it is tried again.
 */
export function subscriptionLine(s: Subscription, now: Date = new Date()): { text: string; error: string | null } {
  const updated = ago(s.checked_at ?? s.fetched_at, now);
  switch (s.state) {
    case "off":
      return { text: t("feeds-line-off"), error: null };
    case "pending":
      return { text: t("feeds-line-pending"), error: null };
    case "ok":
      return { text: updated ? t("feeds-line-updated", { when: updated }) : t("feeds-line-pending"), error: null };
    case "failing": {
      const reason = s.last_error ? tm(s.last_error) : t("feeds-error-unknown");
      const kept = ago(s.fetched_at, now);
      const next = soon(s.next_check_at, now);
      const parts = [
        kept ? t("feeds-line-failing-kept", { when: kept }) : t("feeds-line-failing-nothing"),
        next ? t("feeds-line-next-try", { when: next }) : null,
      ];
      return {
        text: parts.filter((p) => p !== null).join(" "),
        error: updated ? t("feeds-line-failed-at", { when: updated, reason }) : t("feeds-line-failed", { reason }),
      };
    }
  }
}

/**
 * Vigie's own feed in one line: off (and why), not checked yet, the list number in force
 * against the one this version came with and when it was last checked, or why it fails.
 */
export function vigieFeedLine(f: VigieFeed, now: Date = new Date()): { text: string; kind: "ok" | "error" | "info" } {
  if (!f.available) return { text: t("vigie-feed-none"), kind: "info" };
  if (!f.enabled || f.state === "off") return { text: t("vigie-feed-off"), kind: "info" };
  // As text: a list number (2026120502) is a name, not a quantity to group by thousands.
  const list = f.sequence > f.shipped_sequence
    ? t("vigie-feed-newer", { sequence: String(f.sequence), shipped: String(f.shipped_sequence) })
    : t("vigie-feed-shipped", { sequence: String(f.shipped_sequence) });
  const checked = ago(f.checked_at, now);
  if (f.state === "failing") {
    const reason = f.last_error ? tm(f.last_error) : t("feeds-error-unknown");
    return { text: `${t("vigie-feed-failing", { reason })} ${list}`, kind: "error" };
  }
  if (f.state === "pending" || !checked) return { text: `${t("vigie-feed-pending")} ${list}`, kind: "info" };
  return { text: `${t("vigie-feed-checked", { when: checked })} ${list}`, kind: "ok" };
}
