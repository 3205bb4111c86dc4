/**
 * docs/scenario-reference.md is generated from the schema so that it cannot drift:
 * every field with its type (including the unit kind and the text it accepts), whether it
 * is required, its default and its description. Regenerate with
 * `node dist/src/cli.js schema --markdown > docs/scenario-reference.md`.
 */
import { isPlainObject } from './merge.js';
import { formatQuantity } from './validate.js';
import { UNIT_EXAMPLES, type UnitKind } from './units.js';

type Json = Record<string, unknown>;

/** One field of the schema, wherever it sits. */
export interface SchemaField {
  /** Display path, e.g. `services[].serviceTime (dist: lognormal).mean`. */
  path: string;
  /** The field's schema. */
  schema: Json;
  /** Whether the enclosing object requires it. */
  required: boolean;
}

/** A union of objects told apart by a constant property (e.g. `dist`). */
function discriminatorOf(branches: unknown[]): string | undefined {
  const objs = branches.filter((b): b is Json => isPlainObject(b) && b.type === 'object' && isPlainObject(b.properties));
  if (objs.length < 2) return undefined;
  for (const prop of Object.keys(objs[0]!.properties as Json)) {
    if (objs.every((o) => isPlainObject((o.properties as Json)[prop]) && typeof ((o.properties as Json)[prop] as Json).const === 'string')) return prop;
  }
  return undefined;
}

function unionOf(s: Json): unknown[] | undefined {
  if (typeof s['x-unit'] === 'string') return undefined;
  return Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
}

/** Every field of the schema in document order; titled unions are listed once, under their title. */
export function schemaFields(root: Json): { fields: SchemaField[]; sections: Map<string, SchemaField[]> } {
  const sections = new Map<string, SchemaField[]>();
  const walkObject = (s: Json, prefix: string, out: SchemaField[]): void => {
    const props = isPlainObject(s.properties) ? s.properties : {};
    const req = Array.isArray(s.required) ? s.required : [];
    for (const [k, ps] of Object.entries(props)) {
      if (!isPlainObject(ps)) continue;
      const p = prefix === '' ? k : `${prefix}.${k}`;
      out.push({ path: p, schema: ps, required: req.includes(k) });
      walkValue(ps, p, out);
    }
  };
  const walkValue = (s: Json, p: string, out: SchemaField[]): void => {
    if (isPlainObject(s.properties)) walkObject(s, p, out);
    if (isPlainObject(s.items)) walkValue(s.items, `${p}[]`, out);
    if (isPlainObject(s.additionalProperties)) walkValue(s.additionalProperties, `${p}.<name>`, out);
    if (isPlainObject(s.patternProperties)) for (const ps of Object.values(s.patternProperties)) if (isPlainObject(ps)) walkValue(ps, `${p}.<name>`, out);
    const branches = unionOf(s);
    if (branches === undefined) return;
    if (typeof s.title === 'string') {
      if (!sections.has(s.title)) {
        const rows: SchemaField[] = [];
        sections.set(s.title, rows);
        walkBranches(branches, '', rows);
      }
      return;
    }
    walkBranches(branches, p, out);
  };
  const walkBranches = (branches: unknown[], p: string, out: SchemaField[]): void => {
    const disc = discriminatorOf(branches);
    branches.forEach((b, i) => {
      if (!isPlainObject(b) || !(isPlainObject(b.properties) || unionOf(b) !== undefined || isPlainObject(b.items))) return;
      const tag = disc !== undefined && isPlainObject(b.properties) ? ((b.properties as Json)[disc] as Json | undefined)?.const : undefined;
      const label = tag !== undefined ? `(${disc}: ${String(tag)})` : `(alternative ${i + 1})`;
      walkValue(b, p === '' ? label : `${p} ${label}`, out);
    });
  };
  const fields: SchemaField[] = [];
  walkObject(root, '', fields);
  return { fields, sections };
}

/** Fields that lack a description (a test lists them so schema authors see the gap). */
export function fieldsWithoutDescription(schema: Json): string[] {
  const { fields, sections } = schemaFields(schema);
  const all = [...fields, ...[...sections.entries()].flatMap(([t, rows]) => rows.map((r) => ({ ...r, path: `${t}: ${r.path}` })))];
  // The tag of a discriminated branch (`dist: lognormal`) is described by its branch.
  const isTag = (f: SchemaField): boolean => {
    const m = /\(([^:()]+): ([^()]*)\)\.([^.]+)$/.exec(f.path);
    return m !== null && m[1] === m[3] && f.schema.const === m[2];
  };
  return all.filter((f) => !isTag(f) && (typeof f.schema.description !== 'string' || f.schema.description.trim() === '')).map((f) => f.path);
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n+/g, ' ');

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9 -]/g, '').trim().replace(/\s+/g, '-');
}

function typeText(s: Json): string {
  const kind = s['x-unit'];
  if (typeof kind === 'string') {
    const min = s['x-minimum'];
    const max = s['x-maximum'];
    const bounds: string[] = [];
    if (typeof min === 'number') bounds.push(`${s['x-exclusive-minimum'] === true ? '>' : '≥'} ${formatQuantity(kind as UnitKind, min)}`);
    if (typeof max === 'number') bounds.push(`≤ ${formatQuantity(kind as UnitKind, max)}`);
    return `[${kind}](#units)${bounds.length > 0 ? ' ' + bounds.join(', ') : ''}`;
  }
  if (typeof s.title === 'string' && unionOf(s) !== undefined) return `[${s.title.toLowerCase()}](#${slug(s.title)})`;
  if ('const' in s) return `\`${JSON.stringify(s.const)}\``;
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((e) => `\`${String(e)}\``).join(', ')}`;
  const branches = unionOf(s);
  if (branches !== undefined) {
    const disc = discriminatorOf(branches);
    const words = branches.filter((b) => !(disc !== undefined && isPlainObject(b) && b.type === 'object')).map((b) => (isPlainObject(b) ? typeText(b) : 'value'));
    if (disc !== undefined) words.push(`object by \`${disc}\``);
    return [...new Set(words)].join(' or ');
  }
  const b: string[] = [];
  if (typeof s.minimum === 'number') b.push(`≥ ${s.minimum}`);
  if (typeof s.exclusiveMinimum === 'number') b.push(`> ${s.exclusiveMinimum}`);
  if (typeof s.maximum === 'number') b.push(`≤ ${s.maximum}`);
  if (typeof s.exclusiveMaximum === 'number') b.push(`< ${s.exclusiveMaximum}`);
  if (typeof s.minItems === 'number' && s.minItems > 0) b.push(`at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`);
  if (typeof s.minLength === 'number' && s.minLength > 0) b.push('non-empty');
  const t = s.type;
  let base: string;
  if (t === 'array') base = isPlainObject(s.items) ? `list of ${isPlainObject(s.items.properties) ? 'objects' : typeText(s.items)}` : 'list';
  else if (t === 'object') base = isPlainObject(s.additionalProperties) || isPlainObject(s.patternProperties) ? 'map of name → value' : 'object';
  else if (typeof t === 'string') base = t;
  else base = 'value';
  return b.length > 0 ? `${base} ${b.join(', ')}` : base;
}

function defaultText(s: Json): string {
  if ('default' in s) return `\`${JSON.stringify(s.default)}\``;
  const d = typeof s.description === 'string' ? /\bdefault:?\s+([^);]+?)[).;]?(?:\)|$|;|\.\s)/i.exec(s.description) : null;
  return d !== null ? d[1]!.trim() : '';
}

function table(rows: SchemaField[]): string[] {
  const out = ['| Field | Type | Required | Default | Description |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    out.push(`| \`${cell(r.path)}\` | ${cell(typeText(r.schema))} | ${r.required ? 'yes' : 'no'} | ${cell(defaultText(r.schema))} | ${cell(typeof r.schema.description === 'string' ? r.schema.description : '')} |`);
  }
  return out;
}

/** The Markdown reference of every field of a scenario schema (as plain JSON), generated from it. */
export function scenarioReferenceOf(schema: Json): string {
  const { fields, sections } = schemaFields(schema);
  const lines: string[] = [
    '# Scenario reference',
    '',
    '<!-- Generated from the schema: do not edit. Regenerate with `node dist/src/cli.js schema --markdown > docs/scenario-reference.md`. -->',
    '',
    'Every field a scenario file may contain. See [scenario-language.md](scenario-language.md) for units, `extends`, overrides and error messages.',
    'In paths, `[]` stands for every item of a list and `<name>` for every key of a map.',
    '',
    '## Units',
    '',
    '| Kind | Accepts | Converted to |',
    '| --- | --- | --- |',
  ];
  const base: Record<UnitKind, string> = { duration: 'seconds', rate: 'events per second', power: 'watts', energy: 'joules', temperature: '°C', heatCapacity: 'joules per kelvin', fraction: 'a number in [0, 1]' };
  for (const k of Object.keys(UNIT_EXAMPLES) as UnitKind[]) lines.push(`| ${k} | ${cell(UNIT_EXAMPLES[k])} | ${base[k]} |`);
  lines.push('');
  // Group rows by top-level field so each concept gets its own table.
  const groups = new Map<string, SchemaField[]>();
  for (const f of fields) {
    const top = /^[^.[ ]+/.exec(f.path)![0];
    const simple = !f.path.includes('.') && !f.path.includes('[') && !f.path.includes(' ') && !fields.some((g) => g !== f && g.path.startsWith(f.path) && /^[.[ ]/.test(g.path.slice(f.path.length)));
    const key = simple ? '' : top;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  lines.push('## Top level', '', ...table(groups.get('') ?? []), '');
  for (const [k, rows] of groups) {
    if (k === '') continue;
    lines.push(`## ${k}`, '', ...table(rows), '');
  }
  for (const [title, rows] of sections) {
    lines.push(`## ${title}`, '');
    const root = findTitled(schema, title);
    if (root !== undefined && typeof root.description === 'string') lines.push(root.description, '');
    lines.push(...table(rows), '');
  }
  return lines.join('\n');
}

function findTitled(s: unknown, title: string): Json | undefined {
  if (Array.isArray(s)) {
    for (const e of s) {
      const r = findTitled(e, title);
      if (r) return r;
    }
    return undefined;
  }
  if (!isPlainObject(s)) return undefined;
  if (s.title === title) return s;
  for (const v of Object.values(s)) {
    const r = findTitled(v, title);
    if (r) return r;
  }
  return undefined;
}
