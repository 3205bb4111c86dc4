/**
 * The "Exit codes:" section of a subcommand's --help, so scripts and CI can read what each
 * code means without the README. One table per command; codes as the command's code sets them.
 */

/** Formats exit codes and what each means as a help section (for `addHelpText('after', …)`). */
export function exitCodesHelp(codes: readonly (readonly [number, string])[]): string {
  const width = Math.max(...codes.map(([c]) => String(c).length));
  return `\nExit codes:\n${codes.map(([c, what]) => `  ${String(c).padEnd(width)}  ${what}`).join('\n')}\n`;
}
