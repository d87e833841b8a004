// The data namespace (browser-safe): CSV parsing, data sets, splits, standardisation, batches, built-in sets.

export { type Batch, type BatchOptions, batches } from "./batches.js";
export { type CsvOptions, type CsvTable, detectDelimiter, parseCsv } from "./csv.js";
export {
  type ClassificationDataset,
  type Dataset,
  type FromArraysOptions,
  fromArrays,
  oneHot,
  type RegressionDataset,
  sortClasses,
  subset,
  taskOf,
} from "./dataset.js";
export { DataError, type DataLocation } from "./errors.js";
export { IRIS_FEATURES, iris } from "./iris.js";
export { applyPreprocessing, fitStandardization, identityPreprocessing, standardize } from "./preprocess.js";
export {
  type DatasetSplit,
  type SplitIndices,
  type SplitOptions,
  shuffleInPlace,
  splitDataset,
  splitIndices,
} from "./split.js";
export { circles, moons, type SyntheticOptions, spirals, tutorial, xor } from "./synthetic.js";
export { labelText, type TableOptions, type TaskKind, tableFeatures, tableToDataset } from "./table.js";
