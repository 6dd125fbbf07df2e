/** Thrown by the body readers when a request exceeds the body limit; answered 413. */
export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
  readonly limit: number;

  constructor(limit: number) {
    super(`The request body is larger than the limit of ${limit} bytes.`);
    this.limit = limit;
  }
}
