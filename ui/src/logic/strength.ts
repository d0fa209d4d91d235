// The parent password: a strength hint while typing, and the checks before it is sent.
// The service insists on at least 8 characters; the hint nudges towards a longer phrase,
// which is what keeps a determined child from guessing it.

export interface Strength {
  score: 0 | 1 | 2 | 3 | 4;
  label: string;
  hint: string;
}

const COMMON = ["password", "123456", "qwerty", "azerty", "letmein", "iloveyou", "admin", "welcome"];

export function strength(password: string): Strength {
  const length = [...password].length;
  if (length === 0) return { score: 0, label: "", hint: "At least 8 characters. A short sentence is easy to remember and hard to guess." };
  if (length < 8) return { score: 0, label: "Too short", hint: `${8 - length} more character${8 - length === 1 ? "" : "s"} needed.` };
  const lower = password.toLowerCase();
  if (COMMON.some((c) => lower.includes(c)) || /^(.)\1+$/.test(password)) {
    return { score: 1, label: "Easy to guess", hint: "Avoid common passwords and repeated characters." };
  }
  let kinds = 0;
  if (/[a-z]/.test(password)) kinds++;
  if (/[A-Z]/.test(password)) kinds++;
  if (/[0-9]/.test(password)) kinds++;
  if (/[^A-Za-z0-9]/.test(password)) kinds++;
  const words = password.trim().split(/\s+/).length;
  if (length >= 16 || (words >= 3 && length >= 12)) {
    return { score: 4, label: "Strong", hint: "Good: long passwords are the hardest to guess." };
  }
  if (length >= 12 || kinds >= 3) {
    return { score: 3, label: "Good", hint: "A few more words would make it stronger still." };
  }
  return { score: 2, label: "Fair", hint: "Longer is better: try three or four words with spaces." };
}

/** Why a new password cannot be used yet, or null when it can. */
export function newPasswordProblem(password: string, confirmation: string): string | null {
  if ([...password].length < 8) return "The password needs at least 8 characters.";
  if (password !== confirmation) return "The two passwords are not the same.";
  return null;
}
