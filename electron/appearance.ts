/**
 * The window's colour before the page paints, so a dark theme does not flash
 * white: the renderer's page background (`--bg` in
 * renderer/src/styles/theme.css; a test keeps the two equal) for the theme
 * the renderer last reported, or the system's when it has not said yet.
 */
import type { DesktopTheme } from './preload-api.ts';

export const BACKGROUND: Record<DesktopTheme, string> = { light: '#f3f4f6', dark: '#15181d' };

/** The renderer decides its theme the same way: the remembered choice, else the system's preference. */
export function startTheme(remembered: DesktopTheme | null, systemDark: boolean): DesktopTheme {
  return remembered ?? (systemDark ? 'dark' : 'light');
}
