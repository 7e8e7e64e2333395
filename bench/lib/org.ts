/*
 * The organisation the load benchmarks share: acme > 10 departments > 20
 * teams each (200 teams), one user per team, and the bench's own user, a
 * member of team-0.
 */
import { Entity } from '@backstage/catalog-model';

export const DEPARTMENTS = 10;
export const TEAMS_PER_DEPARTMENT = 20;
export const TEAMS = DEPARTMENTS * TEAMS_PER_DEPARTMENT;

/** The name of team `t` (0-based across departments). */
export const team = (t: number) => `team-${t}`;
/** The name of department `d`. */
export const department = (d: number) => `dept-${d}`;

/**
 * The groups and users of the organisation; `annotations` go on each of them
 * (an entity provider's location annotations, for instance).
 */
export function organisation(annotations?: Record<string, string>): Entity[] {
  const metadata = (name: string) => ({
    name,
    namespace: 'default',
    ...(annotations && { annotations }),
  });
  const group = (
    name: string,
    type: string,
    parent: string | undefined,
    children: string[],
  ): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: metadata(name),
    spec: { type, ...(parent ? { parent } : {}), children },
  });
  const user = (name: string, memberOf: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: metadata(name),
    spec: { profile: { displayName: name }, memberOf: [memberOf] },
  });
  const out: Entity[] = [
    group(
      'acme',
      'organization',
      undefined,
      Array.from({ length: DEPARTMENTS }, (_, d) => department(d)),
    ),
    user('bench-user', team(0)),
  ];
  for (let d = 0; d < DEPARTMENTS; d++) {
    const teams = Array.from(
      { length: TEAMS_PER_DEPARTMENT },
      (_, k) => d * TEAMS_PER_DEPARTMENT + k,
    );
    out.push(group(department(d), 'department', 'acme', teams.map(team)));
    for (const t of teams) {
      out.push(group(team(t), 'team', department(d), []));
      out.push(user(`user-${t}`, team(t)));
    }
  }
  return out;
}
