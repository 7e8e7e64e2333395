import { fetchEach, toEntityName } from './helpers';

describe('fetchEach', () => {
  it('fetches each distinct id once, skips empty ids and keeps what was found', async () => {
    const asked: string[] = [];
    let inFlight = 0;
    let most = 0;
    const found = await fetchEach(
      ['a', undefined, 'b', 'a', '', 'c', 'missing'],
      2,
      async id => {
        asked.push(id);
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise(r => setTimeout(r, 5));
        inFlight -= 1;
        return id === 'missing' ? undefined : id.toUpperCase();
      },
    );
    expect(asked.sort()).toEqual(['a', 'b', 'c', 'missing']);
    expect(most).toBe(2);
    expect([...found.entries()].sort()).toEqual([
      ['a', 'A'],
      ['b', 'B'],
      ['c', 'C'],
    ]);
  });

  it('rejects when a fetch fails', async () => {
    await expect(
      fetchEach(['a', 'b'], 2, async id => {
        if (id === 'b') throw new Error('b is down');
        return id;
      }),
    ).rejects.toThrow('b is down');
  });
});

describe('toEntityName', () => {
  it('makes a valid entity name', () => {
    expect(toEntityName('Fraud Detector v2!')).toBe('fraud-detector-v2');
  });
});
