export type { Command } from './main.ts';
export { helpText, main } from './main.ts';
