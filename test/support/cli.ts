// Runs the `chainrule` executable from source (node --import tsx src/cli/main.ts), for exit codes and stderr.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** What a run of the command line gave. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `chainrule <args>` in a child process from the repository root (no build needed). */
export function runChainrule(...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", ...args],
      { cwd: ROOT, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
