/**
 * The preferences the lab keeps between sessions (theme, language), in the
 * page's localStorage under both hosts: Electron's main process reads the
 * language from its own window-state.json, sent through setAppearance. A
 * store that refuses (private mode, quota) just forgets.
 */
export type PreferenceKey = 'theme' | 'locale';

export interface Preferences {
  read(key: PreferenceKey): string | null;
  save(key: PreferenceKey, value: string): void;
}

export const localPreferences: Preferences = {
  read(key) {
    try {
      return globalThis.localStorage?.getItem(`dlab.${key}`) ?? null;
    } catch {
      return null;
    }
  },
  save(key, value) {
    try {
      globalThis.localStorage?.setItem(`dlab.${key}`, value);
    } catch {
      // Not kept: the choice still holds for this session.
    }
  },
};
