import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests may import the package by name, as users do, without a build first.
    alias: [
      { find: /^chainrule$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
      { find: /^chainrule\/node$/, replacement: fileURLToPath(new URL("./src/node.ts", import.meta.url)) },
    ],
  },
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 60_000,
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
