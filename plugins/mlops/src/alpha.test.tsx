import mlopsPlugin from './alpha';

describe('mlops plugin (new frontend system)', () => {
  it('provides the mlops API and the Impact card', () => {
    expect(mlopsPlugin.getExtension('api:mlops')).toMatchObject({
      kind: 'api',
    });
    expect(mlopsPlugin.getExtension('entity-card:mlops/impact')).toMatchObject({
      kind: 'entity-card',
      name: 'impact',
    });
  });
});
