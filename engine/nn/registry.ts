/** Every layer kind the lab knows. Adding a layer: write its file, add one line here. */
import type { LayerDef, LayerTraits } from './layer-def.ts';
import { LinearLayer } from './layers/linear.ts';
import { Conv2dLayer } from './layers/conv2d.ts';
import { AdaptiveAvgPool2dLayer, AvgPool2dLayer, MaxPool2dLayer } from './layers/pooling.ts';
import { FlattenLayer } from './layers/flatten.ts';
import { DropoutLayer } from './layers/dropout.ts';
import { Dropout1dLayer, Dropout2dLayer, Dropout3dLayer } from './layers/channel-dropout.ts';
import { AlphaDropoutLayer, FeatureAlphaDropoutLayer } from './layers/alpha-dropout.ts';
import { GaussianDropoutLayer, GaussianNoiseLayer } from './layers/gaussian-dropout.ts';
import { DropBlock2dLayer } from './layers/drop-block.ts';
import { DropPathLayer, StochasticDepthLayer } from './layers/stochastic-depth.ts';
import { DropConnectLayer } from './layers/drop-connect.ts';
import { BatchNorm1dLayer, BatchNorm2dLayer } from './layers/batch-norm.ts';
import { GroupNormLayer, LayerNormLayer } from './layers/layer-norm.ts';
import { EmbeddingLayer, LearnedPositionalEmbeddingLayer, SinusoidalPositionalEncodingLayer } from './layers/embedding.ts';
import { MultiheadAttentionLayer } from './layers/attention.ts';
import { TransformerEncoderBlockLayer } from './layers/transformer.ts';
import { SequenceMeanLayer } from './layers/sequence-mean.ts';
import {
  ELULayer, GELULayer, IdentityLayer, LeakyReLULayer, LogSoftmaxLayer, ReLULayer, SELULayer, SigmoidLayer, SoftmaxLayer, TanhLayer,
} from './layers/activations.ts';

const LAYERS: readonly LayerDef[] = [
  LinearLayer,
  FlattenLayer,
  IdentityLayer,
  Conv2dLayer,
  MaxPool2dLayer,
  AvgPool2dLayer,
  AdaptiveAvgPool2dLayer,
  ReLULayer,
  LeakyReLULayer,
  GELULayer,
  ELULayer,
  SELULayer,
  TanhLayer,
  SigmoidLayer,
  SoftmaxLayer,
  LogSoftmaxLayer,
  DropoutLayer,
  Dropout1dLayer,
  Dropout2dLayer,
  Dropout3dLayer,
  AlphaDropoutLayer,
  FeatureAlphaDropoutLayer,
  GaussianDropoutLayer,
  GaussianNoiseLayer,
  DropBlock2dLayer,
  StochasticDepthLayer,
  DropPathLayer,
  DropConnectLayer,
  BatchNorm1dLayer,
  BatchNorm2dLayer,
  LayerNormLayer,
  GroupNormLayer,
  EmbeddingLayer,
  LearnedPositionalEmbeddingLayer,
  SinusoidalPositionalEncodingLayer,
  MultiheadAttentionLayer,
  TransformerEncoderBlockLayer,
  SequenceMeanLayer,
];

/** The lookups over a list of kinds; a test builds its own from a fixture list. */
export function registryOf(layers: readonly LayerDef[]) {
  const byKind = new Map(layers.map((d) => [d.kind, d]));
  return {
    layerDef: (kind: string): LayerDef | undefined => byKind.get(kind),
    layerKinds: (): string[] => layers.map((d) => d.kind),
    layerDefs: (): readonly LayerDef[] => layers,
    /** A kind's traits; an unknown kind has none. */
    traitsOf: (kind: string): LayerTraits => byKind.get(kind)?.traits ?? {},
  };
}

export const { layerDef, layerKinds, layerDefs, traitsOf } = registryOf(LAYERS);
