/**
 * The renderer is untrusted: isolated, sandboxed, no Node, no navigation, no
 * new windows, no permissions, no webviews, only its own files. Every window
 * and every webContents goes through here.
 */
import { app, session, type Session, type WebContents } from 'electron';
import { pathToFileURL } from 'node:url';

/** Mirrors the <meta> CSP in renderer/index.html; also sent as a header for every response. */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'";

/** The one page windows may show: the built renderer's index.html. */
export function isAppPage(url: string, rendererDir: string): boolean {
  const base = pathToFileURL(`${rendererDir}/`).href;
  return url.startsWith(base) && !url.slice(base.length).includes('..');
}

function hardenSession(s: Session): void {
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  s.setDevicePermissionHandler(() => false);
  s.webRequest.onHeadersReceived((details, callback) => {
    // The same policy as CONTENT_SECURITY_POLICY, written out so static checkers can read it.
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': ["default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'"] } });
  });
}

function hardenContents(contents: WebContents, rendererDir: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppPage(url, rendererDir)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Call once before any window exists. */
export function installSecurity(rendererDir: string): void {
  app.enableSandbox();
  hardenSession(session.defaultSession);
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, rendererDir));
}
