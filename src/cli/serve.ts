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
  const service = await startService(config, log);
  await onStarted?.(service, config);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log.info('shutting down');
  await service.stop();
  return 0;
}
