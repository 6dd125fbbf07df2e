import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Watches every client socket this process opens and records the addresses it tries outside
 * 127.0.0.0/8 and ::1. Suites call `stop()` after their tests and expect an empty list: the
 * guard's tests must never reach a real outside address, even when the guard is broken.
 */
export function watchOutsideConnections(): { outside: string[]; stop: () => void } {
  const outside: string[] = [];
  const onSocket = (message: unknown) => {
    const { socket } = message as { socket: Socket };
    // 'connectionAttempt' fires before the SYN for every address tried (Node ≥ 20.12).
    socket.on('connectionAttempt', (address: string) => {
      if (!LOOPBACK.test(address)) outside.push(address);
    });
    socket.once('connect', () => {
      const address = socket.remoteAddress ?? '';
      if (!LOOPBACK.test(address) && !outside.includes(address)) outside.push(address);
    });
  };
  subscribe('net.client.socket', onSocket);
  return { outside, stop: () => unsubscribe('net.client.socket', onSocket) };
}
