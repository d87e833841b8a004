// Builds the playground with Vite's JS API into a directory and serves it from a small static node:http server,
// for the end-to-end tests, the playground benchmark and the README screenshot script.

import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The playground's Vite config. */
export const VITE_CONFIG = join(ROOT, "playground/vite.config.ts");

/**
 * Builds the playground into `outDir` (a production build, as `npm run playground:build` makes) and returns
 * the time it took. The wasm kernels module (scripts/build-wasm.mjs) must exist: vitest's global setup and the
 * npm scripts build it.
 */
export async function buildPlayground(outDir: string, configFile = VITE_CONFIG): Promise<number> {
  if (!existsSync(configFile)) throw new Error(`buildPlayground: expected ${configFile}, got no such file`);
  const { build } = await import("vite");
  // Vitest sets NODE_ENV=test, which would make Vite build in development style: build as users do.
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  const start = performance.now();
  try {
    await build({
      configFile,
      logLevel: "warn",
      mode: "production",
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    if (saved === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved;
  }
  return performance.now() - start;
}

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json",
};

/** A running static server. */
export interface StaticServer {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  /** Paths requested that did not exist (a built page should request none). */
  missing: string[];
  close(): Promise<void>;
}

/**
 * Serves the files under `dir` on 127.0.0.1 (a free port) with the right MIME types; `/` is index.html.
 * With `isolated`, every response carries COOP/COEP so the page is cross-origin isolated (SharedArrayBuffer);
 * with `prefix` (e.g. "/sub/dir/") the site lives under that path, as on a host that serves it from a sub-path.
 */
export async function serveStatic(
  dir: string,
  options: { isolated?: boolean; prefix?: string } = {},
): Promise<StaticServer> {
  const root = resolve(dir);
  const prefix = options.prefix ?? "/";
  const missing: string[] = [];
  const headers: Record<string, string> = options.isolated
    ? { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" }
    : {};
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split(/[?#]/)[0]);
    const local = path.startsWith(prefix) ? `/${path.slice(prefix.length)}` : null;
    const file =
      local === null ? "" : normalize(join(root, local.endsWith("/") ? `${local}index.html` : local));
    const inside = file === root || file.startsWith(root + sep);
    if (local === null || !inside || !existsSync(file) || !statSync(file).isFile()) {
      missing.push(path);
      res.writeHead(404, { ...headers, "Content-Type": "text/plain" });
      res.end("not found");
      return;
    }
    const type = MIME[extname(file).toLowerCase()] ?? "application/octet-stream";
    res.writeHead(200, { ...headers, "Content-Type": type, "Cache-Control": "no-store" });
    res.end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    missing,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
