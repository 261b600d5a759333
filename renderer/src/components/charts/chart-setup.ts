/**
 * chart.js with only the pieces the lab's line charts use (tree-shaken), a
 * plugin that paints the card colour behind the plot (so exported PNGs are not
 * transparent, which would hide dark-theme text), and the theme's colours read
 * from the CSS variables in styles/theme.css.
 */
import { Chart, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip, type Plugin } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Legend);

export { Chart };

export const background: Plugin<'line', { color?: string }> = {
  id: 'dlabBackground',
  beforeDraw(chart, _args, opts) {
    if (!opts.color) return;
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = opts.color;
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

export interface ThemeColors {
  series: string[];
  text: string;
  muted: string;
  grid: string;
  card: string;
  font: string;
}

/** The current theme's colours; read again after every theme switch. */
export function themeColors(): ThemeColors {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    series: [v('--series-1'), v('--series-2'), v('--series-3'), v('--series-4')],
    text: v('--text'),
    muted: v('--muted'),
    grid: v('--border'),
    card: v('--card'),
    font: v('--font'),
  };
}
