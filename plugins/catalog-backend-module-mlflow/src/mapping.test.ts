import { KubernetesValidatorFunctions } from '@backstage/catalog-model';
import { mlflowEntityName } from './mapping';

describe('mlflowEntityName', () => {
  it('folds accents and keeps ASCII names as toEntityName makes them', () => {
    expect(mlflowEntityName('Modèle Français', 'model')).toBe(
      'modele-francais',
    );
    expect(mlflowEntityName("O'Brien's model", 'model')).toBe(
      'o-brien-s-model',
    );
    expect(mlflowEntityName('fraud.v2 Model', 'model')).toBe('fraud.v2-model');
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
    ].map(n => mlflowEntityName(n, 'model'));
    expect(new Set(names).size).toBe(names.length);
    expect(names[0]).toMatch(/^model-[0-9a-f]{8}$/);
    expect(names[2]).toMatch(/^stra-e-[0-9a-f]{8}$/);
    expect(names[3]).toBe('strasse');
    for (const name of names) {
      expect(KubernetesValidatorFunctions.isValidObjectName(name)).toBe(true);
    }
    // The same name always maps to the same entity name.
    expect(mlflowEntityName('模型', 'model')).toBe(names[0]);
  });
});
