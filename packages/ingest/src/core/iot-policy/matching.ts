// Matching resolved policy strings against request values, with IAM's wildcard rules
// (reference_policies_elements_resource.html): `*` is any run of characters and `?` one character;
// in the first five colon-separated ARN segments a wildcard stays inside its segment unless `*` ends
// the segment, in which case it may run past the colons. The resource part (after the fifth colon) is
// one segment, so `topic/a/*` covers every topic below `a/`, slashes and colons included.
import type { PatternPart } from './template.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Resolved patterns repeat (a device asks about the same topic on every publish): compile each once.
const compiledPatterns = new Map<string, RegExp>();
const maxCompiledPatterns = 10_000;

function wholeValueRegExp(source: string): RegExp {
  let compiled = compiledPatterns.get(source);
  if (compiled === undefined) {
    if (compiledPatterns.size >= maxCompiledPatterns) compiledPatterns.clear();
    compiled = new RegExp(`^${source}$`, 's');
    compiledPatterns.set(source, compiled);
  }
  return compiled;
}

/** Whether an ARN matches a Resource (or ArnLike/ArnEquals) pattern. Case-sensitive, as ARNs are. */
export function arnMatches(pattern: readonly PatternPart[], arn: string): boolean {
  let source = '';
  let segment = 0;
  for (const [index, part] of pattern.entries()) {
    const inResourcePart = segment >= 5;
    if (part.kind === 'text') {
      source += escapeRegExp(part.text);
      segment += part.text.split(':').length - 1;
    } else if (part.kind === 'oneChar') {
      source += inResourcePart ? '.' : '[^:]';
    } else {
      const next = pattern[index + 1];
      const endsSegment = next === undefined || (next.kind === 'text' && next.text.startsWith(':'));
      source += inResourcePart || endsSegment ? '.*' : '[^:]*';
    }
  }
  return wholeValueRegExp(source).test(arn);
}

/** StringLike: `*` and `?` are wildcards over the whole value. */
export function stringLikeMatches(pattern: readonly PatternPart[], value: string): boolean {
  const source = pattern
    .map((part) => (part.kind === 'text' ? escapeRegExp(part.text) : part.kind === 'anyChars' ? '.*' : '.'))
    .join('');
  return wholeValueRegExp(source).test(value);
}

/** StringEquals and friends compare text: `*` and `?` are literal characters there. */
export const literalText = (pattern: readonly PatternPart[]): string =>
  pattern.map((part) => (part.kind === 'text' ? part.text : part.kind === 'anyChars' ? '*' : '?')).join('');
