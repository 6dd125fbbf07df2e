/** The platform's disabled_reason values, verbatim (machine-readable on the platform). */
export const DISABLED_REASONS = {
  redirect: 'auto-disabled: endpoint URL returned a redirect (3xx)',
  sustained: 'auto-disabled after sustained delivery failures',
} as const;

/** The emulated endpoint's state: enabled until a rule disables it. */
export class EndpointState {
  disabledReason: string | undefined;
  private failingSince: number | undefined;
  private readonly listeners: Array<() => void> = [];

  /** @param sustainedMs how long failures must last, uninterrupted, to disable the endpoint */
  constructor(private readonly sustainedMs: number) {}

  get disabled(): boolean {
    return this.disabledReason !== undefined;
  }

  /** Called once when the endpoint is disabled, to stop everything pending. */
  onDisable(listener: () => void): void {
    this.listeners.push(listener);
  }

  disable(reason: string): void {
    if (this.disabled) return;
    this.disabledReason = reason;
    for (const listener of this.listeners) listener();
  }

  /** A 2xx: a single success resets the sustained-failure clock. */
  succeeded(): void {
    this.failingSince = undefined;
  }

  /** A failure (not a 3xx, which disables at once). */
  failed(nowMs: number): void {
    this.failingSince ??= nowMs;
    if (nowMs - this.failingSince >= this.sustainedMs) this.disable(DISABLED_REASONS.sustained);
  }
}
