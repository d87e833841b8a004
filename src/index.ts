// chainrule's public surface: the core (tensors, ops, autograd), nn, optim and the tools.

export * from "./core.js";
export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";
export {
  type GradcheckFailure,
  type GradcheckOptions,
  type GradcheckResult,
  formatGradcheckReport,
  gradcheck,
  gradgradcheck,
} from "./tools/gradcheck.js";
export { NumpyRandom } from "./random/numpy.js";
