import { SchedulerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  CrawlingEntityProvider,
  DEFAULT_CRAWL_SCHEDULE,
} from './CrawlingEntityProvider';
import { createRecordingConnection, entitiesOf } from './testUtils/fakeApi';

const entity = (kind: string, name: string, title: string): Entity => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind,
  metadata: { name, title },
  spec: {},
});

/** A provider whose crawl finds `found`, names clashing included. */
class TestProvider extends CrawlingEntityProvider {
  clashes: string[] = [];
  constructor(private readonly found: Entity[], scheduler?: SchedulerService) {
    super(
      'test',
      {
        providerId: 'p1',
        baseUrl: 'http://platform.test',
        uiUrl: 'http://platform.test',
        defaultOwner: 'group:ml',
        pageSize: 100,
        schedule: DEFAULT_CRAWL_SCHEDULE,
      },
      { logger: mockServices.logger.mock(), scheduler },
    );
  }
  async crawl() {
    return this.keepFirstOfEachName(this.found, (leftOut, kept) =>
      this.clashes.push(`${leftOut.metadata.title} for ${kept.metadata.title}`),
    );
  }
}

describe('CrawlingEntityProvider', () => {
  it('keeps the first entity of each kind, namespace and name, and names the others', async () => {
    const provider = new TestProvider([
      entity('Model', 'fraud', 'Fraud'),
      entity('Dataset', 'fraud', 'fraud data'),
      entity('Model', 'churn', 'Churn'),
      {
        ...entity('Model', 'fraud', 'fraud elsewhere'),
        metadata: { name: 'fraud', namespace: 'ml', title: 'fraud elsewhere' },
      },
      entity('Model', 'fraud', 'FRAUD'),
      // Names are compared as the catalog compares refs: case-insensitively.
      entity('model', 'Churn', 'churn!'),
    ]);
    const { connection, mutations } = createRecordingConnection();
    await provider.connect(connection);
    expect(await provider.refresh()).toBe(4);
    expect(entitiesOf(mutations[0]).map(e => e.metadata.title)).toEqual([
      'Fraud',
      'fraud data',
      'Churn',
      'fraud elsewhere',
    ]);
    expect(provider.clashes).toEqual(['FRAUD for Fraud', 'churn! for Churn']);
    expect(mutations[0]).toMatchObject({
      type: 'full',
      entities: [{ locationKey: 'test-provider:p1' }, {}, {}, {}],
    });
  });

  it('schedules its refresh with the source schedule', async () => {
    const scheduler = mockServices.scheduler.mock();
    const provider = new TestProvider([], scheduler);
    await provider.connect(createRecordingConnection().connection);
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'test-provider:p1:refresh',
        ...DEFAULT_CRAWL_SCHEDULE,
      }),
    );
  });
});
