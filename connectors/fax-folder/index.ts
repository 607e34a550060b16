import type { InboundDocument } from '../../src/domain/document.ts';
import type { Logger } from '../../src/log.ts';
import type { SubmitResult } from '../../src/pipeline/submit.ts';
import { DropFolder } from '../drop-folder/index.ts';
import { DEFAULT_FAX_SENDER, type FaxSenderOptions, findFaxSender } from './sender.ts';

export { faxNumberFromFilename, faxNumberFromSidecar, normaliseFaxNumber } from './sender.ts';

export interface FaxFolderOptions {
  dir: string;
  stableMs: number;
  pollMs: number;
  maxBytes: number;
  submit: (doc: InboundDocument) => Promise<SubmitResult>;
  log: Logger;
  sender?: FaxSenderOptions;
  /**
   * The supplier's own scanner drops here too: a file without a caller number may be identified
   * by its content. Off: such a file waits for a person to confirm its customer.
   */
  trusted?: boolean;
}

/**
 * The spool folder of a fax gateway (HylaFAX, t38modem, a fax server's "save to folder"): PDF and
 * TIFF faxes and scanned images, taken once complete, stored, then moved to processed/ with their
 * sidecars. The sender's fax number becomes the document's sender, which identifies the customer.
 */
export function createFaxFolder(opts: FaxFolderOptions): DropFolder {
  const sender = opts.sender ?? DEFAULT_FAX_SENDER;
  return new DropFolder({
    dir: opts.dir,
    channel: 'fax',
    stableMs: opts.stableMs,
    pollMs: opts.pollMs,
    maxBytes: opts.maxBytes,
    submit: opts.submit,
    log: opts.log,
    sidecarExtensions: sender.sidecarExtensions,
    describe: async (path) => {
      const fax = await findFaxSender(path, sender);
      return {
        sender: fax,
        meta: { ...(fax ? { faxNumber: fax } : {}), ...(opts.trusted ? { trusted: true } : {}) },
      };
    },
  });
}
