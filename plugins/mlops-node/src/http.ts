/*
 * What the Convergence backends' routers share.
 */

/**
 * The credentials a read route accepts: a user's or another plugin's.
 * One object shared by the mlops and scorecards backends' routers: do not
 * mutate it (its `allow` array stays mutable only because
 * `httpAuth.credentials` takes an `Array`); make a new one for other callers.
 *
 * @public
 */
export const anyCaller = {
  allow: ['user', 'service'] as Array<'user' | 'service'>,
};

/**
 * The entity named by a route's `:kind/:namespace/:name` (URL-decoded by
 * express).
 *
 * @public
 */
export const entityOf = (req: { params: Record<string, string> }) => ({
  kind: req.params.kind,
  namespace: req.params.namespace,
  name: req.params.name,
});
