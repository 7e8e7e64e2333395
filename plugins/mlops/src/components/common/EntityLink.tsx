import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';

/**
 * A link to an entity reference as written in a spec (`fraud-ml`,
 * `group:fraud-ml`, `group:default/fraud-ml`), or nothing when it is absent.
 */
export const MaybeEntityLink = ({
  entityRef,
  defaultKind,
}: {
  entityRef?: string;
  defaultKind: string;
}) => {
  if (!entityRef) return null;
  try {
    return (
      <EntityRefLink
        entityRef={parseEntityRef(entityRef, {
          defaultKind,
          defaultNamespace: 'default',
        })}
      />
    );
  } catch {
    return <>{entityRef}</>;
  }
};

/** The lifecycle, owner and system rows every ML overview card shows. */
export const ownershipRows = (spec: {
  lifecycle: string;
  owner: string;
  system?: string;
}) => ({
  lifecycle: spec.lifecycle,
  owner: <MaybeEntityLink entityRef={spec.owner} defaultKind="group" />,
  system: spec.system ? (
    <MaybeEntityLink entityRef={spec.system} defaultKind="system" />
  ) : (
    '—'
  ),
});
