/** Fetches a PDF that needs a bearer token (a plain link cannot send one) and opens it in a new tab. */
export async function openPdf(url: string, token: string): Promise<void> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(body.message ?? `HTTP ${response.status}`);
  }
  const href = URL.createObjectURL(await response.blob());
  const opened = window.open(href, '_blank', 'noopener');
  if (!opened) location.assign(href);
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
