import { type Config, loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { type RunningService, startService } from '../service.ts';

/** `order-capture serve`: runs until SIGINT/SIGTERM, then stops every part cleanly. */
export async function runServe(
  onStarted?: (s: RunningService, config: Config) => Promise<void>,
  overrides: Record<string, unknown> = {},
): Promise<number> {
  const config = loadConfig(process.env, overrides);
  const log = createLogger(config.logLevel);
  // Listening from the start: Ctrl-C during a slow start still stops cleanly (and gives the
  // embedded database's lock back) once the parts are up.
  let stopped = false;
  let wake = () => {};
  const stop = () => {
    stopped = true;
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const service = await startService(config, log);
  if (!stopped) await onStarted?.(service, config);
  if (!stopped) {
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  log.info('shutting down');
  await service.stop();
  return 0;
}
