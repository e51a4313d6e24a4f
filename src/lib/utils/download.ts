/**
 * Saves a file the page made, the way every browser supports: a Blob URL on an `<a download>`
 * clicked by script. The URL is revoked a moment later (revoking at once cancels the download
 * in some browsers).
 */
export function downloadFile(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
