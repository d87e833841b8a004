// `chainrule build-native`: builds the optional native backend by running the package's own
// scripts/native/build.mjs (the same script as `npm run build:native` and the install hook).

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Command, Option } from "commander";
import { ChainruleError } from "../../errors.js";
import type { ProgramIO } from "../program.js";

const EXAMPLES = `
Examples:
  $ npx chainrule build-native                  # build it; prints the compiler, BLAS and SIMD it found
  $ npx chainrule build-native --blas none      # use the backend's own matrix kernels, not a system BLAS
  $ npx chainrule build-native --rebuild --verbose

Needs a C++ compiler (Debian/Ubuntu: build-essential; macOS: xcode-select --install) and Python 3 for
node-gyp. Nothing is downloaded: it compiles against the running Node's headers. Once built, chainrule
uses the native backend in Node automatically (CHAINRULE_BACKEND=wasm or setBackend("wasm") opts out).
`;

/** scripts/native/build.mjs in the installed package: three levels above src/cli/commands and dist/cli/commands. */
export function buildScriptPath(): string {
  return fileURLToPath(
    new URL(["..", "..", "..", "scripts", "native", "build.mjs"].join("/"), import.meta.url),
  );
}

interface BuildNativeOptions {
  blas?: string;
  rebuild: boolean;
  verbose: boolean;
}

/** Runs the build script, forwarding its output; resolves to its exit code. */
function runBuild(script: string, args: string[], env: NodeJS.ProcessEnv, io: ProgramIO): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk: Buffer) => io.out(chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => io.err(chunk.toString()));
    child.on("error", (error) => {
      io.err(`chainrule build-native: could not start ${process.execPath}: ${error.message}\n`);
      resolve(1);
    });
    child.on("close", (code) => resolve(code ?? 1));
  });
}

/**
 * Registers `build-native`: compiles the native backend in the installed package (node-gyp from npm, the
 * running Node's headers, a system BLAS where found). Fails (exit 1) with the build script's reason.
 *
 * @example
 * ```ts
 * registerBuildNativeCommand(program, io);
 * ```
 */
export function registerBuildNativeCommand(program: Command, io: ProgramIO): void {
  program
    .command("build-native")
    .summary("build the optional native backend (C++ addon) for Node")
    .description(
      "Compile chainrule's native backend from source with node-gyp (the copy inside npm) against this Node's " +
        "headers: SIMD kernels on a thread pool, and a system BLAS (OpenBLAS or BLIS on Linux, Accelerate on " +
        "macOS) for matrix products where one is found. npm 11 blocks dependencies' install scripts unless you " +
        "approve them, so this is the way to enable it.",
    )
    .addOption(
      new Option("--blas <name>", "which BLAS to link (default: detect)").choices([
        "none",
        "openblas",
        "blis",
        "accelerate",
      ]),
    )
    .option("--rebuild", "configure and compile everything again", false)
    .option("--verbose", "show the compiler's output", false)
    .addHelpText("after", EXAMPLES)
    .action(async (opts: BuildNativeOptions) => {
      const script = buildScriptPath();
      if (!existsSync(script))
        throw new ChainruleError(
          "build-native",
          `expected the build script at ${script}, got no such file; reinstall chainrule`,
        );
      const env = { ...process.env };
      if (opts.blas !== undefined) env.CHAINRULE_BLAS = opts.blas;
      const args = [...(opts.rebuild ? ["--rebuild"] : []), ...(opts.verbose ? ["--verbose"] : [])];
      const code = await runBuild(script, args, env, io);
      if (code !== 0)
        throw new ChainruleError("build-native", `the build failed (exit code ${code}), see the lines above`);
    });
}
