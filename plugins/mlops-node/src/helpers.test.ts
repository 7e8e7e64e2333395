import { KubernetesValidatorFunctions } from '@backstage/catalog-model';
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
    expect(toEntityName("O'Brien's model")).toBe('o-brien-s-model');
    expect(toEntityName('fraud.v2 Model')).toBe('fraud.v2-model');
    expect(toEntityName(`${'a'.repeat(70)}`)).toBe('a'.repeat(63));
  });

  it('folds accents', () => {
    expect(toEntityName('Modèle Français', 'model')).toBe('modele-francais');
    expect(toEntityName('Modèle_français')).toBe('modele_francais');
  });

  it('keeps names without an ASCII form apart, and valid', () => {
    const names = [
      '模型',
      '推荐模型',
      'Straße',
      'Strasse',
      `${'a'.repeat(80)}模型`,
      '!!!',
      '???',
    ].map(n => toEntityName(n, 'model'));
    expect(new Set(names).size).toBe(names.length);
    expect(names[0]).toBe('model-c98e118e');
    expect(names[2]).toMatch(/^stra-e-[0-9a-f]{8}$/);
    expect(names[3]).toBe('strasse');
    expect(names[4]).toMatch(/^a{54}-[0-9a-f]{8}$/);
    expect(names[5]).toMatch(/^model-[0-9a-f]{8}$/);
    for (const name of names) {
      expect(KubernetesValidatorFunctions.isValidObjectName(name)).toBe(true);
    }
    // The same name always maps to the same entity name.
    expect(toEntityName('模型', 'model')).toBe(names[0]);
    expect(toEntityName('!!!')).toMatch(/^unnamed-[0-9a-f]{8}$/);
  });
});
