import { LineageNotice } from '@convergence/backstage-plugin-mlops-common';

/** Where lineage notices are kept. */
export interface NoticeStore {
  /** Stores a notice that was sent. */
  insert(notice: LineageNotice): Promise<void>;
  /** The notices sent about an entity (full lower-case ref), newest first. */
  list(entityRef: string): Promise<LineageNotice[]>;
}
