// Fused kernels the ops layer uses when the backend has them and no graph is being recorded: the recorded
// graph and the derivative rules stay the same primitives, so explain/graph tools and higher derivatives
// see exactly what they see without fusion.

import { forwardActive } from "../autograd/forward.js";
import { anomalyObserver } from "../autograd/hooks.js";
import { isGradEnabled } from "../autograd/mode.js";
import type { FusedActivation } from "../backend/backend.js";
import { getBackend } from "../backend/registry.js";
import { sameShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { empty } from "./util.js";

/**
 * The activation's vjp in one pass (relu: `where(gt(x, 0), g, 0)` with v = x; tanh: `g (1 - y²)` and sigmoid:
 * `g y (1 - y)` with v = y), or null when the caller must compose it from ops: the backend has no fused
 * kernel, a graph is being recorded (`createGraph`, forward mode, anomaly detection), or the dtypes or shapes
 * of `g` and `v` differ (the ops would promote or broadcast).
 */
export function fusedActivationBackward(act: FusedActivation, g: Tensor, v: Tensor): Tensor | null {
  const backend = getBackend();
  if (backend.activationBackward === undefined) return null;
  if (isGradEnabled() || forwardActive() || anomalyObserver !== null) return null;
  if (g.dtype !== v.dtype || !sameShape(g.shape, v.shape)) return null;
  const out = empty(v.shape, v.dtype);
  backend.activationBackward(act, g._storage, v._storage, out._storage);
  return out;
}
