import type { Writable } from 'node:stream';
import { wantsDecoration } from './color.js';

/** A snapshot of a run for the bar. */
export interface ProgressState {
  settled: number;
  total: number;
  retrying: number;
  dropped: number;
}

/** A single redrawn line on stderr; a no-op when stderr is not a TTY or NO_COLOR is set. */
export class ProgressBar {
  readonly enabled: boolean;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: Writable & { isTTY?: boolean; columns?: number },
    env: Record<string, string | undefined>,
    private readonly read: () => ProgressState,
  ) {
    this.enabled = wantsDecoration(stream, env);
  }

  start(intervalMs = 100): void {
    if (!this.enabled) return;
    this.timer = setInterval(() => this.draw(), intervalMs);
    this.timer.unref();
  }

  /** Erases the bar so the report starts on a clean line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.enabled) this.stream.write('\r\u001b[2K');
  }

  /** The bar's text for a state (exported for tests). */
  static render(state: ProgressState, width = 24): string {
    const fraction = state.total === 0 ? 1 : state.settled / state.total;
    const filled = Math.round(fraction * width);
    return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${state.settled}/${state.total} events  ${state.retrying} retrying  ${state.dropped} dropped`;
  }

  private draw(): void {
    const text = ProgressBar.render(this.read());
    this.stream.write(`\r\u001b[2K${text.slice(0, (this.stream.columns ?? 80) - 1)}`);
  }
}
