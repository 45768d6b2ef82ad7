/**
 * Errors a user can act on. Each carries the message shown as-is (one line, no stack)
 * and the exit code the CLI uses for it.
 */
export class TallyError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flags, unknown models, malformed files, unusable input text. CLI exit code 2. */
export class InputError extends TallyError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** A budget refused the request before it was sent. CLI exit code 3. */
export class BudgetRefusedError extends TallyError {
  constructor(message: string) {
    super(message, 3);
  }
}

/** The API failed after retries (or with an error retrying cannot fix). CLI exit code 4. */
export class ApiError extends TallyError {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message, 4);
  }
}
