/** The engine's public surface. Plain TypeScript: no Electron, Svelte, DOM or Node imports. */
export { Tensor, tensor, zeros, ones, full, scalar } from './tensor/tensor.ts';
export { noGrad, isGradEnabled } from './tensor/grad-mode.ts';
export { withStepMemory, keepData, pinData } from './tensor/storage.ts';
export { Generator, defaultGenerator, manualSeed, threefry2x32 } from './tensor/random.ts';
export * from './tensor/shape.ts';
export * from './ops/elementwise.ts';
export * from './ops/activations.ts';
export * from './ops/normalization.ts';
export * from './ops/reduce.ts';
export * from './ops/movement.ts';
export * from './ops/matmul.ts';
export * from './ops/conv.ts';
export * from './ops/pool.ts';
export { kernels, registerBackend, useBackend, backendNames } from './kernels/registry.ts';
export type { Kernels, GemmArgs, GemmBatchArgs, Conv2dGeometry, Pool2dGeometry, StepMemory } from './kernels/kernel-types.ts';
export { Module, Sequential, describeReport, type StateDictReport } from './nn/module.ts';
export { Args, LayerError, type LayerDef, type ArgSpec, type ShapeInfo, type Category } from './nn/layer-def.ts';
export { layerDef, layerDefs, layerKinds } from './nn/registry.ts';
export { validateSpec, buildModel, resolveArgs, SpecError, type ModelSpec, type LayerSpec, type SpecReport, type LayerReport } from './nn/spec.ts';
export { StochasticModule, stochasticModules, applyDropoutSchedules, type NoiseKind } from './nn/stochastic.ts';
export { scheduledP, checkSchedule, type DropoutSchedule, type TrainingProgress } from './nn/dropout-schedule.ts';
// Layer kinds are reached through the registry (layerDef(kind).build, buildModel), not by class, so a new kind adds no line here.
export { Residual, blockDef, blockDefs, type BlockDef } from './nn/layers/blocks.ts';
export * from './losses/losses.ts';
export { Optimizer } from './optim/optimizer.ts';
export { SGD, type SGDOptions } from './optim/sgd.ts';
export { Adam, AdamW, type AdamOptions } from './optim/adam.ts';
export { LRScheduler, StepLR, CosineAnnealingLR } from './optim/scheduler.ts';
