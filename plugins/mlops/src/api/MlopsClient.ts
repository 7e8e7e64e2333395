import { parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  LineageDirection,
  LineageNotice,
  LineageNoticeRequest,
  LineageResponse,
} from '@convergence/backstage-plugin-mlops-common';
import { MlopsApi, MlopsEntityRef } from './MlopsApi';

/**
 * HTTP client for the mlops backend (pluginId `mlops`).
 *
 * @public
 */
export class MlopsClient implements MlopsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  private async call<T>(path: string, init?: RequestInit): Promise<T> {
    const base = await this.discoveryApi.getBaseUrl('mlops');
    const res = await this.fetchApi.fetch(`${base}${path}`, {
      ...init,
      headers: {
        ...(init?.body ? { 'Content-Type': 'application/json' } : {}),
        ...init?.headers,
      },
    });
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return res.json();
  }

  private static lineagePath(entityRef: MlopsEntityRef) {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    return `/lineage/${[kind.toLocaleLowerCase('en-US'), namespace, name]
      .map(encodeURIComponent)
      .join('/')}`;
  }

  async getLineage(
    entityRef: MlopsEntityRef,
    options: { direction?: LineageDirection; depth?: number } = {},
  ): Promise<LineageResponse> {
    const query = new URLSearchParams({
      direction: options.direction ?? 'downstream',
    });
    if (options.depth !== undefined) query.set('depth', String(options.depth));
    return this.call(`${MlopsClient.lineagePath(entityRef)}?${query}`);
  }

  async listNotices(
    entityRef: MlopsEntityRef,
  ): Promise<{ items: LineageNotice[] }> {
    return this.call(`${MlopsClient.lineagePath(entityRef)}/notices`);
  }

  async sendNotice(
    entityRef: MlopsEntityRef,
    request: LineageNoticeRequest,
  ): Promise<LineageNotice> {
    return this.call(`${MlopsClient.lineagePath(entityRef)}/notices`, {
      method: 'POST',
      body: JSON.stringify(request),
    });
  }
}
