// chainrule's public surface: the core (tensors, ops, autograd), nn, optim and the tools.

export * from "./core.js";
export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";
export { NumpyRandom, type NumpyRandomState } from "./random/numpy.js";
export {
  type CheckedFunction,
  formatGradcheckReport,
  type GradcheckFailure,
  type GradcheckOptions,
  type GradcheckResult,
  gradcheck,
  gradgradcheck,
} from "./tools/gradcheck.js";
