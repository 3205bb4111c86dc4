/**
 * Build step helper (src/cli/bundle.ts): the command line's script made ASCII. Apart from the
 * build, so that tests can call it (bundle.ts runs the build when imported).
 */
import { isAscii } from 'node:buffer';
import type { Node } from 'typescript';
import { asciiOnly } from '../scenario/precompile.js';

/**
 * The bundle in ASCII, so that every start reads the script as a one-byte string instead of
 * decoding UTF-8 (src/scenario/cached-script.ts; about 2.4 CPU ms on the 1.9 MB script). esbuild
 * already escapes strings, identifiers and plain template literals, but keeps comments (those
 * in object literals and class bodies) and regular expression literals as written: each
 * non-ASCII UTF-16 unit left becomes `\uXXXX`, which means the same character in a regular
 * expression (with or without the u flag; a surrogate pair stays one code point) and is only
 * text in a comment. A backslash escaping the character itself (`\é`, the same as `é`) is
 * dropped with it. Lines do not move, so stack traces keep their line numbers. Template
 * literals are the exception: an escape would change a tagged template's raw text, so a
 * bundle with non-ASCII in one is left as it is and said (`left` names where).
 */
export function asciiBundle(code: string, ts: typeof import('typescript')): { code: string; left: string[] } {
  if (isAscii(Buffer.from(code, 'utf8'))) return { code, left: [] };
  const file = ts.createSourceFile('cli.cjs', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const left: string[] = [];
  const visit = (node: Node): void => {
    const template = node.kind >= ts.SyntaxKind.FirstTemplateToken && node.kind <= ts.SyntaxKind.LastTemplateToken;
    if (template && /[^\x00-\x7f]/.test(code.slice(node.getStart(file), node.end))) {
      left.push(`a template literal at line ${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (left.length > 0) return { code, left };
  return { code: asciiOnly(code), left: [] };
}
