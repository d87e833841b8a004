// chainrule/node: the parts of chainrule that need Node.js (files, worker threads); the main entry stays browser-safe.

export { type LoadCsvOptions, loadCsv, readCsvTable } from "./data/node/load-csv.js";
export { loadMnist } from "./data/node/mnist.js";
export {
  BUILTIN_DATASETS,
  type BuiltinName,
  type DataSourceOptions,
  loadBuiltin,
  loadDataSource,
} from "./data/node/source.js";
export { loadModel, saveModel } from "./io/model-dir.js";
export { type LoadSafetensorsOptions, loadSafetensors, saveSafetensors } from "./io/safetensors-file.js";
export { modelCheckpoint } from "./train/node/checkpoint.js";
export { progressBar } from "./train/node/progress.js";
