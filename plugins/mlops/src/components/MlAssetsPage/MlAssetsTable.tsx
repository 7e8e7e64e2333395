import { useEffect, useMemo, useState } from 'react';
import {
  Content,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  ScorecardLevelChip,
  useScorecardResultsByRefs,
} from '@convergence/backstage-plugin-scorecards-react';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { QueryEntitiesInitialRequest } from '@backstage/catalog-client';
/**
 * The predicate query the page sends (a subset of the catalog's filter
 * predicates). Spelled out here because naming the library's recursive
 * FilterPredicate type crashes TypeScript 5.8's declaration emit.
 */
type FieldMatch = Record<string, string | { $in: string[] }>;
type Query = { $all: FieldMatch[] };
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { MLOPS_KINDS } from '@convergence/backstage-plugin-mlops-common';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import useAsync from 'react-use/esm/useAsync';
import { assetColumns } from '../common/columns';
import useDebounce from 'react-use/esm/useDebounce';

/** The kinds the page lists: the ML kinds, as the catalog filters take them. */
export const ML_KINDS: string[] = [...MLOPS_KINDS];

type Filters = {
  kind: string;
  owner: string;
  lifecycle: string;
  type: string;
  framework: string;
};

const FACETS: Array<[keyof Filters, string, string]> = [
  ['owner', 'spec.owner', 'Owner'],
  ['lifecycle', 'spec.lifecycle', 'Lifecycle'],
  ['type', 'spec.type', 'Type'],
  ['framework', 'spec.framework', 'Framework'],
];

const c = assetColumns;
const baseColumns = [
  c.name,
  c.kind,
  c.type,
  c.owner,
  c.lifecycle,
  c.framework,
  c.description,
];

/** Builds the catalog predicate query for the chosen filters. */
export function buildQuery(filters: Filters): Query {
  const all: FieldMatch[] = [
    { kind: filters.kind ? filters.kind : { $in: ML_KINDS } },
  ];
  for (const [key, field] of FACETS) {
    if (filters[key]) all.push({ [field]: filters[key] });
  }
  return { $all: all };
}

/**
 * All models, datasets and pipelines in one table, filtered and paged on the
 * server by the catalog.
 */
export const MlAssetsTable = () => {
  const catalogApi = useApi(catalogApiRef);
  const [filters, setFilters] = useState<Filters>({
    kind: '',
    owner: '',
    lifecycle: '',
    type: '',
    framework: '',
  });
  const [search, setSearch] = useState('');
  const [term, setTerm] = useState('');
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(20);
  useDebounce(() => setTerm(search.trim()), 300, [search]);
  useEffect(() => setPage(0), [filters, term, pageSize]);

  const facets = useAsync(
    () =>
      catalogApi.getEntityFacets({
        filter: { kind: ML_KINDS },
        facets: FACETS.map(([, field]) => field),
      }),
    [catalogApi],
  );

  const query = useMemo(() => buildQuery(filters), [filters]);
  const result = useAsync(
    () =>
      catalogApi.queryEntities({
        query: query as QueryEntitiesInitialRequest['query'],
        limit: pageSize,
        offset: page * pageSize,
        orderFields: [{ field: 'metadata.name', order: 'asc' }],
        ...(term && {
          fullTextFilter: {
            term,
            fields: ['metadata.name', 'metadata.title', 'metadata.description'],
          },
        }),
      }),
    [catalogApi, query, term, page, pageSize],
  );

  const select = (key: keyof Filters, label: string, options: string[]) => (
    <Grid item xs={6} md={2} key={key}>
      <TextField
        select
        fullWidth
        label={label}
        value={filters[key]}
        onChange={e => setFilters(f => ({ ...f, [key]: e.target.value }))}
        id={`ml-assets-filter-${key}`}
        inputProps={{ 'data-testid': `filter-${key}` }}
      >
        <MenuItem value="">All</MenuItem>
        {options.map(o => (
          <MenuItem key={o} value={o}>
            {o}
          </MenuItem>
        ))}
      </TextField>
    </Grid>
  );

  // Each listed asset's level in every scorecard that grades one of them (in
  // the order of the scorecard definitions), where scorecards are installed.
  const items = useMemo(
    () => result.value?.items.filter(Boolean) ?? [],
    [result.value],
  );
  const refs = useMemo(() => items.map(e => stringifyEntityRef(e)), [items]);
  const scorecards = useScorecardResultsByRefs(refs);
  // Entity refs compare without letter case.
  const refKey = (ref: string) => ref.toLocaleLowerCase('en-US');
  const levelColumns: TableColumn<Entity>[] = [];
  if (scorecards.value) {
    const { results, definitions } = scorecards.value;
    for (const scorecard of definitions.scorecards) {
      const levels = new Map(
        results
          .filter(r => r.scorecardId === scorecard.id)
          .map(r => [refKey(r.entityRef), r.level] as const),
      );
      if (levels.size === 0) continue;
      levelColumns.push({
        title: scorecard.title,
        render: e => {
          const ref = refKey(stringifyEntityRef(e));
          return levels.has(ref) ? (
            <ScorecardLevelChip
              level={levels.get(ref) ?? null}
              levels={scorecard.levels}
            />
          ) : (
            '—'
          );
        },
      });
    }
  }
  const columns: TableColumn<Entity>[] = [
    ...baseColumns.slice(0, 2),
    ...levelColumns,
    ...baseColumns.slice(2),
  ];

  const facetValues = (field: string) =>
    (facets.value?.facets[field] ?? []).map(f => f.value).sort();

  return (
    <Content>
      <Grid container spacing={2}>
        {select('kind', 'Kind', ML_KINDS)}
        {FACETS.map(([key, field, label]) =>
          select(key, label, facetValues(field)),
        )}
        <Grid item xs={12} md={2}>
          <TextField
            fullWidth
            label="Search"
            value={search}
            onChange={e => setSearch(e.target.value)}
          />
        </Grid>
        <Grid item xs={12}>
          {result.error ? (
            <ResponseErrorPanel error={result.error} />
          ) : (
            <Table<Entity>
              title={`ML assets (${result.value?.totalItems ?? '…'})`}
              columns={columns}
              data={items}
              isLoading={result.loading}
              page={page}
              totalCount={result.value?.totalItems ?? 0}
              onPageChange={setPage}
              onRowsPerPageChange={setPageSize}
              options={{
                search: false,
                paging: true,
                pageSize,
                pageSizeOptions: [20, 50, 100],
                padding: 'dense',
              }}
              emptyContent={
                <div style={{ padding: 16 }}>
                  No models, datasets or pipelines match these filters.
                </div>
              }
            />
          )}
        </Grid>
      </Grid>
    </Content>
  );
};
