/** Exit codes of every command; documented in docs/cli.md, so keep them stable. */
export const EXIT = {
  /** Everything worked: the delivery verified, the receiver acknowledged, nothing was dropped. */
  ok: 0,
  /** The check failed: an invalid delivery, a non-2xx answer, a dropped event or an accepted forgery. */
  failed: 1,
  /** The command line is wrong: an unknown command or flag, a missing key, an unreadable file. */
  usage: 2,
  /** simulate: the endpoint was auto-disabled (a 3xx, or sustained failures), as the platform would. */
  disabled: 3,
  /** Interrupted by Ctrl-C before the run finished. */
  interrupted: 130,
} as const;
