/** A refusal that a decision made: its reasons carry plain words in each language (`text.ko`, `text.en`). */
export class RefusedError extends Error {
  constructor(
    message: string,
    readonly reasons: { code: string; text: Record<string, string> }[],
  ) {
    super(message);
    this.name = 'RefusedError';
  }
}

/**
 * Fetches a PDF that needs a bearer token (a plain link cannot send one) and opens it in a new tab. A refusal with
 * reasons (the desk's print guard) throws RefusedError; any other failure an Error with the server's message.
 */
export async function openPdf(url: string, token: string): Promise<void> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as {
      message?: string;
      reasons?: { code: string; text: Record<string, string> }[];
    };
    const message = body.message ?? `HTTP ${response.status}`;
    throw body.reasons?.length ? new RefusedError(message, body.reasons) : new Error(message);
  }
  const href = URL.createObjectURL(await response.blob());
  // No 'noopener': with it window.open always returns null, and the app would also navigate away. A blob URL of
  // our own origin needs no such guard. A blocked pop-up falls back to this tab.
  const opened = window.open(href, '_blank');
  if (!opened) location.assign(href);
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
