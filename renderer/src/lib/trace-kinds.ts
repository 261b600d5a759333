/**
 * The layer kinds of a layer-by-layer trace, as the user wrote them. The
 * engine names each traced module as the spec does (its `name`, else its
 * index) and reports the class that implements it, which is not always the
 * kind: MaxPool2d and AvgPool2d run as a PoolModule, ReLU as an Activation.
 */
interface SpecLike {
  layers: readonly { kind: string; name?: string }[];
}

/** Kind by traced name for the model's top-level layers (the modules a trace visits). */
export function layerKinds(spec: SpecLike): Map<string, string> {
  return new Map(spec.layers.map((l, i) => [l.name ?? String(i), l.kind]));
}
