/** `greenlight demo`: placeholder until the codec lands; replaced by a verified demo credential. */
import type { Command } from '../main';

export const demo: Command = {
  summary: 'print a demo credential and verify it',
  async run() {
    console.log('Greenlight demo: the codec is not built yet.');
    return 0;
  },
};
