// chainrule's public surface: the core (tensors, ops, autograd), nn, optim and the tools.

export type { RemovableHandle, TensorHook } from "./autograd/hooks.js";
export * from "./core.js";
export * as data from "./data/index.js";
export { type AnomalyDetails, AnomalyError, type TensorStats } from "./errors.js";
export {
  deserializeModel,
  type LoadedModel,
  type ModelDocument,
  type SerializedModel,
  serializeModel,
} from "./io/model-files.js";
export {
  type LayerSpec,
  type ModelMeta,
  type Preprocessing,
  type SequentialFromSpecOptions,
  sequentialFromSpec,
  sequentialToSpec,
  type TaskSpec,
} from "./io/model-spec.js";
export { type ExportOnnxOptions, exportOnnx } from "./io/onnx/export.js";
export {
  type DecodedSafetensors,
  type DecodeSafetensorsOptions,
  decodeSafetensors,
  encodeSafetensors,
  readSafetensorsHeader,
  type SafetensorsDType,
  type SafetensorsEntry,
  type SafetensorsHeader,
} from "./io/safetensors.js";
export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";
export { NumpyRandom, type NumpyRandomState } from "./random/numpy.js";
export { type AnomalyOptions, detectAnomaly, isAnomalyEnabled } from "./tools/anomaly/detect.js";
export { tensorStats } from "./tools/anomaly/stats.js";
export {
  type NoGradientKind,
  type NoGradientReason,
  type WhyNoGradientOptions,
  type WhyNoGradientResult,
  whyNoGradient,
} from "./tools/anomaly/why-no-gradient.js";
export { type ExplainOptions, explain } from "./tools/explain/explain.js";
export { type ExplainExpressionOptions, explainExpression } from "./tools/explain/expression.js";
export { formatExplanation } from "./tools/explain/format.js";
export type {
  ExplainContribution,
  ExplainNode,
  ExplainNumeric,
  ExplainPath,
  ExplainStep,
  ExplainTensorBreakdown,
  Explanation,
} from "./tools/explain/types.js";
export { type ExprNode, ExprSyntaxError } from "./tools/expr/parse.js";
export {
  type EvaluatedExpression,
  type ExprDefinition,
  type ExprProgram,
  evaluateExpression,
  type ParseExpressionOptions,
  parseExpression,
} from "./tools/expr/program.js";
export type { Sym } from "./tools/expr/symbolic.js";
export {
  type CheckedFunction,
  formatGradcheckReport,
  type GradcheckFailure,
  type GradcheckOptions,
  type GradcheckResult,
  gradcheck,
  gradgradcheck,
} from "./tools/gradcheck.js";
export { toDot } from "./tools/graph/dot.js";
export type { GraphNodeKind, GraphOptions } from "./tools/graph/model.js";
export { toSvg } from "./tools/graph/svg.js";
export { formatHealthReport } from "./tools/health/format.js";
export {
  type ActivationHealth,
  DEFAULT_HEALTH_THRESHOLDS,
  gradientHealth,
  type HealthFlag,
  HealthMonitor,
  type HealthMonitorOptions,
  type HealthReport,
  type HealthSummary,
  type HealthThresholds,
  type LayerHealth,
  type ParameterHealth,
} from "./tools/health/monitor.js";
export * from "./train/index.js";
