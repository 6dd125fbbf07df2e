import { WebhookConfigError } from '@hookline/webhooks';

/** An ioredis client: `call(command, ...args)`. */
export interface IoRedisLike {
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** A node-redis client (v4, v5): `sendCommand([command, ...args])`. */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>;
}

/** A Redis client the user already has. */
export type RedisClientLike = IoRedisLike | NodeRedisLike;

/** One way to send a raw command, whichever client was given. */
export function redisCommand(client: RedisClientLike): (args: string[]) => Promise<unknown> {
  // ioredis also has a sendCommand, with another meaning: test for call first.
  if (typeof (client as IoRedisLike).call === 'function') {
    const io = client as IoRedisLike;
    return ([command, ...args]) => io.call(command as string, ...args);
  }
  if (typeof (client as NodeRedisLike).sendCommand === 'function') {
    const node = client as NodeRedisLike;
    return (args) => node.sendCommand(args);
  }
  throw new WebhookConfigError(
    'invalid_option',
    'RedisDedupeStore needs a node-redis (createClient) or ioredis (new Redis) client.',
  );
}
