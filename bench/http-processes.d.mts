// Types of http-processes.mjs, for the TypeScript smoke test; keep in step with the .mjs file.
import type { ChildProcess } from 'node:child_process';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  lines: AsyncIterator<string>;
}

export declare function delivery(): { body: string; headers: Record<string, string> };
export declare function startServer(target: string, options?: { core?: number }): Promise<ServerProcess>;
export declare function stopServer(server: ServerProcess): Promise<{ cpu?: number; busy?: number }>;
export declare function checkBehaviour(target: string, url: string): Promise<void>;
