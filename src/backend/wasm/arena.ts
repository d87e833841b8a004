// Scratch space in the wasm memory: each backend call copies its inputs in, runs, copies results out and
// resets the arena, so nothing outlives a call, no user-visible freeing exists, and memory grows only to the
// largest single call and then stays flat.

/** Alignment of every allocation: a cache line. */
const ALIGN = 64;
/** Slack after the top so a 16-byte load at the last element never leaves the memory. */
const SLACK = 64;

/** The wasm memory cannot hold one call's operands: the backend runs that call with the js kernel. */
export class ArenaFullError extends Error {
  constructor(bytes: number) {
    super(`wasm backend: a call needs ${bytes} bytes of wasm memory, more than it can grow to`);
  }
}

export class Arena {
  readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private top: number;
  f32!: Float32Array;
  f64!: Float64Array;
  i32!: Int32Array;

  constructor(memory: WebAssembly.Memory, base: number) {
    this.memory = memory;
    this.base = Math.ceil(base / ALIGN) * ALIGN;
    this.top = this.base;
    this.refresh();
  }

  /** Bytes of memory the wasm module has now. */
  get size(): number {
    return this.memory.buffer.byteLength;
  }

  /** Frees everything allocated since the last reset. */
  reset(): void {
    this.top = this.base;
  }

  /**
   * Reserves `bytes` bytes (aligned) and returns their address; grows the memory when needed. Throws an
   * ArenaFullError when the memory cannot grow that far (the wasm32 limit is 4 GiB): callers fall back to js.
   */
  alloc(bytes: number): number {
    const at = this.top;
    const top = Math.ceil((at + bytes) / ALIGN) * ALIGN;
    const need = top + SLACK;
    if (need > this.f32.byteLength) {
      const have = this.memory.buffer.byteLength;
      if (need > have) {
        // Grow by at least a quarter to keep the number of grow calls (and view refreshes) small.
        const pages = Math.ceil((need - have) / 65536);
        const generous = Math.ceil(Math.max(need - have, have / 4) / 65536);
        try {
          this.memory.grow(generous);
        } catch {
          try {
            this.memory.grow(pages);
          } catch {
            throw new ArenaFullError(need);
          }
        }
      }
      this.refresh();
    }
    this.top = top;
    return at;
  }

  /** Copies `src` into the memory at `at`, converting to `float64` (or `float32`) when asked. */
  write(at: number, src: Float32Array | Float64Array, as64: boolean): void {
    if (as64) this.f64.set(src, at >>> 3);
    else this.f32.set(src, at >>> 2);
  }

  /** Copies `out.length` elements stored at `at` (float64 or float32) into `out`. */
  read(at: number, out: Float32Array | Float64Array, as64: boolean): void {
    if (as64) out.set(this.f64.subarray(at >>> 3, (at >>> 3) + out.length));
    else out.set(this.f32.subarray(at >>> 2, (at >>> 2) + out.length));
  }

  private refresh(): void {
    // A shared memory's `buffer` is a new SharedArrayBuffer object after each grow: views must be remade.
    const buffer = this.memory.buffer;
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
  }
}
