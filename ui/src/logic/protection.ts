// Is this computer protected, and if not, why and what to do: the first thing the parent sees.

import type { Status } from "../api";
import { said, t } from "../i18n";
import { clock } from "./format";

export type ProtectionState = "protected" | "down" | "paused" | "not_reaching" | "config_error";

export interface Protection {
  state: ProtectionState;
  ok: boolean;
  headline: string;
  detail: string;
  /** What to do about it, when something is wrong. */
  fix: string | null;
}

export function protection(status: Status | null): Protection {
  if (status === null) {
    return {
      state: "down",
      ok: false,
      headline: t("protection-down-headline"),
      detail: t("protection-down-detail"),
      fix: t("protection-down-fix"),
    };
  }
  if (status.paused_until) {
    return {
      state: "paused",
      ok: false,
      headline: t("protection-paused-headline", { time: clock(status.paused_until) }),
      detail: t("protection-paused-detail"),
      fix: t("protection-paused-fix"),
    };
  }
  if (status.system_dns_ok === false) {
    return {
      state: "not_reaching",
      ok: false,
      headline: t("protection-not-reaching-headline"),
      detail: t("protection-not-reaching-detail"),
      fix: t("protection-not-reaching-fix"),
    };
  }
  if (status.last_reload_error) {
    return {
      state: "config_error",
      ok: true,
      headline: t("protection-config-error-headline"),
      detail: t("protection-config-error-detail", { problem: said(status.last_reload_message, status.last_reload_error) }),
      fix: t("protection-config-error-fix"),
    };
  }
  return {
    state: "protected",
    ok: true,
    headline: t("protection-ok-headline"),
    detail: t("protection-ok-detail", { count: status.domains }),
    fix: null,
  };
}
