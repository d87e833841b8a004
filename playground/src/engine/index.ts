// The playground's engine (pure TypeScript, no DOM): data sets, features, CSV, model, trainer, grids, URL codec.

export * from "./config.js";
export * from "./csv.js";
export * from "./datasets.js";
export * from "./features.js";
export * from "./grids.js";
export * from "./model.js";
export * from "./snapshot.js";
export * from "./trainer.js";
export * from "./url.js";
