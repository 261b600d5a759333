/**
 * The model view's actions, shared by palette, canvas and inspector: every
 * edit goes through project.setModel with a label for the undo menu, and the
 * selection follows the layer an edit is about.
 */
import { tick } from 'svelte';
import type { AppState } from '../../lib/app.svelte.ts';
import { t } from '../../i18n/index.svelte.ts';
import { adviceText } from '../advice/advice-text.ts';
import { findingsByLayer, type Advisor, type Finding } from '../../lib/advice.svelte.ts';
import { BLOCK_INFOS, newLayer, type LayerInfo, type LayerReport } from '../../lib/layer-defaults.ts';
import {
  duplicate, getLayer, getList, insert, insertionPoint, isBlock, move, movedPath, moveTo, remove, rename, setInputShape, updateArgs,
  type LayerPath, type LayerSpec, type ModelSpec,
} from '../../lib/spec-edit.ts';

const ids = new WeakMap<object, string>();
let nextId = 0;

/** A stable id per layer object: edits copy only what they change, so untouched cards keep theirs. */
export function layerId(layer: LayerSpec): string {
  let id = ids.get(layer);
  if (!id) ids.set(layer, (id = `L${++nextId}`));
  return id;
}

export function pathKey(path: LayerPath): string {
  return path.join('.');
}

export class ModelEditor {
  readonly app: AppState;
  readonly infos: Map<string, LayerInfo>;
  /** The placement advisor's findings for the model (ModelView asks after each edit). */
  readonly advisor: Advisor;
  /** Findings by card, only while they are about the model shown (after an insert, old paths would point at the wrong card). */
  readonly advice: Map<string, Finding[]>;

  constructor(app: AppState) {
    this.app = app;
    this.infos = $derived(new Map([...(app.engine.catalog?.layers ?? []), ...BLOCK_INFOS].map((l) => [l.kind, l])));
    this.advisor = app.advisor();
    this.advice = $derived(this.spec && this.advisor.isCurrent(this.spec) ? findingsByLayer(this.spec, this.advisor.findings) : new Map());
  }

  get spec(): ModelSpec | null {
    return this.app.project.doc?.model ?? null;
  }

  get selected(): number[] | null {
    return this.app.project.selected;
  }

  info(kind: string): LayerInfo | undefined {
    return this.infos.get(kind);
  }

  select(path: LayerPath | null): void {
    this.app.project.selected = path ? [...path] : null;
  }

  isSelected(path: LayerPath): boolean {
    const s = this.selected;
    return !!s && s.length === path.length && s.every((x, i) => x === path[i]);
  }

  /** The engine's report for a layer, unless it is stale (the spec changed and validation has not answered yet). */
  reportAt(path: LayerPath): LayerReport | undefined {
    let list = this.app.project.report?.layers;
    let r: LayerReport | undefined;
    for (const i of path) {
      r = list?.[i];
      list = r?.children;
    }
    const layer = this.spec && getLayer(this.spec, path);
    if (!r || !layer || r.kind !== layer.kind || (layer.name !== undefined && r.name !== layer.name)) return undefined;
    return r;
  }

  adviceAt(path: LayerPath): Finding[] {
    return this.advice.get(pathKey(path)) ?? [];
  }

  /** A finding's one-click fix: the engine's fixed model, as one undoable edit. */
  applyFix(finding: Finding): void {
    if (!finding.fix || !this.advisor.isCurrent(this.spec)) return;
    this.commit(finding.fix.spec as ModelSpec, adviceText(finding).fix ?? '');
  }

  private commit(model: ModelSpec, label: string, coalesce: string | null = null): void {
    this.app.project.setModel(model, label, coalesce);
  }

  insertKind(kind: string, parent: LayerPath, index: number): void {
    const spec = this.spec;
    const info = this.info(kind);
    if (!spec || !info) return;
    const layer = newLayer(info, spec, this.app.project.report, parent, index);
    this.commit(insert(spec, parent, index, layer), t('model.edit.insert', { kind }));
    this.select([...parent, index]);
  }

  /** The keyboard alternative to dragging from the palette. */
  insertAfterSelection(kind: string): void {
    if (!this.spec) return;
    const at = insertionPoint(this.spec, this.selected);
    this.insertKind(kind, at.parent, at.index);
    void this.focus([...at.parent, at.index]);
  }

  remove(path: LayerPath): void {
    const spec = this.spec;
    const layer = spec && getLayer(spec, path);
    if (!spec || !layer) return;
    const next = remove(spec, path);
    this.commit(next, t('model.edit.delete', { name: layer.name ?? layer.kind }));
    const left = getList(next, path.slice(0, -1)) ?? [];
    const i = Math.min(path[path.length - 1], left.length - 1);
    this.select(i >= 0 ? [...path.slice(0, -1), i] : path.length > 1 ? path.slice(0, -1) : null);
  }

  duplicate(path: LayerPath): void {
    const spec = this.spec;
    const layer = spec && getLayer(spec, path);
    if (!spec || !layer) return;
    this.commit(duplicate(spec, path), t('model.edit.duplicate', { name: layer.name ?? layer.kind }));
    const copy = [...path.slice(0, -1), path[path.length - 1] + 1];
    this.select(copy);
    void this.focus(copy);
  }

  /** Moves a layer to `toIndex` of its own list. */
  moveTo(path: LayerPath, toIndex: number): void {
    const spec = this.spec;
    const layer = spec && getLayer(spec, path);
    const list = spec && getList(spec, path.slice(0, -1));
    if (!spec || !layer || !list || toIndex < 0 || toIndex >= list.length || toIndex === path[path.length - 1]) return;
    this.commit(move(spec, path, toIndex), t('model.edit.move', { name: layer.name ?? layer.kind }));
    this.select([...path.slice(0, -1), toIndex]);
  }

  /** Moves a layer into another list (`toParent`/`toIndex` as before the move); selection and focus follow it. */
  private moveAcross(path: LayerPath, toParent: LayerPath, toIndex: number): void {
    const spec = this.spec;
    const layer = spec && getLayer(spec, path);
    if (!spec || !layer) return;
    this.commit(moveTo(spec, path, toParent, toIndex), t('model.edit.move', { name: layer.name ?? layer.kind }));
    const to = movedPath(path, toParent, toIndex);
    this.select(to);
    void this.focus(to);
  }

  /** Out of its block, to just after the block (keys: Alt+←). */
  moveOut(path: LayerPath): void {
    if (path.length < 2) return;
    const block = path.slice(0, -1);
    this.moveAcross(path, block.slice(0, -1), block[block.length - 1] + 1);
  }

  /** The block just above this layer, if any: where Alt+→ moves it (to the block's end). */
  blockAbove(path: LayerPath): LayerPath | null {
    const i = path[path.length - 1];
    if (!this.spec || i === 0) return null;
    const above = [...path.slice(0, -1), i - 1];
    return isBlock(getLayer(this.spec, above)) ? above : null;
  }

  moveIntoBlockAbove(path: LayerPath): void {
    const block = this.blockAbove(path);
    const inner = block && this.spec && getList(this.spec, block);
    if (block && inner) this.moveAcross(path, block, inner.length);
  }

  moveBy(path: LayerPath, delta: number): void {
    const to = path[path.length - 1] + delta;
    this.moveTo(path, to);
    void this.focus([...path.slice(0, -1), to]);
  }

  setArg(path: LayerPath, name: string, value: unknown): void {
    const spec = this.spec;
    if (!spec || !getLayer(spec, path)) return;
    this.commit(updateArgs(spec, path, { [name]: value }), t('model.edit.set', { arg: name }), `arg:${pathKey(path)}:${name}`);
  }

  rename(path: LayerPath, name: string): void {
    const spec = this.spec;
    if (!spec) return;
    this.commit(rename(spec, path, name), t('model.edit.rename', { name }), `name:${pathKey(path)}`);
  }

  setInputShape(shape: number[]): void {
    const spec = this.spec;
    if (!spec) return;
    this.commit(setInputShape(spec, shape), t('model.edit.input'), 'input_shape');
  }

  /** Keyboard focus to a card after the DOM caught up with an edit. */
  async focus(path: LayerPath): Promise<void> {
    await tick();
    document.querySelector<HTMLElement>(`[data-path="${pathKey(path)}"]`)?.focus();
  }
}
