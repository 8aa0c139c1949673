/** Where a command writes; tests pass their own to capture output. */
export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Resolves when the user asks the command to stop (SIGINT/SIGTERM for `row`). */
  stopSignal: AbortSignal;
  /** The user's terminal, when `row` runs in one (stdin is a TTY): for interactive commands (`row demo`). */
  terminal?: CliTerminal;
}

export interface CliTerminal {
  input: NodeJS.ReadStream;
  /** Raw output: text without an added newline (a guest console's prompt). */
  write: (text: string) => void;
}
