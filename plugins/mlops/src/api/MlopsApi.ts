import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import {
  LineageDirection,
  LineageNotice,
  LineageNoticeRequest,
  LineageResponse,
} from '@convergence/backstage-plugin-mlops-common';

/**
 * An entity, as a ref string (`dataset:default/card-transactions`) or its parts.
 *
 * @public
 */
export type MlopsEntityRef = string | CompoundEntityRef;

/**
 * The mlops backend's REST API in the frontend. A failed request rejects with
 * a `ResponseError` from `@backstage/errors`: its `cause` is the server's
 * error (name and message), its `statusCode` the HTTP status.
 *
 * @public
 */
export interface MlopsApi {
  /**
   * What is reachable from an entity through lineage relations, with the
   * path to each. The backend's default depth applies when none is given.
   */
  getLineage(
    entityRef: MlopsEntityRef,
    options?: { direction?: LineageDirection; depth?: number },
  ): Promise<LineageResponse>;
  /** The notices sent about an entity, newest first. */
  listNotices(entityRef: MlopsEntityRef): Promise<{ items: LineageNotice[] }>;
  /** Sends a notice to the teams owning what is downstream of an entity. */
  sendNotice(
    entityRef: MlopsEntityRef,
    request: LineageNoticeRequest,
  ): Promise<LineageNotice>;
}

/**
 * The mlops API (lineage, impact, downstream notices).
 *
 * @public
 */
export const mlopsApiRef = createApiRef<MlopsApi>({
  id: 'plugin.mlops.service',
});
