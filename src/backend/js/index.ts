// The plain TypeScript backend: the reference every other backend is tested against.

import type { Backend } from "../backend.js";
import { binary, unary, where } from "./elementwise.js";
import { gather, scatterAdd, strided } from "./layout.js";
import { matmul } from "./matmul.js";
import { argReduce, reduce } from "./reduce.js";
import { softmax } from "./softmax.js";

/** The reference backend, in plain TypeScript: runs everywhere. */
export const jsBackend: Backend = {
  name: "js",
  unary,
  binary,
  where,
  strided,
  reduce,
  argReduce,
  matmul,
  softmax,
  gather,
  scatterAdd,
};
