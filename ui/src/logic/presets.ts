// Where allowed lookups go: a few presets a parent can pick without knowing what DNS is, or a
// custom server. A preset is recognised from the settings so the choice shows as it is.

import type { Protocol, Upstream } from "../api";

export interface Preset {
  id: string;
  label: string;
  description: string;
  upstream: Upstream[];
}

export const PRESETS: Preset[] = [
  {
    id: "system",
    label: "This computer's usual DNS (recommended)",
    description: "The servers the computer used before Vigie, usually your internet box.",
    upstream: [],
  },
  {
    id: "cloudflare-family",
    label: "Cloudflare for Families (encrypted, filters adult content)",
    description: "DNS over HTTPS to 1.1.1.3: also blocks malware and adult sites.",
    upstream: [
      { address: "1.1.1.3", protocol: "https", "server-name": "family.cloudflare-dns.com", path: "/dns-query" },
      { address: "1.0.0.3", protocol: "https", "server-name": "family.cloudflare-dns.com", path: "/dns-query" },
    ],
  },
  {
    id: "cleanbrowsing-family",
    label: "CleanBrowsing Family (encrypted, filters adult content)",
    description: "DNS over HTTPS to CleanBrowsing's family filter.",
    upstream: [
      { address: "185.228.168.168", protocol: "https", "server-name": "doh.cleanbrowsing.org", path: "/doh/family-filter/" },
      { address: "185.228.169.168", protocol: "https", "server-name": "doh.cleanbrowsing.org", path: "/doh/family-filter/" },
    ],
  },
  {
    id: "quad9",
    label: "Quad9 (encrypted, blocks malware)",
    description: "DNS over TLS to 9.9.9.9.",
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
  if (!address) return { problem: "Type the address of the DNS server, for example 192.168.1.1." };
  if (!/^[0-9a-fA-F.:[\]]+$/.test(address)) {
    return { problem: `"${address}" is not an IP address: a DNS server is given by its address, like 192.168.1.1.` };
  }
  const serverName = custom.serverName.trim();
  if ((custom.protocol === "tls" || custom.protocol === "https") && !serverName) {
    return { problem: "Encrypted DNS needs the server's name (for example dns.quad9.net) to check who answers." };
  }
  const u: Upstream = { address, protocol: custom.protocol };
  if (serverName) u["server-name"] = serverName;
  return [u];
}
