import { defineConfig } from "vitest/config";

// The app loads the built files from disk: no dev server, no remote resources. The messages
// live in ../locales (shared with the Rust side) and are compiled into the page.
export default defineConfig({
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
  },
  server: {
    fs: { allow: [".", "../locales"] },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
  },
});
