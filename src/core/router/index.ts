// The router's public surface: the chat engine, the CLI and the extension import from here.
export { createModelClassifier, parseTier } from './modelClassifier.js';
export { routePrompt, routePromptAsync, MODEL_CLASSIFIER_TIMEOUT_MS, type ModelClassifier, type ModelModeOptions } from './route.js';
export { chooseModelWithCache, type CacheChoice, type CacheChoiceInput, type WarmCache } from './cacheAware.js';
export { parseRouterConfig, defaultRouterConfig, DEFAULT_MAX_TOKENS, type RouterConfig, type RouterRule } from './config.js';
export { classifyLocally, THRESHOLDS, type Classification } from './classify.js';
export { TASK_CLASSES, type RouteDecision, type RouteInput, type TaskClass, type ClassifierCost } from './types.js';
export { ROUTED_TIERS, type RoutedTier } from '../tiers.js';
