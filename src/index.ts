// chainrule's public surface.

export * from "./core.js";
