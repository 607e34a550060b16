/**
 * X12 envelopes: ISA/IEA interchanges, GS/GE functional groups, ST/SE transaction sets, several
 * of each per file. Control counts and numbers are checked like UNT/UNZ for EDIFACT: a broken
 * transaction (SE count or number, no SE) is an error on that transaction; a broken group or
 * interchange trailer is a warning on the whole file.
 */
import { type Finding, finding, type Severity } from '../../domain/findings.ts';
import { el, type X12Segment } from './syntax.ts';

export interface X12Interchange {
  /** ISA06 interchange sender id, trimmed, and its qualifier ISA05. */
  senderId: string | null;
  senderQualifier: string | null;
  receiverId: string | null;
  control: string | null;
  /** ISA12, e.g. 00401. */
  version: string | null;
}

export interface X12Transaction {
  /** 1-based in the file. */
  seq: number;
  /** ST01: 850 purchase order, 855, 860, 810... */
  type: string | null;
  control: string | null;
  /** GS08, e.g. 004010VICS. */
  version: string | null;
  /** GS02 application sender code. */
  groupSender: string | null;
  interchange: X12Interchange | null;
  /** ST .. SE, both included (SE absent when the file breaks off). */
  segments: X12Segment[];
  findings: Finding[];
}

const invalid = (severity: Severity, message: string) => finding('invalid_message', severity, null, message);
const at = (s: X12Segment) => `segment ${s.index} (${s.tag})`;

/** Splits the segments into transactions, checking every envelope on the way. */
export function splitEnvelopes(segments: X12Segment[]): {
  transactions: X12Transaction[];
  findings: Finding[];
} {
  const findings: Finding[] = [];
  const transactions: X12Transaction[] = [];
  let isa: { s: X12Segment; facts: X12Interchange; groups: number } | null = null;
  let gs: { s: X12Segment; sets: number } | null = null;
  let st: X12Transaction | null = null;
  let stray = 0;

  const closeTransaction = (why: string) => {
    if (!st) return;
    st.findings.push(invalid('error', `transaction ${st.control ?? st.seq} has no SE trailer: ${why}`));
    st = null;
  };
  for (const s of segments) {
    if (st && s.tag !== 'SE' && s.tag !== 'ST' && s.tag !== 'GE' && s.tag !== 'IEA' && s.tag !== 'ISA') {
      st.segments.push(s);
      continue;
    }
    switch (s.tag) {
      case 'ISA': {
        closeTransaction(`a new interchange starts at ${at(s)}`);
        if (isa) findings.push(invalid('warning', `${at(s)}: the previous interchange has no IEA trailer`));
        isa = { s, facts: interchangeOf(s), groups: 0 };
        gs = null;
        break;
      }
      case 'GS':
        closeTransaction(`a new group starts at ${at(s)}`);
        if (gs) findings.push(invalid('warning', `${at(s)}: the previous group has no GE trailer`));
        gs = { s, sets: 0 };
        if (isa) isa.groups++;
        break;
      case 'ST':
        closeTransaction(`the next one starts at ${at(s)}`);
        if (gs) gs.sets++;
        st = {
          seq: transactions.length + 1,
          type: el(s, 0),
          control: el(s, 1),
          version: gs ? el(gs.s, 7) : null,
          groupSender: gs ? el(gs.s, 1) : null,
          interchange: isa?.facts ?? null,
          segments: [s],
          findings: gs ? [] : [invalid('warning', `${at(s)}: the transaction is outside any GS group`)],
        };
        transactions.push(st);
        break;
      case 'SE':
        if (!st) {
          findings.push(invalid('warning', `${at(s)}: SE without ST`));
          break;
        }
        st.segments.push(s);
        checkSe(st, s);
        st = null;
        break;
      case 'GE':
        closeTransaction(`the group ends at ${at(s)}`);
        if (!gs) findings.push(invalid('warning', `${at(s)}: GE without GS`));
        else checkTrailer(findings, s, gs.s, 5, gs.sets, 'group', 'transaction sets');
        gs = null;
        break;
      case 'IEA':
        closeTransaction(`the interchange ends at ${at(s)}`);
        if (gs) findings.push(invalid('warning', `${at(s)}: the last group has no GE trailer`));
        if (!isa) findings.push(invalid('warning', `${at(s)}: IEA without ISA`));
        else checkTrailer(findings, s, isa.s, 12, isa.groups, 'interchange', 'functional groups');
        isa = null;
        gs = null;
        break;
      default:
        stray++;
    }
  }
  closeTransaction('the file ends inside it');
  if (gs) findings.push(invalid('warning', 'the last group has no GE trailer'));
  if (isa) findings.push(invalid('warning', 'the interchange has no IEA trailer'));
  if (stray > 0)
    findings.push(invalid('warning', `${stray} segment(s) outside any transaction were ignored`));
  return { transactions, findings };
}

function interchangeOf(s: X12Segment): X12Interchange {
  return {
    senderQualifier: el(s, 4),
    senderId: el(s, 5),
    receiverId: el(s, 7),
    version: el(s, 11),
    control: el(s, 12),
  };
}

function checkSe(st: X12Transaction, se: X12Segment): void {
  const count = el(se, 0);
  const counted = st.segments.length;
  if (count === null || !/^\d+$/.test(count) || Number(count) !== counted) {
    st.findings.push(
      invalid(
        'error',
        `${at(se)}: segment count ${count ?? '(none)'} does not match the ${counted} segments of transaction ${st.control ?? st.seq}`,
      ),
    );
  }
  const control = el(se, 1);
  if (control !== st.control) {
    st.findings.push(
      invalid(
        'error',
        `${at(se)}: control number ${control ?? '(none)'} does not match ST02 ${st.control ?? '(none)'}`,
      ),
    );
  }
}

/** GE / IEA: count in element 0, control number in element 1 against the header's element `ctl`. */
function checkTrailer(
  findings: Finding[],
  trailer: X12Segment,
  header: X12Segment,
  ctl: number,
  counted: number,
  what: string,
  items: string,
): void {
  const count = el(trailer, 0);
  if (count === null || !/^\d+$/.test(count) || Number(count) !== counted) {
    findings.push(
      invalid(
        'warning',
        `${at(trailer)}: ${what} control count ${count ?? '(none)'} does not match its ${counted} ${items}`,
      ),
    );
  }
  const control = el(trailer, 1);
  const expected = el(header, ctl);
  if (control !== expected && Number(control) !== Number(expected)) {
    findings.push(
      invalid(
        'warning',
        `${at(trailer)}: ${what} control number ${control ?? '(none)'} does not match ${expected ?? '(none)'} in ${header.tag}`,
      ),
    );
  }
}
