/** The few host globals every engine host (Node, Electron utility process, browser worker) provides. */
declare function setTimeout(callback: () => void, ms?: number): unknown;
declare const performance: { now(): number };
