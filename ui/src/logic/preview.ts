// The words under the paste-anything box, from the Rust side's normalization.

import type { Preview } from "../api";
import { said, t } from "../i18n";

export function previewText(p: Preview): { text: string; kind: "ok" | "error" | "info" } {
  switch (p.outcome) {
    case "empty":
      return { text: "", kind: "info" };
    case "domain": {
      const shown = p.unicode !== p.domain ? t("preview-unicode-form", { unicode: p.unicode, domain: p.domain }) : p.domain;
      return { text: t("preview-becomes", { domain: shown }), kind: "ok" };
    }
    case "refused":
      return { text: t("preview-refused", { reason: said(p.message, p.reason) }), kind: "error" };
  }
}
