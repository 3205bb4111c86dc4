/**
 * The command line's script is made ASCII at build time (src/cli/ascii-bundle.ts) without
 * changing what it does: what esbuild leaves unescaped (comments, regular expression literals)
 * is escaped so that it means the same, lines stay where they were, and a template literal,
 * whose raw text an escape would change, is left as it is and named.
 */
import { isAscii } from 'node:buffer';
import vm from 'node:vm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { asciiBundle } from '../../src/cli/ascii-bundle.js';

/** Evaluates `code` (an expression statement list ending in an expression) in a fresh context. */
const run = (code: string): unknown => vm.runInNewContext(code);

describe('asciiBundle', () => {
  it('escapes comments and regular expressions to the same meaning, on the same lines', () => {
    const code = [
      'const o = {',
      '  // ASHRAE TC 9.9: 18–27 °C recommended',
      '  /** Entry k at (b · n) */',
      '  deg: /^[0-9.]+\\s*[a-z%°/]*$/i,',
      '  emoji: /^[😀]$/u,',
      '  pair: /^(?:😀)+$/,',
      '  ident: "\\é",',
      '  slash: "\\\\é",',
      '};',
      '[o.deg.test("25 °c"), o.deg.test("25 c€"), o.emoji.test("😀"), o.emoji.test("\\ud83d"), o.pair.test("😀😀"), o.ident, o.slash, o.deg.source.length, o.emoji.flags]',
    ].join('\n');
    const { code: out, left } = asciiBundle(code, ts);
    expect(left).toEqual([]);
    expect(isAscii(Buffer.from(out))).toBe(true);
    expect(out.split('\n')).toHaveLength(code.split('\n').length);
    expect(out).toContain('// ASHRAE TC 9.9: 18\\u201327 \\u00b0C recommended');
    const [before, after] = [run(code), run(out)] as unknown[][];
    // The regular expressions' source text differs (°, \u00b0); everything they match does not.
    expect(after!.slice(0, 7)).toEqual(before!.slice(0, 7));
    expect(before!.slice(0, 7)).toEqual([true, false, true, false, true, 'é', '\\é']);
    expect(after![8]).toBe('u');
  });

  it('leaves ASCII code as it is', () => {
    const code = 'const a = "\\u00e9"; // plain\n';
    expect(asciiBundle(code, ts)).toEqual({ code, left: [] });
  });

  it('does not escape template literals (a tagged one would change its raw text), and says where they are', () => {
    const code = 'const x = 1;\nconst t = String.raw`18–27 °C ${x}`;\n// ° in a comment\n';
    const { code: out, left } = asciiBundle(code, ts);
    expect(out).toBe(code);
    expect(left).toEqual(['a template literal at line 2']);
  });
});
