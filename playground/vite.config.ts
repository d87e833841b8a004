// Vite configuration of the playground: served from playground/, built to playground/dist as a static site.

import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  root: here,
  // Relative asset URLs, so the built site works from any static host and any sub-path.
  base: "./",
  resolve: {
    // The playground uses the library's source directly, as the tests do: no build of chainrule first.
    alias: [{ find: /^chainrule$/, replacement: fileURLToPath(new URL("../src/index.ts", import.meta.url)) }],
  },
  server: {
    // The library's source lives outside playground/; let the dev server read it.
    fs: { allow: [repoRoot] },
  },
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
  },
  worker: { format: "es" },
});
