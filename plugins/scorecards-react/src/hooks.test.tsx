import { PropsWithChildren } from 'react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { TestApiProvider } from '@backstage/test-utils';
import { ScorecardsApi } from '@convergence/backstage-plugin-scorecards-common';
import { scorecardsApiRef } from './api';
import {
  mockScorecardDefinitions as definitions,
  scorecardsApiMock,
} from './testUtils';
import {
  useEntityScorecard,
  useScorecardDefinitions,
  useScorecardResultsByRefs,
  useScorecardSummaries,
  useScorecardSummary,
} from './hooks';

/** A result in the scorecard whose id has quotes and a backslash. */
const result = (entityRef: string) => ({
  entityRef,
  scorecardId: definitions.scorecards[1].id,
  level: 'L1',
  score: 0.5,
  checks: [],
  evaluatedAt: '2026-11-30T00:00:00.000Z',
});

const summary = (owner: string) => ({
  owner,
  owners: [owner],
  summaries: [
    {
      scorecardId: definitions.scorecards[1].id,
      entities: owner.length,
      levels: { L1: 1 },
      score: 0.5,
      topFailingChecks: [],
    },
  ],
  trend: [],
});

/** The methods a hook called that its test did not expect, in order. */
let unexpectedCalls: string[] = [];

afterEach(() => {
  const called = unexpectedCalls;
  unexpectedCalls = [];
  if (called.length > 0) {
    throw new Error(`The test did not expect calls of ${called.join(', ')}`);
  }
});

/**
 * A scorecards API that records its calls. Every other method throws and
 * fails the test (see afterEach), even where a hook swallows the error.
 */
function recordingApi() {
  const calls: string[] = [];
  const recorded = {
    getDefinitions: jest.fn(async () => {
      calls.push('definitions');
      return definitions;
    }),
    getEntityResults: jest.fn(async (ref: string) => {
      calls.push(`entity ${ref}`);
      return { results: [result(ref)], exemptions: [] };
    }),
    getSummary: jest.fn(async ({ owner }: { owner?: string } = {}) => {
      calls.push(`summary ${owner}`);
      const { owner: _, ...rest } = summary(owner!);
      return rest;
    }),
    getSummaries: jest.fn(
      async ({ owners }: { owners: string[]; days?: number }) => {
        calls.push(`summaries ${owners.join(',')}`);
        return { items: owners.map(summary) };
      },
    ),
    getResultsByRefs: jest.fn(async (refs: string[]) => {
      calls.push(`by-refs ${refs.join(',')}`);
      return { results: refs.map(result) };
    }),
  };
  const unexpected = Object.fromEntries(
    Object.keys(scorecardsApiMock()).map(method => [
      method,
      async () => {
        unexpectedCalls.push(method);
        throw new Error(
          `${method} was called, which this test does not expect`,
        );
      },
    ]),
  );
  return { api: { ...scorecardsApiMock(unexpected), ...recorded }, calls };
}

const wrapperWith =
  (api?: ScorecardsApi) =>
  ({ children }: PropsWithChildren<{}>) =>
    api ? (
      <TestApiProvider apis={[[scorecardsApiRef, api]]}>
        {children}
      </TestApiProvider>
    ) : (
      <TestApiProvider apis={[]}>{children}</TestApiProvider>
    );

describe('scorecards hooks', () => {
  it('useScorecardDefinitions reads /definitions', async () => {
    const { api } = recordingApi();
    const { result: hook } = renderHook(() => useScorecardDefinitions(), {
      wrapper: wrapperWith(api),
    });
    await waitFor(() => expect(hook.current.loading).toBe(false));
    expect(hook.current.value).toEqual(definitions);
  });

  it('useEntityScorecard reads the entity and reloads on retry', async () => {
    const { api, calls } = recordingApi();
    const ref = 'model:default/fraud-"detector"';
    const { result: hook } = renderHook(() => useEntityScorecard(ref), {
      wrapper: wrapperWith(api),
    });
    await waitFor(() => expect(hook.current.loading).toBe(false));
    expect(hook.current.value).toEqual({
      results: [result(ref)],
      exemptions: [],
      definitions,
    });
    act(() => hook.current.retry());
    await waitFor(() =>
      expect(calls.filter(c => c === `entity ${ref}`)).toHaveLength(2),
    );
  });

  it('useScorecardSummary passes the owner and days', async () => {
    const { api } = recordingApi();
    const { result: hook } = renderHook(
      () => useScorecardSummary({ owner: 'group:default/fraud-ml', days: 90 }),
      { wrapper: wrapperWith(api) },
    );
    await waitFor(() => expect(hook.current.loading).toBe(false));
    expect(api.getSummary).toHaveBeenCalledWith({
      owner: 'group:default/fraud-ml',
      system: undefined,
      days: 90,
    });
    expect(hook.current.value?.summary.summaries[0].entities).toBe(
      'group:default/fraud-ml'.length,
    );
    expect(hook.current.value?.definitions).toEqual(definitions);
  });

  it('useScorecardSummaries asks for all owners in one request, in order', async () => {
    const { api, calls } = recordingApi();
    const owners = ['group:default/b', 'group:default/a', 'user:default/ü'];
    const { result: hook, rerender } = renderHook(
      ({ list }) => useScorecardSummaries(list, { days: 1 }),
      { wrapper: wrapperWith(api), initialProps: { list: owners } },
    );
    await waitFor(() => expect(hook.current.loading).toBe(false));
    expect(api.getSummaries).toHaveBeenCalledTimes(1);
    expect(api.getSummaries).toHaveBeenCalledWith({ owners, days: 1 });
    expect(api.getSummary).not.toHaveBeenCalled();
    expect(hook.current.value?.items.map(i => i.owner)).toEqual(owners);
    // A new array with the same owners does not ask again.
    rerender({ list: [...owners] });
    await waitFor(() => expect(hook.current.loading).toBe(false));
    expect(calls.filter(c => c.startsWith('summaries'))).toHaveLength(1);
  });

  it('useScorecardSummaries asks for 100 owners at a time beyond 100', async () => {
    const { api } = recordingApi();
    const owners = Array.from({ length: 150 }, (_, i) => `group:default/t${i}`);
    const { result: hook } = renderHook(() => useScorecardSummaries(owners), {
      wrapper: wrapperWith(api),
    });
    await waitFor(() => expect(hook.current.loading).toBe(false));
    expect(api.getSummaries.mock.calls.map(([o]) => o.owners)).toEqual([
      owners.slice(0, 100),
      owners.slice(100),
    ]);
    expect(hook.current.value?.items.map(i => i.owner)).toEqual(owners);
  });

  it('useScorecardSummaries asks nothing for no owners', async () => {
    const { api } = recordingApi();
    const { result: hook } = renderHook(() => useScorecardSummaries([]), {
      wrapper: wrapperWith(api),
    });
    await waitFor(() => expect(hook.current.loading).toBe(false));
    expect(hook.current.value?.items).toEqual([]);
    expect(api.getSummaries).not.toHaveBeenCalled();
  });

  it('useScorecardResultsByRefs reads the results of the refs', async () => {
    const { api } = recordingApi();
    const refs = ['model:default/a', 'dataset:default/b'];
    const { result: hook } = renderHook(() => useScorecardResultsByRefs(refs), {
      wrapper: wrapperWith(api),
    });
    await waitFor(() => expect(hook.current.loading).toBe(false));
    expect(hook.current.value).toEqual({
      results: refs.map(result),
      definitions,
    });
  });

  it('useScorecardResultsByRefs is undefined where the app has no scorecards API', async () => {
    const { result: hook } = renderHook(
      () => useScorecardResultsByRefs(['model:default/a']),
      { wrapper: wrapperWith(undefined) },
    );
    await waitFor(() => expect(hook.current.loading).toBe(false));
    expect(hook.current.error).toBeUndefined();
    expect(hook.current.value).toBeUndefined();
  });
});
