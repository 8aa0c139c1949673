/** Where a command writes; tests pass their own to capture output. */
export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Resolves when the user asks the command to stop (SIGINT/SIGTERM for `row`). */
  stopSignal: AbortSignal;
}
