// Dates, times and numbers in the console's language, built on `Intl`.

import type { Account, Attempt } from "../api";
import { intlLocale, t } from "../i18n";

function date(rfc3339: string): Date | null {
  const d = new Date(rfc3339);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** `1,234` in English, `1 234` (narrow no-break space) in French. */
export function number(n: number): string {
  return new Intl.NumberFormat(intlLocale()).format(n);
}

/** `14:05` for an RFC 3339 time, 24-hour, in the computer's time zone. */
export function clock(rfc3339: string): string {
  const d = date(rfc3339);
  if (!d) return rfc3339;
  return new Intl.DateTimeFormat(intlLocale(), { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d);
}

/** `23 Nov 2026, 14:05` / `23 nov. 2026 à 14:05` for an RFC 3339 time, in the computer's time zone. */
export function when(rfc3339: string): string {
  const d = date(rfc3339);
  if (!d) return rfc3339;
  const day = new Intl.DateTimeFormat(intlLocale(), { day: "numeric", month: "short", year: "numeric" }).format(d);
  return t("format-date-time", { date: day, time: clock(rfc3339) });
}

/** `YYYY-MM-DD` of a date (local). */
export function isoDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `23 Nov` / `23 nov.` for a `YYYY-MM-DD` day. */
export function shortDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Intl.DateTimeFormat(intlLocale(), { day: "numeric", month: "short" }).format(d);
}

/** How an account is named: the person's name, else the login name. */
export function accountLabel(a: Account): string {
  return a.full_name || a.name;
}

/** The value of the account filter for an account, or for "this computer" (`null`). */
export function accountValue(a: Account | null): string {
  return a ? String(a.uid) : "this-computer";
}

/** The account filter's words for an account, or for "this computer" (`null`). */
export function accountOption(a: Account | null): string {
  return a ? t("activity-account-option", { name: accountLabel(a), login: a.name }) : t("activity-this-computer");
}

/**
 * Who made an attempt, in words: the account (and program where told), "this computer" when
 * the account cannot be told (and the stub it came through), or the other device's address.
 */
export function who(a: Attempt): { who: string; detail: string | null } {
  if (a.account) {
    return { who: accountLabel(a.account), detail: a.program ? t("activity-program", { program: a.program }) : null };
  }
  if (a.local) {
    return { who: t("activity-this-computer"), detail: a.via ? t("activity-through", { stub: a.via }) : null };
  }
  return { who: t("activity-device", { address: a.client }), detail: null };
}
