/** Drag-and-drop zones of the model view: palette items may drop onto the top-level canvas (the same zone type). */
export const PALETTE_ZONE = 'layer';

/** What a dnd zone holds: a card (its layer's id) or a palette copy on its way in (`palette` = the kind). */
export interface ZoneItem {
  id: string;
  palette?: string;
  isDndShadowItem?: boolean;
}

/** The zone type of a block's inner list: its own, so inner layers reorder only inside their block. */
export function blockZone(id: string): string {
  return `block:${id}`;
}
