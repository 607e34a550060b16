/**
 * Progress of long command-line work (`extract` on many files, `import`): a bar redrawn in place
 * on a terminal; on a pipe or a log file, a plain line every tenth of the way (and at the end),
 * so logs stay readable. Written to stderr: stdout carries the results (NDJSON).
 */

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  /** One more item done; `what` names it (a file). */
  tick(what?: string): void;
  /** Clears the bar (terminal) so results printed after it stand alone. */
  done(): void;
}

export function createProgress(
  total: number,
  label: string,
  stream: ProgressStream = process.stderr,
  now: () => number = Date.now,
): Progress {
  let count = 0;
  let lastStep = 0;
  const started = now();
  const eta = () => {
    if (count === 0) return '';
    const left = ((now() - started) / count) * (total - count);
    return left > 1000 ? `, ${Math.ceil(left / 1000)} s left` : '';
  };
  if (total <= 1) return { tick() {}, done() {} };
  return {
    tick(what) {
      count++;
      if (stream.isTTY) {
        const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 40));
        const full = Math.round((count / total) * width);
        const name = what ? ` ${what.length > 30 ? `…${what.slice(-29)}` : what}` : '';
        stream.write(
          `\r\x1b[2K${label} [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${count}/${total}${eta()}${name}`,
        );
        return;
      }
      const step = Math.floor((count / total) * 10);
      if (step > lastStep || count === total) {
        lastStep = step;
        stream.write(`${label}: ${count}/${total} (${Math.round((count / total) * 100)} %)${eta()}\n`);
      }
    },
    done() {
      if (stream.isTTY) stream.write('\r\x1b[2K');
    },
  };
}
