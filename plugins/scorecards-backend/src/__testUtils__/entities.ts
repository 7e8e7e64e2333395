import fs from 'fs';
import path from 'path';
import { parseAllDocuments } from 'yaml';
import { Entity } from '@backstage/catalog-model';
import { withCatalogRelations } from './catalogRelations';

/** A team in the default namespace, parent of `children`, with the catalog's relations. */
export const group = (name: string, children: string[] = []): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children },
  relations: children.map(c => ({
    type: 'parentOf',
    targetRef: `group:default/${c}`,
  })),
});

/** A Model in the default namespace with `spec` alone: no owner, no description, no relations. */
export const bareModel = (name: string, spec: object = {}): Entity => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind: 'Model',
  metadata: { name, namespace: 'default' },
  spec,
});

/**
 * A Model in the default namespace owned by the team `owner` (with the
 * catalog's ownedBy relation), described, with `spec` merged in.
 */
export const model = (
  name: string,
  owner: string,
  spec: object = {},
): Entity => ({
  apiVersion: 'convergence.dev/v1alpha1',
  kind: 'Model',
  metadata: { name, namespace: 'default', description: `${name} model` },
  spec: {
    type: 'classification',
    lifecycle: 'experimental',
    owner: `group:default/${owner}`,
    license: 'MIT',
    ...spec,
  },
  relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
});

/**
 * The example estate (the repository's examples/*.yaml, without locations),
 * graded as the portal grades it: with the relations the catalog's processors
 * emit from each entity's spec.
 */
export function readExampleEstate(): Entity[] {
  const examplesDir = path.resolve(__dirname, '../../../../examples');
  return withCatalogRelations(
    fs
      .readdirSync(examplesDir)
      .filter(f => f.endsWith('.yaml'))
      .flatMap(f =>
        parseAllDocuments(fs.readFileSync(path.join(examplesDir, f), 'utf8')),
      )
      .map(d => d.toJSON())
      .filter(e => e && e.kind !== 'Location')
      .map(e => ({ ...e, metadata: { namespace: 'default', ...e.metadata } })),
  );
}
