import type { Finding, Severity } from '../../domain/findings.ts';
import { finding } from '../../domain/findings.ts';
import type { Segment } from './tokenize.ts';
import { text } from './values.ts';

/** What the UNB interchange header says about the sender. */
export interface Interchange {
  /** UNB S002 0004: the interchange sender identification (often the buyer's GLN). */
  senderId: string | null;
  /** UNB 0020: the interchange control reference, repeated in UNZ. */
  controlRef: string | null;
}

/** One UNH..UNT message of an interchange. */
export interface MessageSlice {
  /** 1-based number of the message in the file. */
  seq: number;
  /** UNH 0062, the message reference number. */
  ref: string | null;
  /** UNH S009 0065, e.g. ORDERS, INVOIC. */
  type: string | null;
  /** UNH to UNT inclusive, or as far as the message got. */
  segments: Segment[];
  interchange: Interchange | null;
  /** Envelope problems of this message; any `error` means it cannot be trusted as a whole. */
  findings: Finding[];
}

/** The messages of a file and the problems of the envelope around them. */
export interface Envelope {
  messages: MessageSlice[];
  findings: Finding[];
}

interface OpenInterchange {
  header: Interchange;
  messages: number;
  groups: number;
}

interface OpenGroup {
  ung: Segment;
  messages: number;
}

const at = (s: Segment) => `segment ${s.index} (${s.tag})`;
const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const name = (m: MessageSlice) => `message ${m.seq}${m.ref ? ` (ref ${m.ref})` : ''}`;
const invalid = (severity: Severity, message: string) => finding('invalid_edifact', severity, null, message);

/** Splits a file's segments into interchanges and messages, checking the control counts. */
export class EnvelopeSplitter {
  readonly messages: MessageSlice[] = [];
  readonly findings: Finding[] = [];
  private interchange: OpenInterchange | null = null;
  private group: OpenGroup | null = null;
  private message: MessageSlice | null = null;
  private stray: Segment[] = [];
  private unreadable: Segment[] = [];
  private unreadableInMessage = 0;

  feed(s: Segment): void {
    if (s.error && s.tag !== 'UNH' && s.tag !== 'UNT') {
      if (this.message) this.addToMessage(s);
      else this.unreadable.push(s);
      return;
    }
    const service = this.service[s.tag];
    if (service) service(s);
    else if (this.message) this.addToMessage(s);
    else this.stray.push(s);
  }

  private readonly service: Record<string, (s: Segment) => void> = {
    UNB: (s) => this.openInterchange(s),
    UNZ: (s) => this.closeInterchange(s),
    UNG: (s) => this.openGroup(s),
    UNE: (s) => this.closeGroup(s),
    UNH: (s) => this.openMessage(s),
    UNT: (s) => this.closeMessage(s),
  };

  finish(): Envelope {
    this.breakOff('the file ends');
    if (this.group) {
      this.findings.push(invalid('warning', `${at(this.group.ung)}: the group has no UNE trailer`));
    }
    if (this.interchange) {
      const ref = this.interchange.header.controlRef;
      this.findings.push(
        invalid('warning', `the interchange${ref ? ` (ref ${ref})` : ''} has no UNZ trailer`),
      );
    }
    const stray = this.stray[0];
    if (stray) {
      const n = plural(this.stray.length, 'segment');
      this.findings.push(invalid('warning', `${n} outside any message, from ${at(stray)}`));
    }
    const u = this.unreadable[0];
    if (u) {
      const more = this.unreadable.length - 1;
      const tail = more > 0 ? ` (and ${plural(more, 'more unreadable segment')})` : '';
      this.findings.push(invalid('warning', `${at(u)} cannot be read: ${u.error}${tail}`));
    }
    return { messages: this.messages, findings: this.findings };
  }

  private openInterchange(s: Segment): void {
    this.breakOff(`a new interchange starts at ${at(s)}`);
    if (this.interchange) {
      this.findings.push(invalid('warning', `${at(s)}: the previous interchange has no UNZ`));
    }
    const header = { senderId: text(s, 1, 0), controlRef: text(s, 4, 0) };
    this.interchange = { header, messages: 0, groups: 0 };
    this.group = null;
  }

  private closeInterchange(s: Segment): void {
    this.breakOff(`the interchange ends at ${at(s)}`);
    const open = this.interchange;
    if (!open) {
      this.findings.push(invalid('warning', `${at(s)}: UNZ without UNB`));
      return;
    }
    this.interchange = null;
    // The counts below still prove the interchange complete: the missing last terminator is cosmetic.
    if (s.unterminated) this.findings.push(invalid('info', `${at(s)} has no segment terminator`));
    // With groups, UNZ counts the groups; without, the messages.
    const n = open.groups > 0 ? open.groups : open.messages;
    const count = text(s, 0, 0);
    if (count === null || Number(count) !== n) {
      const counted = plural(n, open.groups > 0 ? 'group' : 'message');
      this.findings.push(
        invalid('warning', `${at(s)}: interchange control count ${count} does not match ${counted}`),
      );
    }
    const ref = text(s, 1, 0);
    if (ref !== open.header.controlRef) {
      this.findings.push(
        invalid(
          'warning',
          `${at(s)}: reference ${ref} does not match UNB reference ${open.header.controlRef}`,
        ),
      );
    }
  }

  private openGroup(s: Segment): void {
    this.breakOff(`a group starts at ${at(s)}`);
    this.group = { ung: s, messages: 0 };
    if (this.interchange) this.interchange.groups++;
  }

  private closeGroup(s: Segment): void {
    this.breakOff(`the group ends at ${at(s)}`);
    const open = this.group;
    this.group = null;
    if (!open) {
      this.findings.push(invalid('warning', `${at(s)}: UNE without UNG`));
      return;
    }
    const count = text(s, 0, 0);
    if (count === null || Number(count) !== open.messages) {
      const counted = plural(open.messages, 'message');
      this.findings.push(
        invalid('warning', `${at(s)}: group control count ${count} does not match ${counted}`),
      );
    }
    if (text(s, 1, 0) !== text(open.ung, 4, 0)) {
      this.findings.push(invalid('warning', `${at(s)}: reference does not match UNG reference`));
    }
  }

  private openMessage(s: Segment): void {
    this.breakOff(`a new UNH starts at ${at(s)}`);
    if (this.interchange) this.interchange.messages++;
    if (this.group) this.group.messages++;
    this.unreadableInMessage = 0;
    this.message = {
      seq: this.messages.length + 1,
      ref: text(s, 0, 0),
      type: text(s, 1, 0)?.toUpperCase() ?? null,
      segments: [],
      interchange: this.interchange?.header ?? null,
      findings: [],
    };
    this.messages.push(this.message);
    this.addToMessage(s);
  }

  private addToMessage(s: Segment): void {
    const m = this.message!;
    m.segments.push(s);
    if (s.error) {
      // One finding names the first bad segment; the count of the others comes when the message ends.
      if (this.unreadableInMessage++ === 0) {
        m.findings.push(invalid('error', `${at(s)} in ${name(m)} cannot be read: ${s.error}`));
      }
    } else if (s.unterminated && s.tag !== 'UNT') {
      m.findings.push(invalid('error', `${at(s)} in ${name(m)} is cut off: the file ends inside it`));
    }
  }

  private closeMessage(s: Segment): void {
    const m = this.message;
    if (!m) {
      this.stray.push(s);
      return;
    }
    this.addToMessage(s);
    this.settle(m);
    if (s.error) return;
    const count = text(s, 0, 0);
    const actual = m.segments.length;
    if (count === null || Number(count) !== actual) {
      const counted = plural(actual, 'segment');
      m.findings.push(
        invalid('error', `${at(s)}: segment count ${count} does not match ${counted} in ${name(m)}`),
      );
    }
    const ref = text(s, 1, 0);
    if (ref !== m.ref) {
      m.findings.push(
        invalid('error', `${at(s)}: reference ${ref} does not match UNH reference ${m.ref} in ${name(m)}`),
      );
    }
  }

  private settle(m: MessageSlice): void {
    this.message = null;
    const more = this.unreadableInMessage - 1;
    if (more > 0)
      m.findings.push(invalid('error', `${plural(more, 'more segment')} in ${name(m)} cannot be read`));
  }

  /** An open message that meets anything but its UNT is incomplete. */
  private breakOff(why: string): void {
    const m = this.message;
    if (!m) return;
    this.settle(m);
    const last = m.segments[m.segments.length - 1]!;
    m.findings.push(
      invalid('error', `${name(m)} has no UNT trailer: it breaks off after ${at(last)}; ${why}`),
    );
  }
}

/** Splits segments into messages and envelope findings. */
export function splitEnvelope(segments: Segment[]): Envelope {
  const splitter = new EnvelopeSplitter();
  if (segments.length > 0 && segments[0]!.tag !== 'UNB') {
    splitter.findings.push(invalid('warning', 'the file does not start with a UNB interchange header'));
  }
  for (const s of segments) splitter.feed(s);
  return splitter.finish();
}
