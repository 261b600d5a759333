/**
 * App-wide state that speaks to the user: theme and language kept through the host's preferences (no storage of
 * its own), and the project's title and notices in the chosen language.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Host, PreferenceKey } from '../../renderer/src/host/host.ts';
import { i18n } from '../../renderer/src/i18n/index.svelte.ts';
import { AppState } from '../../renderer/src/lib/app.svelte.ts';
import { ProjectState, type Project } from '../../renderer/src/lib/project.svelte.ts';
import { defaultSettings } from '../../engine/train/settings.ts';
import { fakeEngine, settle } from './fake-engine.ts';

function host(saved: Partial<Record<PreferenceKey, string>>) {
  const store = { ...saved };
  const h = {
    kind: 'web', preferences: { read: (k: PreferenceKey) => store[k] ?? null, save: (k: PreferenceKey, v: string) => void (store[k] = v) },
    connect() {}, post() {}, chooseSavePath: async (name: string) => `/p/${name}`, setDocumentState() {},
    recent: async () => [], noteRecent: async () => [],
  };
  return { host: h as unknown as Host, store };
}

const doc = (name: string): Project => ({ format: 'dropout-lab-project', version: 1, name, created: 'c', modified: 'm', model: { input_shape: [2], layers: [] }, dataset: { id: 'spiral', samples: 300, seed: 0 }, training: defaultSettings(), runs: [] });

afterEach(() => i18n.set('en'));

describe('preferences', () => {
  it('the theme and language chosen in an earlier session come back, and new choices are kept by the host', () => {
    const { host: h, store } = host({ theme: 'dark', locale: 'zh' });
    const app = new AppState(h);
    expect(app.theme).toBe('dark');
    expect(i18n.locale).toBe('zh');
    app.setTheme('light');
    i18n.set('en');
    expect(store).toEqual({ theme: 'light', locale: 'en' });
  });

  it('a value the lab does not know is ignored', () => {
    const app = new AppState(host({ theme: 'sepia', locale: 'fr' }).host);
    expect(['light', 'dark']).toContain(app.theme);
    expect(i18n.locale).toBe('en');
  });
});

describe('the project in both languages', () => {
  async function opened(name: string) {
    const f = fakeEngine();
    const p = new ProjectState(f.engine as never, host({}).host);
    const made = p.newProject('mlp');
    f.of('project.new')[0].answer({ doc: doc(name) });
    await made;
    return { p, f };
  }

  it('a new project is "Untitled" in English and 未命名 in Chinese; a named one keeps its name', async () => {
    const { p } = await opened('Untitled');
    expect(p.title).toBe('Untitled');
    i18n.set('zh');
    expect(p.title).toBe('未命名');
    expect((await opened('蘑菇分类')).p.title).toBe('蘑菇分类');
  });

  it('a failed save says what failed in the chosen language, with the engine\'s own reason', async () => {
    i18n.set('zh');
    const { p, f } = await opened('mlp');
    const saving = p.saveAs();
    await settle();
    expect(p.busy).toBe('正在保存 /p/mlp.dlab');
    f.of('project.save')[0].fail(new Error('EACCES: permission denied'));
    expect(await saving).toBe(false);
    expect(p.notice).toEqual({ kind: 'error', text: '无法保存 /p/mlp.dlab：EACCES: permission denied' });
    i18n.set('en');
    const again = p.saveAs();
    await settle();
    f.of('project.save')[1].fail(new Error('disk full'));
    await again;
    expect(p.notice?.text).toBe('Could not save /p/mlp.dlab: disk full');
  });
});
