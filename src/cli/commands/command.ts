import type { CliIo } from '../io.js';

/** One `row` subcommand: its one-line summary for `row help`, and the code to run. */
export interface Command {
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}
