/**
 * The few host globals every engine host (Node, Electron utility process,
 * browser worker) provides. Only engine/tsconfig.json reads this file; the root
 * config gets the same names from @types/node.
 */
declare function setTimeout(callback: () => void, ms?: number): unknown;
declare function clearTimeout(handle: unknown): void;
declare const performance: { now(): number };
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string);
  decode(input?: Uint8Array): string;
}
