// Colour scales of the playground: a cividis-like scale (lightness never falls, so it reads in
// greyscale and for colour-blind readers) and per-class colours that differ in hue AND lightness.

/** Cividis-like stops from dark blue (low) through grey to yellow (high); relative luminance never falls. */
const STOPS: [number, number, number][] = [
  [0x00, 0x20, 0x4d],
  [0x00, 0x33, 0x6f],
  [0x39, 0x48, 0x6b],
  [0x57, 0x5c, 0x6d],
  [0x70, 0x71, 0x73],
  [0x8a, 0x87, 0x79],
  [0xa6, 0x9d, 0x75],
  [0xc4, 0xb5, 0x6c],
  [0xe4, 0xcf, 0x5b],
  [0xfd, 0xea, 0x45],
];

/** 256-entry RGB lookup table of the scale, built once: heat maps index it per pixel. */
export const SCALE_LUT: Uint8Array = buildLut();

function buildLut(): Uint8Array {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (STOPS.length - 1);
    const k = Math.min(STOPS.length - 2, Math.floor(t));
    const f = t - k;
    const a = STOPS[k]!;
    const b = STOPS[k + 1]!;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(a[c]! + (b[c]! - a[c]!) * f);
  }
  return lut;
}

/** Index into SCALE_LUT for t in [0, 1] (clamped; NaN maps to the middle grey). */
export function lutIndex(t: number): number {
  if (Number.isNaN(t)) return 128;
  return t <= 0 ? 0 : t >= 1 ? 255 : Math.round(t * 255);
}

/** The scale as a CSS colour for t in [0, 1]. */
export function scaleColor(t: number): string {
  const i = lutIndex(t) * 3;
  return `rgb(${SCALE_LUT[i]},${SCALE_LUT[i + 1]},${SCALE_LUT[i + 2]})`;
}

/** Colour of a signed value v (weights, gradients): negative = dark blue, zero = grey, positive = yellow.
 *  `range` is the |v| that saturates; `maxT` keeps the brightest end readable on a white page. */
export function signedColor(v: number, range: number, maxT = 0.9): string {
  const u = range > 0 ? Math.max(-1, Math.min(1, v / range)) : 0;
  return scaleColor(u >= 0 ? 0.5 + (maxT - 0.5) * u : 0.5 + 0.5 * u);
}

/** Class colours for points and multi-class maps: distinct hues with clearly different lightness. */
export const CLASS_COLORS: [number, number, number][] = [
  [0x1d, 0x2f, 0x80], // dark blue
  [0xf2, 0xd0, 0x3b], // light yellow
  [0xc0, 0x44, 0x1c], // mid red-orange
  [0x5f, 0xb8, 0xa8], // light teal
  [0xe8, 0xe2, 0xf4], // very light lavender
  [0xb0, 0x7c, 0xc9], // mid purple
];

/** CSS colour of class k (cycles past the palette's length). */
export function classColor(k: number): string {
  const c = CLASS_COLORS[((k % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length]!;
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Class colours for a binary problem: the two ends of the scale, so points match the heat map. */
export function binaryClassColor(k: number): string {
  return k === 0 ? scaleColor(0.02) : scaleColor(1);
}

/** Relative luminance (WCAG) of an sRGB colour, 0 (black) .. 1 (white): used to check greyscale order. */
export function luminance(r: number, g: number, b: number): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
