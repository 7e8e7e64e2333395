import fs from 'fs';
import path from 'path';
import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import { LOCAL_GIT_TOPIC, readHeadFile } from './localGit';
import { parseEntities, TEMPLATE_OUTPUT_KINDS } from './validateEntities';

const allowedKinds = new Set(
  TEMPLATE_OUTPUT_KINDS.map(k => k.toLocaleLowerCase('en-US')),
);

/**
 * Reads `catalog-info.yaml` at the head of every bare repository in the
 * local-git folder into the catalog: the catalog side of `publish:local-git`.
 * It reads again on a schedule and at once when a push is announced. A
 * repository that cannot be read keeps the entities it had.
 *
 * Anyone who can run a template can publish a repository, so only the kinds
 * in {@link TEMPLATE_OUTPUT_KINDS} are read; any other entity (a Location,
 * User, Group or Template, say) is left out with a warning naming it and its
 * repository, whatever `catalog.rules` allows.
 *
 * @public
 */
export class LocalGitEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly lastGood = new Map<string, Entity[]>();
  /** What was last left out of each repository, so each change is logged once. */
  private readonly lastRejected = new Map<string, string>();
  private running?: Promise<void>;

  constructor(
    private readonly baseDir: string,
    private readonly deps: {
      logger: LoggerService;
      scheduler?: SchedulerService;
      events?: EventsService;
    },
  ) {}

  getProviderName() {
    return 'local-git';
  }

  async connect(connection: EntityProviderConnection) {
    this.connection = connection;
    await this.deps.events?.subscribe({
      id: 'local-git-provider',
      topics: [LOCAL_GIT_TOPIC],
      onEvent: async () => {
        await this.refresh();
      },
    });
    await this.deps.scheduler?.scheduleTask({
      id: 'local-git-provider:refresh',
      frequency: { minutes: 1 },
      timeout: { minutes: 5 },
      fn: async () => {
        await this.refresh();
      },
    });
  }

  /** Reads every repository and replaces this provider's entities. */
  refresh(): Promise<void> {
    // One read at a time; a push during a read triggers another.
    const next = (this.running ?? Promise.resolve()).then(() => this.read());
    this.running = next.catch(() => {});
    return next;
  }

  private async read() {
    if (!this.connection)
      throw new Error('local-git provider is not connected');
    const repos = fs.existsSync(this.baseDir)
      ? (await fs.promises.readdir(this.baseDir, { withFileTypes: true }))
          .filter(
            d =>
              d.isDirectory() &&
              d.name.endsWith('.git') &&
              !d.name.startsWith('.'),
          )
          .map(d => d.name)
      : [];
    const entities: Entity[] = [];
    for (const repo of repos.sort()) {
      const gitdir = path.join(this.baseDir, repo);
      const location = `url:file://${gitdir}/catalog-info.yaml`;
      try {
        const text = await readHeadFile(gitdir, 'catalog-info.yaml');
        const found = text
          ? parseEntities(text, `${repo}/catalog-info.yaml`).map(e => ({
              ...e,
              metadata: {
                ...e.metadata,
                annotations: {
                  ...e.metadata?.annotations,
                  [ANNOTATION_LOCATION]: location,
                  [ANNOTATION_ORIGIN_LOCATION]: location,
                  [ANNOTATION_SOURCE_LOCATION]: `url:file://${gitdir}`,
                },
              },
            }))
          : [];
        this.lastGood.set(repo, this.allowedOnly(repo, found));
      } catch (error) {
        this.deps.logger.warn(
          `local-git: cannot read ${repo}, keeping its entities: ${
            (error as Error).message
          }`,
        );
      }
      entities.push(...(this.lastGood.get(repo) ?? []));
    }
    await this.connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({ entity, locationKey: 'local-git' })),
    });
  }

  /** The entities of a kind the templates produce; warns about the others. */
  private allowedOnly(repo: string, entities: Entity[]): Entity[] {
    const rejected = entities.filter(
      e =>
        typeof e.kind !== 'string' ||
        !allowedKinds.has(e.kind.toLocaleLowerCase('en-US')),
    );
    const names = rejected.map(
      e =>
        `${typeof e.kind === 'string' ? e.kind : '<no kind>'} ${
          e.metadata?.name ?? '<unnamed>'
        }`,
    );
    const signature = names.join('\n');
    if (signature && signature !== this.lastRejected.get(repo)) {
      this.deps.logger.warn(
        `local-git: left out of ${repo}: ${names.join(
          ', ',
        )}. Published repositories may only add ${TEMPLATE_OUTPUT_KINDS.join(
          ', ',
        )}`,
      );
    }
    this.lastRejected.set(repo, signature);
    return entities.filter(e => !rejected.includes(e));
  }
}
