/**
 * The sweep form as data: the list of p values a person types, the dropout
 * layers a sweep can vary, how many runs a plan makes, and the plan itself
 * (engine/experiments/sweep-plan.ts) — so the view only shows and asks.
 */
import type { z } from 'zod';
import type { SweepPlanSchema } from '../../../engine/experiments/sweep-plan.ts';
import type { Catalog } from './engine.svelte.ts';
import type { ModelSpec } from './project.svelte.ts';
import { dropoutLayers, type DropoutLayer } from './train-settings.ts';

export type PlanInput = z.input<typeof SweepPlanSchema>;
export type SweepPlacement = 'none' | 'after-linear' | 'after-conv-dropout2d' | 'after-conv-dropblock';
export const PLACEMENT_CHOICES: readonly SweepPlacement[] = ['after-linear', 'after-conv-dropout2d', 'after-conv-dropblock', 'none'];
export const DEFAULT_P = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
export const MAX_P = 32;
export const MAX_SEEDS = 20;

/** The model's layers a sweep can vary (their kinds' `sweepable` trait), by the dotted path the engine resolves. */
export function sweepableLayers(spec: ModelSpec, catalog: Catalog | null): DropoutLayer[] {
  const sweepable = new Set(catalog?.layers.filter((l) => l.traits.stochastic?.sweepable).map((l) => l.kind));
  return dropoutLayers(spec, catalog).filter((l) => sweepable.has(l.kind));
}

export type PListError = { key: 'empty' } | { key: 'number'; item: string } | { key: 'range'; item: string } | { key: 'many'; max: number };

/** "0, 0.1, .3" (commas, spaces or Chinese commas) → sorted distinct rates in [0, 1), or what is wrong. */
export function parsePList(text: string): { values: number[]; error: PListError | null } {
  const items = text.split(/[\s,，、;；]+/).filter(Boolean);
  if (!items.length) return { values: [], error: { key: 'empty' } };
  const values: number[] = [];
  for (const item of items) {
    const v = Number(item);
    if (!/^[+]?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(item) || !Number.isFinite(v)) return { values: [], error: { key: 'number', item } };
    if (v < 0 || v >= 1) return { values: [], error: { key: 'range', item } };
    values.push(v);
  }
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  if (distinct.length > MAX_P) return { values: [], error: { key: 'many', max: MAX_P } };
  return { values: distinct, error: null };
}

export function formatPList(values: readonly number[]): string {
  return values.join(', ');
}

export interface SweepForm {
  vary: 'layers' | 'placements';
  layers: string[];
  tie: 'tied' | 'independent';
  placements: SweepPlacement[];
  p: number[];
  seeds: number;
  /** Null: the project's own epoch count. */
  epochs: number | null;
}

/** The settings a plan trains (before seeds): p values, their grid for independent layers, or per placement. */
export function settingsCount(f: SweepForm): number {
  const n = new Set(f.p).size;
  if (f.vary === 'layers') return f.layers.length === 0 ? 0 : f.tie === 'tied' || f.layers.length === 1 ? n : n ** f.layers.length;
  return new Set(f.placements).size === 0 ? 0 : [...new Set(f.placements)].reduce((s, pl) => s + (pl === 'none' ? 1 : n), 0);
}

export function runCount(f: SweepForm): number {
  return settingsCount(f) * f.seeds;
}

/** Seeds 0 … n−1: the same seeds across sweeps, so settings stay comparable. */
export function toPlan(f: SweepForm): PlanInput {
  const seeds = Array.from({ length: f.seeds }, (_, i) => i);
  const epochs = f.epochs === null ? {} : { epochs: f.epochs };
  return f.vary === 'layers'
    ? { layers: f.layers, tie: f.tie, p: f.p, placements: [], seeds, ...epochs }
    : { layers: [], p: f.p, placements: f.placements, seeds, ...epochs };
}
