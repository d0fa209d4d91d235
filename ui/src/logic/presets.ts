// Where allowed lookups go: a few presets a parent can pick without knowing what DNS is, or a
// custom server. A preset is recognised from the settings so the choice shows as it is.

import type { Protocol, Upstream } from "../api";
import { t } from "../i18n";

export interface Preset {
  id: string;
  label(): string;
  description(): string;
  upstream: Upstream[];
}

export const PRESETS: Preset[] = [
  {
    id: "system",
    label: () => t("preset-system-label"),
    description: () => t("preset-system-description"),
    upstream: [],
  },
  {
    id: "cloudflare-family",
    label: () => t("preset-cloudflare-family-label"),
    description: () => t("preset-cloudflare-family-description"),
    upstream: [
      { address: "1.1.1.3", protocol: "https", "server-name": "family.cloudflare-dns.com", path: "/dns-query" },
      { address: "1.0.0.3", protocol: "https", "server-name": "family.cloudflare-dns.com", path: "/dns-query" },
    ],
  },
  {
    id: "cleanbrowsing-family",
    label: () => t("preset-cleanbrowsing-family-label"),
    description: () => t("preset-cleanbrowsing-family-description"),
    upstream: [
      { address: "185.228.168.168", protocol: "https", "server-name": "doh.cleanbrowsing.org", path: "/doh/family-filter/" },
      { address: "185.228.169.168", protocol: "https", "server-name": "doh.cleanbrowsing.org", path: "/doh/family-filter/" },
    ],
  },
  {
    id: "quad9",
    label: () => t("preset-quad9-label"),
    description: () => t("preset-quad9-description"),
    upstream: [
      { address: "9.9.9.9", protocol: "tls", "server-name": "dns.quad9.net" },
      { address: "149.112.112.112", protocol: "tls", "server-name": "dns.quad9.net" },
    ],
  },
];

function same(a: Upstream, b: Upstream): boolean {
  return (
    a.address === b.address &&
    a.protocol === b.protocol &&
    (a["server-name"] ?? null) === (b["server-name"] ?? null) &&
    (a.path ?? null) === (b.path ?? null)
  );
}

/** The preset these upstreams are, or "custom". */
export function presetOf(upstream: Upstream[]): string {
  const found = PRESETS.find(
    (p) => p.upstream.length === upstream.length && p.upstream.every((u, i) => same(u, upstream[i])),
  );
  return found ? found.id : "custom";
}

export interface Custom {
  address: string;
  protocol: Protocol;
  serverName: string;
}

/** The upstream list for a choice; a custom server is checked first, with a reason if wrong. */
export function upstreamFor(choice: string, custom: Custom): Upstream[] | { problem: string } {
  const preset = PRESETS.find((p) => p.id === choice);
  if (preset) return preset.upstream.map((u) => ({ ...u }));
  const address = custom.address.trim();
  if (!address) return { problem: t("upstream-problem-empty") };
  if (!/^[0-9a-fA-F.:[\]]+$/.test(address)) {
    return { problem: t("upstream-problem-not-ip", { address }) };
  }
  const serverName = custom.serverName.trim();
  if ((custom.protocol === "tls" || custom.protocol === "https") && !serverName) {
    return { problem: t("upstream-problem-needs-name") };
  }
  const u: Upstream = { address, protocol: custom.protocol };
  if (serverName) u["server-name"] = serverName;
  return [u];
}
