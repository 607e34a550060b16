/** The evaluation table: per split and kind, header accuracy, line P/R/F1, touchless, false accepts. */
import type { Split } from './families.ts';
import type { EvalCase, EvalKind } from './generate.ts';
import type { CaseScore } from './score.ts';

export interface Result {
  c: EvalCase;
  status: string | undefined;
  codes: string[];
  /** Null for a planted problem that holds no order (unreadable, not an order). */
  score: CaseScore | null;
  problemFound: boolean | null;
  seconds: number;
}

export interface Row {
  split: Split | 'all';
  kind: EvalKind | 'all';
  docs: number;
  pages: number;
  header: number | null;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  touchless: number | null;
  falseAccepts: number;
  problems: [number, number];
  secondsPerPage: number | null;
}

export function aggregate(rs: Result[], split: Row['split'], kind: Row['kind']): Row {
  const clean = rs.filter((r) => r.c.problem === null && r.score);
  const sum = (xs: Result[], f: (s: CaseScore) => number) => xs.reduce((s, r) => s + f(r.score!), 0);
  const scored = rs.filter((r) => r.score);
  const ht = sum(scored, (s) => s.headerTotal);
  const lc = sum(scored, (s) => s.linesCorrect);
  const lf = sum(scored, (s) => s.linesFound);
  const le = sum(scored, (s) => s.linesExpected);
  const p = lf === 0 ? (le === 0 ? null : 0) : lc / lf;
  const rec = le === 0 ? null : lc / le;
  const f1 = p === null || rec === null ? null : p + rec === 0 ? 0 : (2 * p * rec) / (p + rec);
  const planted = rs.filter((r) => r.c.problem !== null);
  const pages = rs.reduce((s, r) => s + r.c.pages, 0);
  return {
    split,
    kind,
    docs: rs.length,
    pages,
    header: ht === 0 ? null : sum(scored, (s) => s.headerCorrect) / ht,
    precision: p,
    recall: rec,
    f1,
    touchless: clean.length === 0 ? null : clean.filter((r) => r.status === 'accepted').length / clean.length,
    falseAccepts: rs.filter(
      (r) => r.status === 'accepted' && (r.c.problem !== null || !r.score?.orderCorrect),
    ).length,
    problems: [planted.filter((r) => r.problemFound).length, planted.length],
    secondsPerPage: pages === 0 ? null : rs.reduce((s, r) => s + r.seconds, 0) / pages,
  };
}

const pct = (v: number | null) => (v === null ? '-' : `${(100 * v).toFixed(1)}%`);
const dec = (v: number | null) => (v === null ? '-' : v.toFixed(3));

export function formatTable(rows: Row[]): string {
  const head =
    'split     kind        docs pages  header  line P  line R  line F1  touchless  false acc  problems  s/page';
  const lines = rows.map((r) =>
    [
      r.split.padEnd(9),
      r.kind.padEnd(10),
      String(r.docs).padStart(5),
      String(r.pages).padStart(5),
      pct(r.header).padStart(7),
      dec(r.precision).padStart(7),
      dec(r.recall).padStart(7),
      dec(r.f1).padStart(8),
      pct(r.touchless).padStart(10),
      String(r.falseAccepts).padStart(10),
      `${r.problems[0]}/${r.problems[1]}`.padStart(9),
      (r.secondsPerPage === null ? '-' : r.secondsPerPage.toFixed(2)).padStart(7),
    ].join(' '),
  );
  return [head, ...lines].join('\n');
}

/** Markdown, for README / docs. */
export function markdownTable(rows: Row[]): string {
  const out = [
    '| split | kind | docs | header fields | line P / R / F1 | touchless (clean) | false accepts | problems found | s/page |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows)
    out.push(
      `| ${r.split} | ${r.kind} | ${r.docs} | ${pct(r.header)} | ${dec(r.precision)} / ${dec(r.recall)} / ${dec(r.f1)} | ${pct(r.touchless)} | ${r.falseAccepts} | ${r.problems[0]}/${r.problems[1]} | ${r.secondsPerPage === null ? '-' : r.secondsPerPage.toFixed(2)} |`,
    );
  return out.join('\n');
}
