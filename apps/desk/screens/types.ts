/** The desk's translator type, shared by its screens. */
import type { translator } from '../../shared/i18n';
import type { messages } from '../messages';

export type T = ReturnType<typeof translator<typeof messages>>;
