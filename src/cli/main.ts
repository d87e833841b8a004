#!/usr/bin/env node
// The `chainrule` executable: runs the command line built in program.ts and turns failures into exit code 1.

import { createProgram } from "./program.js";

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  // Commander reports its own usage errors and exits; anything else (a bug, a library error) lands here.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  process.exitCode = 1;
}
