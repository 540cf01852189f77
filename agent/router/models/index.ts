// Execution-time models per codelet and fleet (robust history, size regression, static prior).
export { PerfModel, DEFAULT_MODEL_SETTINGS, type ModelSettings, type Prediction, type PredictionBasis, type PerfModelState, type RunUsage } from './perf-model';
export { ModelStore, ModelStoreError, ModelStoreState, MODELS_VERSION, type Observation, type PredictOptions } from './store';
export { median, madScale, huberLocation, huberLine, typicalValue } from './robust';
export { reclassify, DEFAULT_CLASSIFY, type MeasuredUsage, type ClassifySettings, type Reclassification } from './classify';
