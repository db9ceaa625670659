export type { Command } from './main';
export { helpText, main } from './main';
