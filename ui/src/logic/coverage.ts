// What is protected and what is not yet, item by item, for the Overview after setup: the lists,
// this computer's own lookups, and the redirect of programs that pick their own DNS server.

import type { Status } from "../api";
import { t } from "../i18n";

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
  return items;
}
