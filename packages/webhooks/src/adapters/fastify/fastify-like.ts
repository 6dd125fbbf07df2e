import type { IncomingMessage } from 'node:http';

// The few Fastify members the plugin uses, typed structurally so this package needs no
// dependency on fastify; a real FastifyInstance is assignable to these (method parameters are
// compared bivariantly).

/** The request members the plugin reads. */
export interface FastifyRequestLike {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  raw: IncomingMessage;
}

/** The reply members the plugin writes. */
export interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
}

/** The instance members the plugin calls inside its own encapsulated context. */
export interface FastifyInstanceLike {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    type: string,
    parser: (
      request: FastifyRequestLike,
      payload: IncomingMessage,
      done: (error: Error | null, body?: unknown) => void,
    ) => void,
  ): void;
  route(options: {
    method: string[];
    url: string;
    handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>;
  }): unknown;
  hasRoute(options: { method: string; url: string }): boolean;
}
