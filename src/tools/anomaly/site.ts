// Where the user's code created an op: a stack trace with chainrule's own frames removed.

/** The folder holding chainrule's own modules (`.../src/` or `.../dist/`), found from this file's frame. */
const LIBRARY_DIR = libraryDir();

function libraryDir(): string | null {
  const stack = new Error().stack ?? "";
  const m = /([^\s(]*?)[/\\]tools[/\\]anomaly[/\\]site\.[cm]?[jt]s/.exec(stack);
  return m ? m[1] : null;
}

/** Captures the current stack cheaply (V8 formats it lazily); pass the result to {@link userFrames}. */
export function captureSite(): Error {
  const limit = (Error as { stackTraceLimit?: number }).stackTraceLimit;
  // Deep composites (a module calling an op calling apply) can fill the default ten frames with our own code.
  (Error as { stackTraceLimit?: number }).stackTraceLimit = 40;
  const e = new Error("creation site");
  (Error as { stackTraceLimit?: number }).stackTraceLimit = limit;
  return e;
}

/** Makes an absolute path relative to the working directory when it lies below it (Node only). */
function relative(location: string): string {
  const proc = (globalThis as { process?: { cwd?: () => string } }).process;
  const cwd = typeof proc?.cwd === "function" ? proc.cwd() : null;
  let loc = location.startsWith("file://") ? location.slice("file://".length) : location;
  if (cwd !== null && loc.startsWith(`${cwd}/`)) loc = loc.slice(cwd.length + 1);
  return loc;
}

/**
 * The user's frames of `site`, innermost first, as `fn (path:line:col)` or `path:line:col`: frames inside
 * chainrule and Node's internals are dropped. At most `max` frames.
 */
export function userFrames(site: Error, max = 5): string[] {
  const lines = (site.stack ?? "").split("\n").slice(1);
  const out: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line.startsWith("at ")) continue;
    if (LIBRARY_DIR !== null && line.includes(`${LIBRARY_DIR}/`)) continue;
    if (line.includes("node:internal") || line.includes("(node:") || line.startsWith("at node:")) continue;
    const m = /^at (?:(.*?) \()?(.*?)\)?$/.exec(line);
    if (m === null) continue;
    const location = relative(m[2]);
    out.push(m[1] ? `${m[1]} (${location})` : location);
    if (out.length >= max) break;
  }
  return out;
}

/** The innermost user frame's location, `path:line:col` (null when there is none). */
export function siteLocation(frames: readonly string[]): string | null {
  if (frames.length === 0) return null;
  const m = /\(([^()]*)\)$/.exec(frames[0]);
  return m ? m[1] : frames[0];
}
