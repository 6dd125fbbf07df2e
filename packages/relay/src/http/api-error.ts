/** An error the HTTP layer turns into `{ "error": { "code", "message", ...details } }` with its status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const notFound = (what: string, id: string): ApiError =>
  new ApiError(404, 'not_found', `No ${what} with id "${id}".`);

export const invalid = (message: string, details?: Record<string, unknown>): ApiError =>
  new ApiError(422, 'invalid_request', message, details);
