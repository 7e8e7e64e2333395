/*
 * How a Kubeflow Pipelines API server answers a v2beta1 list call, for the
 * fake APIs the tests serve through msw. It follows the server's own code
 * (kubeflow/pipelines backend/src/apiserver: server/list_request_util.go,
 * list/list.go, filter/filter.go):
 *
 * - `filter` is a URL-encoded JSON Filter, unescaped once more by the server
 *   (url.QueryUnescape); `stringValue` is read as `string_value`. A key the
 *   server does not know answers 400 "no support for filtering on
 *   unrecognized field". String EQUALS compares case-insensitively (LOWER()).
 * - `sort_by` is `field`, `field asc` or `field desc`; an unknown field or
 *   another form answers 400. Without it: created_at ascending. Ties are
 *   broken by the primary key.
 * - `page_size` 0 or absent means 20, more than 200 means 200, below 0 is a 400.
 * - `page_token` is opaque and carries the sort and filter of the first
 *   request; the sort_by and filter of later requests are ignored.
 */

/** The list fields a fake server knows: API key to the item's value. */
export type KfpFields<T> = Record<
  string,
  (item: T) => string | number | undefined
>;

type Predicate = {
  operation?: string;
  op?: string;
  key?: string;
  string_value?: string;
  int_value?: number;
  long_value?: number | string;
  string_values?: { values?: string[] };
};

type Token = {
  sortBy: string;
  desc: boolean;
  predicates: Predicate[];
  offset: number;
};

/** A KFP-style answer: the page, or a 400 with the server's error body. */
export type KfpListAnswer<T> =
  | { status: 200; items: T[]; total: number; next?: string }
  | { status: 400; body: { error: string; code: 3; message: string } };

const invalid = (message: string): KfpListAnswer<never> => ({
  status: 400,
  body: { error: message, code: 3, message },
});

function predicateValue(p: Predicate): unknown {
  if (p.string_value !== undefined) return p.string_value;
  if (p.int_value !== undefined) return p.int_value;
  if (p.long_value !== undefined) return Number(p.long_value);
  if (p.string_values !== undefined) return p.string_values.values ?? [];
  return undefined;
}

function matches(value: unknown, p: Predicate): boolean {
  const expected = predicateValue(p);
  const same = (a: unknown, b: unknown) =>
    typeof a === 'string' && typeof b === 'string'
      ? a.toLowerCase() === b.toLowerCase()
      : a === b;
  switch (p.operation) {
    case 'EQUALS':
      return same(value, expected);
    case 'NOT_EQUALS':
      return !same(value, expected);
    case 'IN':
      return (expected as unknown[]).some(e => same(value, e));
    default:
      throw new Error(`the fake does not implement ${p.operation}`);
  }
}

/** One page of `items` as the KFP server would answer `url`. */
export function kfpList<T>(
  items: readonly T[],
  url: URL,
  fields: KfpFields<T>,
  primaryKey: string,
): KfpListAnswer<T> {
  const params = url.searchParams;
  const rawSize = Number(params.get('page_size') ?? 0);
  if (!Number.isInteger(rawSize) || rawSize < 0) {
    return invalid(`The page size should be greater than 0. Got ${rawSize}`);
  }
  const size = rawSize === 0 ? 20 : Math.min(rawSize, 200);

  let token: Token;
  const pageToken = params.get('page_token');
  if (pageToken) {
    try {
      token = JSON.parse(Buffer.from(pageToken, 'base64').toString('utf8'));
    } catch {
      return invalid('Invalid page token');
    }
  } else {
    const sort = (params.get('sort_by') ?? '').toLowerCase().split(/\s+/);
    const parts = sort.filter(Boolean);
    if (
      parts.length > 2 ||
      (parts.length === 2 && !/^(asc|desc)$/.test(parts[1]))
    ) {
      return invalid(
        `Received invalid sort by format "${params.get('sort_by')}"`,
      );
    }
    const sortBy = parts[0] ?? 'created_at';
    if (!fields[sortBy]) return invalid(`Invalid sorting field: "${sortBy}"`);

    let predicates: Predicate[] = [];
    const encoded = params.get('filter');
    if (encoded) {
      let filter: { predicates?: Predicate[] };
      try {
        // url.QueryUnescape, then the server's stringValue → string_value.
        const json = decodeURIComponent(encoded.replace(/\+/g, ' ')).replace(
          /"(string|int|long)Value(s?)":/g,
          '"$1_value$2":',
        );
        filter = JSON.parse(json);
      } catch (e) {
        return invalid(`failed to parse valid filter from "${encoded}": ${e}`);
      }
      predicates = filter.predicates ?? [];
      for (const p of predicates) {
        if (!p.key) return invalid('Predicate key cannot be empty');
        if (!fields[p.key]) {
          return invalid(
            `no support for filtering on unrecognized field "${p.key}"`,
          );
        }
        if (!p.operation || predicateValue(p) === undefined) {
          return invalid(`invalid predicate: ${JSON.stringify(p)}`);
        }
      }
    }
    token = { sortBy, desc: parts[1] === 'desc', predicates, offset: 0 };
  }

  // ORDER BY <sort field> [DESC], <primary key> (each value read once).
  const rows = items
    .filter(item =>
      token.predicates.every(p => matches(fields[p.key!](item), p)),
    )
    .map(item => ({
      item,
      by: fields[token.sortBy](item) ?? '',
      key: String(fields[primaryKey](item)),
    }));
  const cmp = (x: string | number, y: string | number) => {
    if (x === y) return 0;
    return x < y ? -1 : 1;
  };
  rows.sort((a, b) => {
    const order = cmp(a.by, b.by);
    if (order !== 0) return token.desc ? -order : order;
    return cmp(a.key, b.key);
  });
  const selected = rows.map(r => r.item);
  const page = selected.slice(token.offset, token.offset + size);
  const nextOffset = token.offset + size;
  const next =
    nextOffset < selected.length
      ? Buffer.from(JSON.stringify({ ...token, offset: nextOffset })).toString(
          'base64',
        )
      : undefined;
  return { status: 200, items: page, total: selected.length, next };
}
