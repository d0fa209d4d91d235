// The parent password: a strength hint while typing, and the checks before it is sent.
// The service insists on at least 8 characters; the hint nudges towards a longer phrase,
// which is what keeps a determined child from guessing it.

import { t } from "../i18n";

/** The service's minimum length. */
export const MIN_LENGTH = 8;

export interface Strength {
  score: 0 | 1 | 2 | 3 | 4;
  label: string;
  hint: string;
}

const COMMON = ["password", "123456", "qwerty", "azerty", "letmein", "iloveyou", "admin", "welcome"];

export function strength(password: string): Strength {
  const length = [...password].length;
  if (length === 0) return { score: 0, label: "", hint: t("strength-empty-hint", { min: MIN_LENGTH }) };
  if (length < MIN_LENGTH) return { score: 0, label: t("strength-too-short"), hint: t("strength-missing", { count: MIN_LENGTH - length }) };
  const lower = password.toLowerCase();
  if (COMMON.some((c) => lower.includes(c)) || /^(.)\1+$/.test(password)) {
    return { score: 1, label: t("strength-easy"), hint: t("strength-easy-hint") };
  }
  let kinds = 0;
  if (/[a-z]/.test(password)) kinds++;
  if (/[A-Z]/.test(password)) kinds++;
  if (/[0-9]/.test(password)) kinds++;
  if (/[^A-Za-z0-9]/.test(password)) kinds++;
  const words = password.trim().split(/\s+/).length;
  if (length >= 16 || (words >= 3 && length >= 12)) {
    return { score: 4, label: t("strength-strong"), hint: t("strength-strong-hint") };
  }
  if (length >= 12 || kinds >= 3) {
    return { score: 3, label: t("strength-good"), hint: t("strength-good-hint") };
  }
  return { score: 2, label: t("strength-fair"), hint: t("strength-fair-hint") };
}

/** The label and hint together, as shown under the field. */
export function strengthLine(s: Strength): string {
  return s.label ? t("strength-label-and-hint", { label: s.label, hint: s.hint }) : s.hint;
}

/** Why a new password cannot be used yet, or null when it can. */
export function newPasswordProblem(password: string, confirmation: string): string | null {
  if ([...password].length < MIN_LENGTH) return t("password-too-short", { min: MIN_LENGTH });
  if (password !== confirmation) return t("password-mismatch");
  return null;
}
