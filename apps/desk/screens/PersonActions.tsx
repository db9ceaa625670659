/**
 * What staff can do for one person: print the paper pass (or read why it is refused and reissue it), record a
 * sticker after confirming (or read why not), and revoke a certificate. Every refusal shows the server's reasons.
 */
import { useState } from 'preact/hooks';
import type { Lang } from '../../shared/i18n';
import { DeskError, type Person, printPass, type Reason, recordSticker, reissue, revoke } from '../api';
import type { T } from './types';

interface Props {
  person: Person;
  token: string;
  t: T;
  lang: Lang;
  /** Shows a message in the status line, in the language on screen. */
  say: (words: (t: T, lang: Lang) => string) => void;
  /** Shows an unexpected failure. */
  fail: (error: unknown) => void;
  /** Searches again (after a revocation or a reissue changes the person's certificates). */
  reload: () => Promise<void>;
}

type Confirming = 'reissue' | 'sticker' | undefined;

const wordsOf = (reason: Reason, lang: Lang) => reason.text[lang] ?? reason.text.en ?? '';

function Reasons({ reasons, lang }: { reasons: Reason[]; lang: Lang }) {
  return (
    <ul class="reasons">
      {reasons.map((reason) => (
        <li key={reason.code + wordsOf(reason, lang)}>{wordsOf(reason, lang)}</li>
      ))}
    </ul>
  );
}

export function PersonActions({ person, token, t, lang, say, fail, reload }: Props) {
  // The print guard's refusal: the server's reasons, or "revoked" known from the search before any print.
  const [printRefusal, setPrintRefusal] = useState<Reason[]>();
  // The last sticker answer that needs staff to read it: refused with reasons, or one already recorded.
  const [stickerPanel, setStickerPanel] = useState<{ refused: Reason[] } | 'exists'>();
  const [replaceReason, setReplaceReason] = useState('');
  const [confirming, setConfirming] = useState<Confirming>();
  // One request at a time per person: a double click cannot send a second reissue or sticker.
  const [busy, setBusy] = useState(false);
  const knownRevoked = person.certificates.some((c) => c.kind === 'dcc' && c.revoked);
  const refused = printRefusal !== undefined || knownRevoked;

  const run = async (work: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    try {
      await work();
    } finally {
      setBusy(false);
    }
  };

  const print = () =>
    run(async () => {
      try {
        await printPass(token, person.id);
      } catch (error) {
        if (error instanceof DeskError && error.code === 'ERR_PASS_NOT_PRINTABLE')
          setPrintRefusal(error.reasons);
        else fail(error);
      }
    });

  const doReissue = () =>
    run(async () => {
      setConfirming(undefined);
      try {
        await reissue(token, person.id);
      } catch (error) {
        if (error instanceof DeskError && error.code === 'ERR_REISSUE_NOT_NEEDED') {
          setPrintRefusal(undefined);
          say((t) => t('reissue.notNeeded'));
          await reload().catch(fail);
          return;
        }
        if (error instanceof DeskError && error.code === 'ERR_REISSUE_NO_CERTIFICATE')
          say((t) => t('reissue.noCertificate'));
        else fail(error);
        return;
      }
      setPrintRefusal(undefined);
      setStickerPanel(undefined);
      say((t) => t('reissue.done', { name: person.name }));
      await reload().catch(fail);
      try {
        await printPass(token, person.id);
      } catch (error) {
        if (error instanceof DeskError && error.code === 'ERR_PASS_NOT_PRINTABLE')
          setPrintRefusal(error.reasons);
        else fail(error);
      }
    });

  const sticker = (replace?: { reason: string }) =>
    run(async () => {
      setConfirming(undefined);
      setStickerPanel(undefined);
      try {
        await recordSticker(token, person.id, replace);
        setReplaceReason('');
        say((t) => t(replace ? 'sticker.replaced' : 'action.stickerDone', { name: person.name }));
      } catch (error) {
        if (error instanceof DeskError && error.code === 'ERR_STICKER_NOT_ALLOWED')
          setStickerPanel({ refused: error.reasons });
        else if (error instanceof DeskError && error.code === 'ERR_STICKER_EXISTS') setStickerPanel('exists');
        else fail(error);
      }
    });

  const kindIn = (t: T, kind: string) => (kind === 'dcc' || kind === 'shc' ? t(`kind.${kind}`) : kind);
  const kindName = (kind: string) => kindIn(t, kind);

  return (
    <>
      {refused && (
        <div class="refusal" role="note" data-refused="print">
          <p>
            <strong>{t('print.refused')}</strong>
          </p>
          {printRefusal && printRefusal.length > 0 ? (
            <Reasons reasons={printRefusal} lang={lang} />
          ) : (
            <p>{t('print.revoked')}</p>
          )}
          <p>{t('print.reissue')}</p>
          {confirming === 'reissue' ? (
            <div class="confirm" data-confirm="reissue">
              <p>{t('reissue.confirm', { name: person.name })}</p>
              <div class="row">
                <button class="primary" type="button" disabled={busy} onClick={doReissue}>
                  {t('reissue.yes')}
                </button>
                <button type="button" onClick={() => setConfirming(undefined)}>
                  {t('action.cancel')}
                </button>
              </div>
            </div>
          ) : (
            <button class="primary" type="button" disabled={busy} onClick={() => setConfirming('reissue')}>
              {t('action.reissue')}
            </button>
          )}
        </div>
      )}
      {stickerPanel && stickerPanel !== 'exists' && (
        <div class="refusal" role="note" data-refused="sticker">
          <p>
            <strong>{t('sticker.refused')}</strong>
          </p>
          <Reasons reasons={stickerPanel.refused} lang={lang} />
        </div>
      )}
      {stickerPanel === 'exists' && (
        <form
          class="refusal"
          data-refused="sticker-exists"
          onSubmit={(event) => {
            event.preventDefault();
            void sticker({ reason: replaceReason.trim() });
          }}
        >
          <p>
            <strong>{t('sticker.exists')}</strong>
          </p>
          <label>
            {t('sticker.replaceReason')}
            <input
              value={replaceReason}
              required
              minLength={3}
              maxLength={500}
              onInput={(e) => setReplaceReason(e.currentTarget.value)}
            />
          </label>
          <button type="submit" disabled={busy}>
            {t('sticker.replace')}
          </button>
        </form>
      )}
      {confirming === 'sticker' && (
        <div class="confirm" data-confirm="sticker">
          <p>{t('sticker.confirm', { name: person.name })}</p>
          <div class="row">
            <button class="primary" type="button" disabled={busy} onClick={() => void sticker()}>
              {t('sticker.yes')}
            </button>
            <button type="button" onClick={() => setConfirming(undefined)}>
              {t('action.cancel')}
            </button>
          </div>
        </div>
      )}
      <div class="row">
        {!refused && (
          <button type="button" disabled={busy} onClick={print}>
            {t('action.print')}
          </button>
        )}
        <button type="button" disabled={busy} onClick={() => setConfirming('sticker')}>
          {t('action.sticker')}
        </button>
        {person.certificates.map((c) =>
          c.revoked ? (
            <span class="tag" key={c.id}>
              {t('cert.revoked', { kind: kindName(c.kind) })}
            </span>
          ) : (
            <button
              type="button"
              key={c.id}
              disabled={busy}
              onClick={() => {
                const reason = prompt(t('action.revokeReason'));
                if (!reason) return;
                void run(async () => {
                  // What was said about the sticker held for the certificate before this revocation.
                  setStickerPanel(undefined);
                  await revoke(token, c.id, reason)
                    .then(() => say((t) => t('action.revokeDone', { kind: kindIn(t, c.kind) })))
                    .then(reload)
                    .catch(fail);
                });
              }}
            >
              {t('action.revoke', { kind: kindName(c.kind) })}
            </button>
          ),
        )}
      </div>
    </>
  );
}
