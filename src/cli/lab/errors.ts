/**
 * The lab (private namespaces, a PXE VM, `row` servers as child processes) failed: a tool
 * exited non-zero, a server never became ready, a VM never printed its marker. The demo turns
 * it into a message and a non-zero exit; benchmarks print it.
 */
export class LabError extends Error {
  override readonly name: string = 'LabError';
}
