// Dates, times and counts in plain words.

/** `14:05` for an RFC 3339 time, in the computer's time zone. */
export function clock(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `2026-11-23 14:05` for an RFC 3339 time, in the computer's time zone. */
export function when(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  return `${isoDay(d)} ${clock(rfc3339)}`;
}

/** `YYYY-MM-DD` of a date (local). */
export function isoDay(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `23 Nov` for a `YYYY-MM-DD` day. */
export function shortDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  return `${Number(m[3])} ${months[Number(m[2]) - 1]}`;
}

/** `1 attempt`, `3 attempts`. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
