// What is protected and what is not yet, item by item, for the Overview after setup: the lists,
// this computer's own lookups, the redirect of programs that pick their own DNS server, and the
// list feeds when one is subscribed to or Vigie's own feed fails.

import type { Status } from "../api";
import { t, tm } from "../i18n";

export interface Covered {
  id: string;
  /** true: in place; false: not in place; null: not known yet. */
  ok: boolean | null;
  text: string;
}

export function coverage(status: Status): Covered[] {
  const items: Covered[] = [];
  const off = status.lists_off ?? [];
  items.push(off.length === 0
    ? { id: "lists", ok: true, text: t("coverage-lists", { count: status.domains }) }
    : { id: "lists", ok: false, text: t("coverage-lists-off", { lists: off.join(", ") }) });
  items.push({
    id: "system",
    ok: status.system_dns_ok,
    text: status.system_dns_ok === true ? t("coverage-system-ok")
      : status.system_dns_ok === false ? t("coverage-system-bad") : t("coverage-system-unknown"),
  });
  const r = status.redirect ?? null;
  items.push(r === "active" || r === "restored"
    ? { id: "redirect", ok: true, text: t("coverage-redirect-active") }
    : r === null
      ? { id: "redirect", ok: false, text: t("coverage-redirect-none") }
      : { id: "redirect", ok: false, text: t("coverage-redirect-failed") });
  const feeds = status.feeds;
  if (feeds && feeds.failing > 0) {
    // The service's own sentence, as `vigie status` says it: the last good copies stay in force.
    items.push({ id: "feeds", ok: false, text: t("status-feeds-failing", { count: feeds.failing, names: feeds.failing_names.join(", ") }) });
  } else if (feeds && feeds.subscriptions > 0) {
    items.push({ id: "feeds", ok: true, text: t("coverage-feeds-ok", { count: feeds.subscriptions }) });
  }
  if (feeds?.vigie_feed === "failing") {
    const reason = feeds.vigie_feed_reason ? tm(feeds.vigie_feed_reason) : t("feeds-error-unknown");
    items.push({ id: "vigie-feed", ok: false, text: t("status-vigie-feed-failing", { reason }) });
  }
  return items;
}
