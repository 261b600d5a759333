/**
 * The wire's schemas against the engine types they carry. Checked by the type checker (`npm run typecheck`
 * covers test/): a field added to one side only, or typed differently, fails to compile. Where the wire
 * widens a type (an enum to a string), the keys must still be the same and the engine's value must fit.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { EngineEvent, LayerFieldsSchema, ParamsOf, ResultOf, TrainerStateSchema } from '../../engine/protocol.ts';
import type { LayerReport, SpecReport } from '../../engine/nn/spec.ts';
import type { EpochMetrics, TrainerState } from '../../engine/train/trainer.ts';
import type { LayerTraits, StochasticTrait } from '../../engine/nn/layer-def.ts';
import type { AdviceContext, Finding } from '../../engine/experiments/advisor.ts';
import type { Recommendation, RecommendRow, SweepMetric } from '../../engine/experiments/recommend.ts';

type WireTraits = ResultOf<'catalog'>['layers'][number]['traits'];
type WireFinding = ResultOf<'advice'>['findings'][number];
type WireRecommendation = NonNullable<Extract<EngineEvent, { type: 'sweep-finished' }>['recommendation']>;

describe('wire types follow the engine types', () => {
  it('layer reports: the same fields, children included', () => {
    expectTypeOf<z.output<typeof LayerFieldsSchema>>().toEqualTypeOf<Omit<LayerReport, 'children'>>();
    expectTypeOf<ResultOf<'validate'>['layers'][number]>().toEqualTypeOf<LayerReport>();
    expectTypeOf<keyof ResultOf<'validate'>>().toEqualTypeOf<keyof SpecReport>();
    expectTypeOf<SpecReport>().toMatchTypeOf<ResultOf<'validate'>>();
  });

  it('training: the trainer\'s epoch metrics and states are the events\'', () => {
    expectTypeOf<Extract<EngineEvent, { type: 'epoch' }>['metrics']>().toEqualTypeOf<EpochMetrics>();
    expectTypeOf<z.output<typeof TrainerStateSchema>>().toEqualTypeOf<TrainerState>();
  });

  it('layer traits: the catalog carries every trait', () => {
    expectTypeOf<keyof WireTraits>().toEqualTypeOf<keyof LayerTraits>();
    expectTypeOf<keyof NonNullable<WireTraits['stochastic']>>().toEqualTypeOf<keyof StochasticTrait>();
    expectTypeOf<LayerTraits>().toMatchTypeOf<WireTraits>();
  });

  it('advice: findings and the context the advisor reads', () => {
    expectTypeOf<keyof WireFinding>().toEqualTypeOf<keyof Finding>();
    expectTypeOf<keyof NonNullable<WireFinding['fix']>>().toEqualTypeOf<keyof NonNullable<Finding['fix']>>();
    expectTypeOf<Finding>().toMatchTypeOf<WireFinding>();
    expectTypeOf<keyof NonNullable<ParamsOf<'advice'>['context']>>().toEqualTypeOf<keyof AdviceContext>();
  });

  it('sweep recommendation: the same fields, row by row', () => {
    expectTypeOf<keyof WireRecommendation>().toEqualTypeOf<keyof Recommendation>();
    expectTypeOf<keyof WireRecommendation['table'][number]>().toEqualTypeOf<keyof RecommendRow>();
    expectTypeOf<Recommendation>().toMatchTypeOf<WireRecommendation>();
    expectTypeOf<WireRecommendation['metric']>().toEqualTypeOf<SweepMetric>();
  });
});
