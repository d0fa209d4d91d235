// The words under the paste-anything box, from the Rust side's normalization.

import type { Preview } from "../api";

export function previewText(p: Preview): { text: string; kind: "ok" | "error" | "info" } {
  switch (p.outcome) {
    case "empty":
      return { text: "", kind: "info" };
    case "domain": {
      const shown = p.unicode !== p.domain ? `${p.unicode} (${p.domain})` : p.domain;
      return { text: `Becomes ${shown}: the site and every name under it.`, kind: "ok" };
    }
    case "refused":
      return { text: `Cannot be added: ${p.reason}`, kind: "error" };
  }
}
