import { Knex } from 'knex';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  LineageNotice,
  LineageNoticeType,
} from '@convergence/backstage-plugin-mlops-common';
import { NoticeStore } from './NoticeStore';

const migrationsDir = resolvePackagePath(
  '@convergence/backstage-plugin-mlops-backend',
  'migrations',
);

type NoticeRow = {
  id: string;
  entity_ref: string;
  type: string;
  message: string | null;
  effective_date: string | null;
  sent_by: string;
  sent_at: Date | string | number;
  recipients: string;
};

/** Lineage notices in the plugin's database (table `lineage_notices`). */
export class DatabaseNoticeStore implements NoticeStore {
  /** Connects to the plugin's database and applies the migrations, unless told to skip them. */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseNoticeStore> {
    const knex = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await knex.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseNoticeStore(knex);
  }

  private constructor(private readonly knex: Knex) {}

  async insert(notice: LineageNotice): Promise<void> {
    await this.knex<NoticeRow>('lineage_notices').insert({
      id: notice.id,
      entity_ref: notice.entityRef,
      type: notice.type,
      message: notice.message ?? null,
      effective_date: notice.effectiveDate ?? null,
      sent_by: notice.sentBy,
      sent_at: new Date(notice.sentAt),
      recipients: JSON.stringify(notice.recipients),
    });
  }

  async list(entityRef: string): Promise<LineageNotice[]> {
    const rows = await this.knex<NoticeRow>('lineage_notices')
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'sent_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    return rows.map(row => ({
      id: row.id,
      entityRef: row.entity_ref,
      type: row.type as LineageNoticeType,
      ...(row.message !== null && { message: row.message }),
      ...(row.effective_date !== null && { effectiveDate: row.effective_date }),
      sentBy: row.sent_by,
      sentAt: new Date(row.sent_at).toISOString(),
      recipients: JSON.parse(row.recipients),
    }));
  }
}
