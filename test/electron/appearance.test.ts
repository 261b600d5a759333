/** A window starts in its page's background colour, for the theme the renderer will pick. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BACKGROUND, startTheme } from '../../electron/appearance.ts';

describe('window background', () => {
  it("is the renderer's --bg for each theme (theme.css)", () => {
    const css = readFileSync(new URL('../../renderer/src/styles/theme.css', import.meta.url), 'utf8');
    const light = /:root\s*\{[^}]*--bg:\s*(#[0-9a-f]{6})/i.exec(css)?.[1];
    const dark = /\[data-theme='dark'\]\s*\{[^}]*--bg:\s*(#[0-9a-f]{6})/i.exec(css)?.[1];
    expect(BACKGROUND).toEqual({ light, dark });
  });

  it('starts in the remembered theme, else the system one', () => {
    expect([startTheme('light', true), startTheme('dark', false), startTheme(null, true), startTheme(null, false)]).toEqual(['light', 'dark', 'dark', 'light']);
  });
});
