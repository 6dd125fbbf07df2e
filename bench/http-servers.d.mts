// Types of http-servers.mjs, for the TypeScript smoke test; keep in step with the .mjs file.
export declare const KEY: string;
export declare const TARGETS: string[];
export declare const VERIFYING: Set<string>;
