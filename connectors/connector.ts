import type { Config } from '../src/config.ts';
import type { Channel, InboundDocument } from '../src/domain/document.ts';
import type { Logger } from '../src/log.ts';
import type { Monitored, PartHealth } from '../src/monitor/status.ts';
import type { SubmitResult } from '../src/pipeline/submit.ts';

/** Stores one arrival and queues it: the pipeline's `submit()`, bound to the database. */
export type Submit = (doc: InboundDocument) => Promise<SubmitResult>;

/**
 * How a document travels, apart from what it is: an EDIFACT interchange is channel `edi` whether
 * it came by a folder, HTTP, e-mail or AS2.
 */
export type Transport = 'folder' | 'smtp' | 'imap' | 'http';

/**
 * A transport that takes documents in. An implementation MUST hand every arrival to `submit` as
 * an InboundDocument (raw bytes, channel, source reference) and confirm it to its source (flag or
 * move a message, move a file) only after `submit` has resolved; MUST stop taking new arrivals
 * when `stop()` is called and resolve it once the arrivals in hand are stored; and reports its
 * health (running, retrying with the reason, stopped) for the heartbeat and `/health`.
 */
export interface Connector extends Monitored {
  /** Stable and unique in a process: `edifact-folder`, `imap:orders@mail.example/INBOX`. */
  readonly id: string;
  /** The channel of the documents it takes in (their format may still say more). */
  readonly channel: Channel;
  readonly transport: Transport;
  start(submit: Submit): Promise<void>;
  stop(): Promise<void>;
}

/** What a transport object does once it is built with its `submit` (DropFolder, SmtpListener...). */
interface Running {
  readonly name: string;
  start(): Promise<void> | void;
  stop(): Promise<void>;
  health(): PartHealth;
}

/**
 * A connector whose transport object is built when it starts, with the `submit` it is given
 * (the transport classes take `submit` in their options, so their tests drive them directly).
 */
export function connector(
  spec: { id: string; channel: Channel; transport: Transport; name: string },
  build: (submit: Submit) => Running,
): Connector {
  let running: Running | null = null;
  return {
    ...spec,
    kind: 'connector',
    async start(submit) {
      if (running) throw new Error(`connector ${spec.id} is started already`);
      running = build(submit);
      await running.start();
    },
    async stop() {
      await running?.stop();
      running = null;
    },
    health: () => running?.health() ?? { state: 'stopped' },
  };
}

/**
 * One kind of connector (a provider): the connectors the configuration switches on, their
 * options checked; a problem is a line in `problems`, and any problem stops the start.
 */
export interface ConnectorKind {
  readonly transport: Transport;
  fromConfig(config: Config, log: Logger, problems: string[]): Connector[];
}
