// Is this computer protected, and if not, why and what to do: the first thing the parent sees.

import type { Status } from "../api";
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
      headline: "Not protected: Vigie's service is not running",
      detail: "While it is stopped, blocked sites open normally and nothing is recorded.",
      fix: "Restart the computer. If this stays, run `sudo systemctl restart vigie` (or `vigie run --dev` when trying Vigie out). This window reconnects by itself.",
    };
  }
  if (status.paused_until) {
    return {
      state: "paused",
      ok: false,
      headline: `Paused until ${clock(status.paused_until)}`,
      detail: "A parent paused protection. Blocked sites open until then; it comes back by itself.",
      fix: "Press “Resume protection” to turn it back on now.",
    };
  }
  if (status.system_dns_ok === false) {
    return {
      state: "not_reaching",
      ok: false,
      headline: "Not protected: this computer's lookups do not reach Vigie",
      detail: "The computer asks another DNS server, so Vigie never sees the sites being opened.",
      fix: "Reinstall Vigie, or set this computer's DNS server back to 127.0.0.1.",
    };
  }
  if (status.last_reload_error) {
    return {
      state: "config_error",
      ok: true,
      headline: "Protected, but your last change did not take effect",
      detail: `The previous settings stay in force. The problem: ${status.last_reload_error}`,
      fix: "Correct the file named above, or undo your last change.",
    };
  }
  return {
    state: "protected",
    ok: true,
    headline: "This computer is protected",
    detail: `${status.domains.toLocaleString("en")} blocked domains are in force.`,
    fix: null,
  };
}
