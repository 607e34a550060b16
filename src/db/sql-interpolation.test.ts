/**
 * SQL takes values only as parameters ($1, $2...). This scans the production source (src/,
 * connectors/, bin/; tests, test helpers under src/testing and the benchmark scripts are not
 * reachable from outside and are left out) for SQL written as a template literal with `${...}`
 * inside: the first argument of a `.query(...)` call, or any template literal that begins like
 * a statement (SELECT, INSERT, ...), which also catches SQL built in a variable first. Every
 * interpolated expression must be on the reviewed list below, with the reason it cannot carry
 * a value from outside. A new one fails this test until someone reviews it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCANNED = ['src', 'connectors', 'bin'];
const SKIPPED = /(\.test\.ts$|^src\/testing\/)/;

interface Reviewed {
  file: string;
  /** The interpolated expression, whitespace collapsed. */
  expr: RegExp;
  reason: string;
}

const REVIEWED: Reviewed[] = [
  {
    file: 'src/review/auth.ts',
    expr: /^USER_COLUMNS$/,
    reason: 'a constant column list',
  },
  {
    file: 'src/validate/repository.ts',
    expr: /^CUSTOMER_COLUMNS$/,
    reason: 'a constant column list',
  },
  {
    file: 'connectors/http/orders.ts',
    expr: /^OWN_ORDER\([12]\)$/,
    reason: 'a constant ownership condition; the number only names which $n placeholder holds the customer',
  },
  {
    file: 'src/kpi/kpis.ts',
    expr: /^(inPeriod|touchless)$/,
    reason: 'constant SQL fragments; the period itself is passed as $1/$2',
  },
  {
    file: 'src/db/insert-many.ts',
    expr: /^(head|values\.join\(','\)|opts\.suffix \?\? '')$/,
    reason:
      "callers pass a constant statement head and suffix; values are only generated '$n' placeholders with the caller's constant casts",
  },
  {
    file: 'src/masterdata/upsert.ts',
    expr: /^(target\.table|names\.join\(', '\))$/,
    reason:
      'table and column names come from the fixed definitions in masterdata/files.ts (a CSV header only selects among them); values are $n placeholders',
  },
  {
    file: 'src/archive/search.ts',
    expr: /^(whereOf\((sets|rows)\)|limit|RECENT_WINDOW|found|textQuery \? .*)$/,
    reason:
      "the search is assembled from constant fragments whose every user value went through p(), which adds it to params and returns its '$n'; RECENT_WINDOW is a constant",
  },
  {
    file: 'src/queue/leased.ts',
    expr: /^(table|key|dueColumn|sets|c\.(join|orderBy|where|set|returning|select) .*|c\.orderBy|arrays\.map.*|names\.map.*)$/,
    reason:
      "table, column names and SQL fragments are constants of the three queues' own modules (jobs, ERP and confirmation outboxes); every value goes as a $n parameter, extra columns as typed arrays",
  },
];

const SQL_START = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP|TRUNCATE|COPY|LOCK|GRANT)\b/;

interface Finding {
  file: string;
  line: number;
  expr: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.[cm]?[jt]s$/.test(name) && !SKIPPED.test(path)) out.push(path);
  }
  return out;
}

/** Whether a node is the first argument of `<something>.query(...)`. */
function isQueryArgument(node: ts.Node): boolean {
  const call = node.parent;
  return (
    ts.isCallExpression(call) &&
    call.arguments[0] === node &&
    ts.isPropertyAccessExpression(call.expression) &&
    call.expression.name.text === 'query'
  );
}

function interpolatedSql(file: string, text: string): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Finding[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isTemplateExpression(node) && (isQueryArgument(node) || SQL_START.test(node.head.text))) {
      for (const span of node.templateSpans) {
        found.push({
          file,
          line: source.getLineAndCharacterOfPosition(span.getStart()).line + 1,
          expr: span.expression.getText(source).replace(/\s+/g, ' '),
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('SQL is parameterised', () => {
  it('flags interpolation into query text, and nothing else', () => {
    // `#{` stands for `${` here, so that this file itself holds no such string.
    const sample = [
      'db.query(`SELECT * FROM t WHERE id = #{id}`);',
      "const sql = `DELETE FROM t WHERE name = '#{name}'`;",
      'db.query(`SELECT * FROM t WHERE id = $1`, [id]);',
      'const message = `order #{id} was deleted`;',
      're.exec(`#{a}\\n#{b}`);',
    ]
      .join('\n')
      .replaceAll('#{', '${');
    expect(interpolatedSql('sample.ts', sample).map((f) => f.expr)).toEqual(['id', 'name']);
  });

  it('has no interpolated value that is not on the reviewed list', () => {
    const files = SCANNED.flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(100);
    const all = files.flatMap((f) =>
      interpolatedSql(relative(ROOT, join(ROOT, f)), readFileSync(join(ROOT, f), 'utf8')),
    );
    const unreviewed = all.filter((f) => !REVIEWED.some((r) => r.file === f.file && r.expr.test(f.expr)));
    expect(unreviewed.map((f) => `${f.file}:${f.line}: \${${f.expr}}`)).toEqual([]);
    // A reviewed entry that no longer matches anything is stale: remove it.
    const stale = REVIEWED.filter((r) => !all.some((f) => r.file === f.file && r.expr.test(f.expr)));
    expect(stale.map((r) => r.file)).toEqual([]);
  });
});
