/**
 * Draws a grid of RGBA cells (decision regions, an uncertainty heat-map)
 * scaled smoothly to a square canvas, with the split's points on top in their
 * class colours. The Results view's region map and MC-dropout maps share it.
 */
import { toPixel } from '../../lib/results-data.ts';
import { classColor, css } from '../../lib/tensor-view.ts';

export interface GridFrame {
  x_min: number;
  x_max: number;
  y_min: number;
  y_max: number;
  size: number;
  points: { data: Float32Array };
  point_labels: number[];
}

/** The outline around points drawn over class regions, so they stand out in either theme. */
export const pointEdge = (dark: boolean) => (dark ? 'rgb(15 18 22 / 85%)' : 'rgb(255 255 255 / 90%)');

export function drawGrid(c: HTMLCanvasElement | undefined, px: Uint8ClampedArray, frame: GridFrame, o: { size: number; radius: number; edge: string }): void {
  const g = c?.getContext('2d');
  if (!c || !g) return;
  const n = frame.size;
  const cells = new OffscreenCanvas(n, n);
  cells.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(px), n, n), 0, 0);
  const dpr = Math.max(1, Math.round(globalThis.devicePixelRatio ?? 1));
  c.width = o.size * dpr;
  c.height = o.size * dpr;
  g.scale(dpr, dpr);
  g.imageSmoothingEnabled = true;
  g.drawImage(cells, 0, 0, o.size, o.size);
  g.lineWidth = 1;
  g.strokeStyle = o.edge;
  for (let i = 0; i < frame.point_labels.length; i++) {
    const [x, y] = toPixel(frame.points.data[2 * i], frame.points.data[2 * i + 1], frame, o.size, o.size);
    g.fillStyle = css(classColor(frame.point_labels[i]));
    g.beginPath();
    g.arc(x, y, o.radius, 0, 2 * Math.PI);
    g.fill();
    g.stroke();
  }
}
