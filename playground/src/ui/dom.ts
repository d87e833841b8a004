// Tiny DOM helpers: create HTML and SVG elements with attributes and children in one call.

type AttrValue = string | number | boolean | undefined | null;
export type Attrs = Record<string, AttrValue>;
type Child = Node | string | null | undefined | false;

function applyAttrs(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    el.setAttribute(k, v === true ? "" : String(v));
  }
}

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c);
  }
}

/** Creates an HTML element: `h("button", { class: "x", "aria-label": "Play" }, ["▶"])`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  children: Child[] = [],
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Creates an SVG element: `s("path", { d: "M0 0L1 1" })`. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  children: Child[] = [],
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Sets aria-pressed on a toggle button. */
export function setPressed(el: HTMLElement, pressed: boolean): void {
  el.setAttribute("aria-pressed", pressed ? "true" : "false");
}

/** Formats a number for display: 4 significant digits, as the tests read it. */
export function fmt(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(4) : String(v);
}
