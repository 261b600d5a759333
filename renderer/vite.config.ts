import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = fileURLToPath(new URL('.', import.meta.url));

// Relative asset paths so the same build loads from file:// (Electron) and http:// (web host).
export default defineConfig({
  root,
  base: './',
  plugins: [svelte()],
  build: { outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)), emptyOutDir: true, target: 'es2022', modulePreload: { polyfill: false } },
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
});
