/** Fetches a PDF that needs a bearer token (a plain link cannot send one) and opens it in a new tab. */
export async function openPdf(url: string, token: string): Promise<void> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(body.message ?? `HTTP ${response.status}`);
  }
  const href = URL.createObjectURL(await response.blob());
  // No 'noopener': with it window.open always returns null, and the app would also navigate away. A blob URL of
  // our own origin needs no such guard. A blocked pop-up falls back to this tab.
  const opened = window.open(href, '_blank');
  if (!opened) location.assign(href);
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
