/** A failure the CLI reports as one clear line; exit 2 for bad usage, 1 otherwise. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Bad input on the command line. */
export const usage = (message: string) => new CliError(message, 2);
