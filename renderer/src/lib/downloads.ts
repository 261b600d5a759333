/**
 * Client-side downloads (chart PNGs, metric CSVs): an `<a download>` made in
 * script and clicked, so nothing goes through the engine or the host. Works in
 * Electron (its will-download handler) and in the browser alike.
 */

/** A file name from free text (run names, chart titles): no path separators or odd characters. */
export function safeFileName(s: string, fallback = 'download'): string {
  const cleaned = s.trim().replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/-+/g, '-').replace(/^[-.]+|-+$/g, '');
  return cleaned || fallback;
}

export function downloadUrl(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}

export function downloadText(text: string, fileName: string, mime = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${mime};charset=utf-8` }));
  downloadUrl(url, fileName);
  // Revoke after the click has been handled; revoking at once can cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
