// Node-only file helpers for the model files: reads and atomic writes whose failures become one-line ChainruleErrors.

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ValueError } from "../errors.js";

/** The message of a file-system error without Node's stack noise, e.g. `ENOENT: no such file or directory`. */
function reason(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  if (typeof e?.code === "string" && typeof e.message === "string") {
    // Node writes "ENOENT: no such file or directory, open '/x'": the path is already in our message.
    return e.message.replace(/, \w+ '.*'$/, "");
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads a whole file, turning a file-system failure into `op: <path>: cannot read the file (ENOENT: ...)`.
 */
export function readFileOrThrow(op: string, path: string): Uint8Array {
  try {
    const buffer = readFileSync(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (e) {
    throw new ValueError(op, `${path}: expected a readable file, got ${reason(e)}`);
  }
}

/**
 * Writes `data` to a hidden temporary file beside `path` (flushed to disk) and returns its path; rename it
 * over `path` with {@link commitTemp}. A failure removes the temporary file and throws a `ValueError`.
 */
export function writeTemp(op: string, path: string, data: Uint8Array | string): string {
  const suffix = `${process.pid}.${Math.random().toString(36).slice(2, 10)}`;
  const temp = join(dirname(path), `.${basename(path)}.${suffix}.tmp`);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let fd: number | null = null;
  try {
    fd = openSync(temp, "wx");
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    return temp;
  } catch (e) {
    if (fd !== null) closeSync(fd);
    rmSync(temp, { force: true });
    throw new ValueError(op, `${path}: expected a writable location, got ${reason(e)}`);
  }
}

/** Renames a temporary file from {@link writeTemp} over its target (atomic on one file system). */
export function commitTemp(op: string, temp: string, path: string): void {
  try {
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new ValueError(op, `${path}: expected a writable location, got ${reason(e)}`);
  }
}

/** Removes temporary files left by a failed save (ignoring ones already gone). */
export function discardTemps(temps: readonly string[]): void {
  for (const temp of temps) rmSync(temp, { force: true });
}

/** Writes a file atomically: readers see the old content or the new, never a half-written file. */
export function writeFileAtomic(op: string, path: string, data: Uint8Array | string): void {
  commitTemp(op, writeTemp(op, path, data), path);
}
