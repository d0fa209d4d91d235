// Checks on the console's own sources: no word a person reads is left outside `t()`, and every
// message id that `t()` asks for exists in the .ftl files.

import { describe, expect, it } from "vitest";
import ts from "typescript";
import { bundle, LANGS } from "./i18n";

const files = import.meta.glob(["./views/*.ts", "./main.ts", "./app.ts", "./logic/*.ts", "!./**/*.test.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

/** Attributes and keys whose values are for the code, not for people. */
const CODE_KEYS = new Set([
  "id", "class", "for", "type", "name", "value", "role", "autocomplete", "spellcheck", "scope",
  "colspan", "min", "max", "tabindex", "aria-labelledby", "aria-describedby", "aria-live",
  "aria-current", "backgroundColor", "address", "protocol", "server-name", "path", "outcome",
  "kind", "state", "hourCycle", "hour", "minute", "day", "month", "year", "query", "import",
]);
/** Calls whose string arguments are for the code. */
const CODE_CALLS = new Set([
  "h", "byId", "querySelector", "querySelectorAll", "addEventListener", "removeEventListener",
  "getElementById", "setAttribute", "getItem", "setItem", "invoke", "call", "test", "glob",
  "DateTimeFormat", "NumberFormat", "padStart", "includes", "replace", "split", "startsWith",
]);

/** Text that reads as words: capitals, spaces, accents or sentence punctuation. */
export function looksLikeWords(text: string): boolean {
  const s = text.trim();
  if (!/\p{L}/u.test(s)) return false;
  return /\p{Lu}/u.test(s) || /\s/.test(s) || /[^\x00-\x7f]/.test(s) || /[.!?:…]$/.test(s);
}

function keyName(name: ts.PropertyName): string {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : "";
}

function calleeName(call: ts.CallExpression | ts.NewExpression): string {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return "";
}

/** Whether a literal sits where code, not a person, reads it. */
function forCode(node: ts.Node): boolean {
  let child: ts.Node = node;
  let parent = node.parent;
  // A template's parts belong to the whole template, and a choice's branches to the choice.
  while (parent && (ts.isTemplateSpan(parent) || ts.isTemplateExpression(parent) || ts.isParenthesizedExpression(parent)
    || (ts.isConditionalExpression(parent) && parent.condition !== child))) {
    child = parent;
    parent = parent.parent;
  }
  if (!parent) return false;
  if (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent) || ts.isLiteralTypeNode(parent)) return true;
  if (ts.isPropertyAssignment(parent)) return parent.name === child || CODE_KEYS.has(keyName(parent.name)) || keyName(parent.name).startsWith("data-");
  if (ts.isCaseClause(parent) || ts.isElementAccessExpression(parent)) return true;
  if (ts.isBinaryExpression(parent)) {
    const op = parent.operatorToken.kind;
    return op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken;
  }
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
    const name = calleeName(parent);
    if (name === "t") return parent.arguments?.[0] === child;
    return CODE_CALLS.has(name) && (name !== "h" || parent.arguments?.[0] === child);
  }
  return false;
}

export interface Finding { file: string; line: number; text: string }

/** Every literal text in `source` that reads as words and is not handed to `t()`. */
export function wordLiterals(source: string, file = "source.ts"): Finding[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
  const found: Finding[] = [];
  const visit = (node: ts.Node) => {
    let text: string | null = null;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) text = node.text;
    if (text !== null && looksLikeWords(text) && !forCode(node)) {
      found.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, text });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** The first argument of every `t(…)` call; a non-literal one is reported as `null`. */
export function messageIds(source: string, file = "source.ts"): (string | null)[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
  const ids: (string | null)[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "t") {
      const a = node.arguments[0];
      ids.push(a && (ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a)) ? a.text : null);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return ids;
}

describe("the literal-text check", () => {
  it("catches words outside t()", () => {
    expect(wordLiterals(`h("button", { type: "submit" }, "Save");`).map((f) => f.text)).toEqual(["Save"]);
    expect(wordLiterals("el.textContent = `Page ${n}`;").map((f) => f.text)).toEqual(["Page "]);
    expect(wordLiterals(`h("input", { placeholder: "search this list" });`)).toHaveLength(1);
    expect(wordLiterals(`h("input", { "aria-label": "Remove" });`)).toHaveLength(1);
    expect(wordLiterals(`toast("Saved.");`)).toHaveLength(1);
    expect(wordLiterals(`const x = { label: "Réglages" };`)).toHaveLength(1);
    expect(wordLiterals(`say(el, ok ? "Saved" : "Failed", "ok");`)).toHaveLength(2);
  });
  it("lets code strings and t() ids through", () => {
    const ok = [
      `h("button", { id: "save", class: "primary small", type: "submit" }, t("settings-save"));`,
      "h(\"section\", { class: `card protection ${p.ok ? \"ok\" : \"bad\"}` });",
      `if (p.state === "paused") say(el, t("sites-removed", { domain }), "error");`,
      `el.querySelector("input[name=upstream]:checked"); x.addEventListener("change", f);`,
      `import { t } from "../i18n"; type K = "Ok" | "Error";`,
      `h("p", {}, " ", t("overview-what-to-do"), " — ");`,
      `h("p", { class: ok ? "state ok" : "state bad" });`,
    ];
    for (const src of ok) expect(wordLiterals(src), src).toEqual([]);
  });
});

describe("the console's sources", () => {
  it("were found", () => {
    expect(Object.keys(files)).toEqual(expect.arrayContaining(["./main.ts", "./views/settings.ts", "./views/sites.ts"]));
  });

  it("leave no word a person reads outside t()", () => {
    const found = Object.entries(files).flatMap(([file, src]) => wordLiterals(src, file));
    expect(found).toEqual([]);
  });

  it("ask t() only for message ids that exist in every language", () => {
    const ids = Object.entries(files).flatMap(([file, src]) => messageIds(src, file).map((id) => ({ file, id })));
    expect(ids.length).toBeGreaterThan(100);
    expect(ids.filter((i) => i.id === null), "t() with a computed id").toEqual([]);
    for (const lang of LANGS) {
      const missing = ids.filter((i) => !bundle(lang).hasMessage(i.id!));
      expect(missing, lang).toEqual([]);
    }
  });
});
