/**
 * A command's handler, loaded when the command runs: declaring the commands (for parsing and
 * `--help`) then loads only commander and the option lists, not chDB, pino or the analyzer.
 */
type Handler = (...args: never[]) => unknown;

export function lazy<M extends Record<K, Handler>, K extends keyof M & string>(load: () => Promise<M>, name: K): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]): Promise<void> => {
    const handler = (await load())[name] as unknown as (...a: unknown[]) => unknown;
    await handler(...args);
  };
}
