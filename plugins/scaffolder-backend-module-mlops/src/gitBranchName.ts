/*
 * Git branch names, by the rules of `git check-ref-format --branch`
 * (https://git-scm.com/docs/git-check-ref-format), plus "@", which git
 * accepts as a branch but reads as HEAD almost everywhere else.
 */

/** What a branch name may never contain: controls, space, ~ ^ : ? * [ \ and DEL. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTER = /[\x00-\x20\x7f~^:?*[\\]/u;

/**
 * A git branch name, as one regular expression (for JSON schemas, which only
 * carry a pattern). {@link gitBranchNameProblem} applies the same rules and
 * says which one a name breaks.
 */
export const GIT_BRANCH_NAME_PATTERN = new RegExp(
  [
    '^',
    '(?!-)', // not an option
    '(?!@$)', // not "@"
    '(?!HEAD$)', // not "HEAD"
    '(?!/)(?!.*/$)(?!.*//)', // no empty part
    '(?!.*\\.\\.)', // no ".."
    '(?!.*@\\{)', // no "@{"
    '(?!.*\\.$)', // not ending with "."
    '(?!(?:.*/)?\\.)', // no part starting with "."
    '(?!.*\\.lock(?:/|$))', // no part ending with ".lock"
    `[^${FORBIDDEN_CHARACTER.source.slice(1, -1)}]+`,
    '$',
  ].join(''),
  'u',
);

/** Names a character for a message: printable ones quoted, others by code. */
function describe(char: string) {
  return char === ' ' || /\p{Cc}/u.test(char)
    ? `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
    : `"${char}"`;
}

/**
 * Why `name` is not a git branch name, or undefined when it is one.
 */
export function gitBranchNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  const bad = FORBIDDEN_CHARACTER.exec(name);
  if (bad) {
    return `it contains ${describe(
      bad[0],
    )}; spaces, control characters and ~ ^ : ? * [ \\ are not allowed`;
  }
  if (name.startsWith('-')) return 'it starts with "-"';
  if (name === '@' || name === 'HEAD') return `"${name}" names HEAD`;
  if (name.includes('..')) return 'it contains ".."';
  if (name.includes('@{')) return 'it contains "@{"';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) {
    return 'it has an empty part: it starts or ends with "/" or contains "//"';
  }
  if (name.endsWith('.')) return 'it ends with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `its part "${part}" starts with "."`;
    if (part.endsWith('.lock')) return `its part "${part}" ends with ".lock"`;
  }
  return undefined;
}
