// The playground's URL codec and config validation: round trips, tolerant decoding, clear messages.

import { describe, expect, it } from "vitest";
import {
  decodeConfig,
  defaultConfig,
  encodeConfig,
  LEARNING_RATES,
  REGULARIZATION_RATES,
  validateConfig,
} from "../../playground/src/engine/index.js";
import type { ExperimentConfig } from "../../playground/src/protocol.js";

describe("URL codec", () => {
  it("writes a short readable hash with every field", () => {
    expect(encodeConfig(defaultConfig())).toBe(
      "dataset=circle&noise=0&trainRatio=50&batchSize=10&features=x1,x2&hiddenLayers=4,2&activation=tanh" +
        "&learningRate=0.03&regularization=none&regularizationRate=0&seed=1",
    );
  });

  it("round-trips the default and a config with every field changed", () => {
    const changed: ExperimentConfig = {
      dataset: "spiral3",
      noise: 35,
      trainRatio: 70,
      batchSize: 30,
      features: ["sinx2", "x1sq", "x1x2"],
      hiddenLayers: [8, 1, 3, 5, 2, 7],
      activation: "relu",
      learningRate: 0.00001,
      regularization: "l1",
      regularizationRate: 0.003,
      seed: 4294967295,
    };
    for (const config of [
      defaultConfig(),
      changed,
      { ...changed, hiddenLayers: [], dataset: "csv" as const },
    ]) {
      const hash = encodeConfig(config);
      expect(decodeConfig(hash)).toEqual({ config, errors: [] });
      expect(decodeConfig(`#${hash}`)).toEqual({ config, errors: [] });
      expect(validateConfig(config)).toEqual([]);
    }
    for (const learningRate of LEARNING_RATES)
      expect(decodeConfig(encodeConfig({ ...defaultConfig(), learningRate })).config.learningRate).toBe(
        learningRate,
      );
    for (const regularizationRate of REGULARIZATION_RATES) {
      const decoded = decodeConfig(encodeConfig({ ...defaultConfig(), regularizationRate }));
      expect(decoded.config.regularizationRate).toBe(regularizationRate);
    }
  });

  it("reports each invalid value and keeps the default for it", () => {
    const { config, errors } = decodeConfig(
      "#dataset=moons&noise=abc&trainRatio=95&batchSize=2.5&features=x1,zz&hiddenLayers=4,9&activation=elu" +
        "&learningRate=0.02&regularization=l3&regularizationRate=-1&seed=-3",
    );
    expect(config).toEqual(defaultConfig());
    expect(errors).toEqual([
      'dataset: expected one of circle, xor, gauss, spiral, blobs3, spiral3, plane, gaussians, csv, got "moons"',
      'noise: expected an integer in 0..50, got "abc"',
      'trainRatio: expected an integer in 10..90, got "95"',
      'batchSize: expected an integer in 1..30, got "2.5"',
      'features: expected a comma-separated list of x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2, got "x1,zz"',
      'hiddenLayers: expected up to 6 comma-separated layer sizes, each 1..8, got "4,9"',
      'activation: expected one of tanh, relu, sigmoid, linear, got "elu"',
      'learningRate: expected one of 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, got "0.02"',
      'regularization: expected one of none, l1, l2, got "l3"',
      'regularizationRate: expected one of 0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, got "-1"',
      'seed: expected an integer in 0..4294967295, got "-3"',
    ]);
  });

  it("keeps valid fields next to invalid ones, takes defaults for missing keys, ignores unknown keys", () => {
    const { config, errors } = decodeConfig("dataset=xor&noise=&panel=backprop&hiddenLayers=&features=");
    expect(config).toEqual({ ...defaultConfig(), dataset: "xor", hiddenLayers: [] });
    expect(errors).toEqual([
      'noise: expected an integer in 0..50, got ""',
      'features: expected a comma-separated list of x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2, got ""',
    ]);
    expect(decodeConfig("")).toEqual({ config: defaultConfig(), errors: [] });
    expect(decodeConfig("learningRate=3e-3&features=x2,x2").config).toMatchObject({
      learningRate: 0.003,
      features: ["x2"],
    });
    expect(decodeConfig("hiddenLayers=1,1,1,1,1,1,1").errors).toHaveLength(1);
  });

  it("understands TF Playground's percTrainData and networkShape, and never throws", () => {
    expect(decodeConfig("#percTrainData=30&networkShape=3,3").config).toMatchObject({
      trainRatio: 30,
      hiddenLayers: [3, 3],
    });
    for (const junk of ["%%%", "&&&", "=", "#?a=1&&b", "dataset=%E0%A4%A", "\u0000"])
      expect(() => decodeConfig(junk)).not.toThrow();
    expect(decodeConfig(undefined as unknown as string).config).toEqual(defaultConfig());
  });
});

describe("validateConfig", () => {
  it("accepts the default and names every bad field", () => {
    expect(validateConfig(defaultConfig())).toEqual([]);
    const bad = { ...defaultConfig(), features: [], hiddenLayers: [0], learningRate: 0.5, seed: 1.5 };
    expect(validateConfig(bad as ExperimentConfig)).toEqual([
      "seed: expected an integer in 0..4294967295, got 1.5",
      "features: expected a non-empty list of distinct names from x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2, got []",
      "hiddenLayers: expected 0..6 layer sizes, each an integer in 1..8, got [0]",
      "learningRate: expected one of 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, got 0.5",
    ]);
    expect(validateConfig(null as unknown as ExperimentConfig)).toEqual([
      "config: expected an object, got null",
    ]);
  });
});
