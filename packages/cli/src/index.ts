// The hookline CLI. The executable is bin/hookline.js; these exports let tools embed the commands
// (and let the relay's docs link to the same exit codes).

export { EXIT } from './exit-codes.js';
export type { Io } from './io.js';
export { COMMANDS, main } from './main.js';
