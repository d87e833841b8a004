import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * V8's relaxed-SIMD flag where this Node accepts it and it turns relaxed SIMD on (Node 20 needs it; newer
 * versions have it on by default), so the wasm run tests the fused multiply-add build of the kernels while
 * the js run's kernel tests (test/backend-wasm.test.ts) load the plain SIMD build.
 */
function relaxedSimdArgs(): string[] {
  const flag = "--experimental-wasm-relaxed-simd";
  // A module whose one function uses f32x4.relaxed_madd: it validates only with relaxed SIMD on.
  const probe =
    "0,97,115,109,1,0,0,0,1,8,1,96,3,123,123,123,1,123,3,2,1,0,10,13,1,11,0,32,0,32,1,32,2,253,133,2,11";
  const check = `process.exit(WebAssembly.validate(new Uint8Array([${probe}])) ? 0 : 1)`;
  return spawnSync(process.execPath, [flag, "-e", check]).status === 0 ? [flag] : [];
}

/**
 * The native backend's project, when its addon is built (npm run build:native): the whole suite runs on it
 * with every size sent to the addon (CHAINRULE_NATIVE_ALWAYS). Without the addon there is no such project,
 * and test/backend-native.test.ts says in its output that its addon tests were skipped.
 */
function nativeProjects() {
  const addon = new URL("./native/build/Release/chainrule_native.node", import.meta.url);
  if (!existsSync(addon)) return [];
  return [
    {
      extends: true as const,
      test: { name: "native", env: { CHAINRULE_BACKEND: "native", CHAINRULE_NATIVE_ALWAYS: "1" } },
    },
  ];
}

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
    globalSetup: ["./scripts/build-wasm.setup.ts"],
    // The whole suite runs once per backend. The wasm run sends every size to the wasm kernels
    // (CHAINRULE_WASM_ALWAYS), not only sizes past the js/wasm crossover, so they all meet every test;
    // likewise the native run (only where the addon is built).
    projects: [
      { extends: true, test: { name: "js", env: { CHAINRULE_BACKEND: "js" } } },
      {
        extends: true,
        test: {
          name: "wasm",
          env: { CHAINRULE_BACKEND: "wasm", CHAINRULE_WASM_ALWAYS: "1" },
          execArgv: relaxedSimdArgs(),
        },
      },
      ...nativeProjects(),
    ],
  },
});
