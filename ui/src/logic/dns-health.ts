// Where allowed lookups go, said in one sentence when something is wrong: the network offers no
// DNS server, a server does not answer (and which one Vigie uses instead), or none answers.

import type { Status, UpstreamServer } from "../api";
import { t } from "../i18n";
import { clock } from "./format";

/** A server's address as a parent reads it: "192.168.1.1", not "192.168.1.1:53 (udp+tcp)". */
export function shortAddress(described: string): string {
  const first = described.split(" ")[0] ?? described;
  return first.replace(/^\[(.*)\]:53$/, "$1").replace(/^([^:\[\]]+):53$/, "$1");
}

const names = (servers: UpstreamServer[]): string => servers.map((s) => shortAddress(s.address)).join(", ");

/** The sentence for the Overview, or null when allowed lookups go where they should. */
export function dnsProblem(status: Status): string | null {
  // A VPN's own servers answer only for the VPN's domains: they say nothing of where the rest goes.
  const servers = status.upstream_servers?.filter((s) => s.role !== "link");
  if (servers === undefined) return status.upstream_ok === false ? t("overview-upstream-down") : null;
  if (servers.length === 0) return t("overview-dns-no-server");
  const failing = servers.filter((s) => s.state === "failing");
  if (failing.length === 0) return null;
  const answering = servers.filter((s) => s.state === "answering");
  const since = failing.map((s) => s.failing_since).filter((x): x is string => x !== null).sort()[0];
  const time = since ? clock(since) : "";
  if (answering.length === 0) return t("overview-dns-none-answers", { servers: names(failing), time });
  const chosenFailing = failing.filter((s) => s.role === "chosen");
  if (chosenFailing.length > 0 && chosenFailing.length === servers.filter((s) => s.role === "chosen").length) {
    return t("overview-dns-chosen-silent", { servers: names(chosenFailing), using: names(answering), time });
  }
  return t("overview-dns-one-silent", { servers: names(failing), using: names(answering), time });
}

/** Where allowed lookups go now, for Settings: "the network's (NetworkManager): 192.168.1.1". */
export function dnsInUse(status: Status): string | null {
  const n = status.network_dns;
  if (status.upstream_mode === "network") {
    if (!n || n.servers.length === 0) return t("settings-dns-network-none");
    return t("settings-dns-network-now", { servers: n.servers.join(", "), source: n.source ?? "" });
  }
  if (status.upstream_mode === "chosen" && n && n.servers.length > 0) {
    return t("settings-dns-chosen-fallback", { servers: n.servers.join(", ") });
  }
  return null;
}
