/*
 * Crafted values for form fields and action inputs that end up in generated
 * YAML: each appends something to the value that would change the file's
 * structure if written unquoted.
 */

/** Ends the value's line and adds a top-level key (a `kind: User`). */
export const withKey = (value: string) => `${value}\nkind: User`;

/** Ends the value's line and adds a key to the mapping the value is in. */
export const withNestedKey = (value: string) => `${value}\n  evil: true`;

/** Closes a quoted value and starts another YAML document, a Group. */
export const withDocument = (value: string) =>
  `${value}"\n---\napiVersion: backstage.io/v1alpha1\nkind: Group`;

/** Ends the value's list item and adds another, a User reference. */
export const withListItem = (value: string) => `${value}\n- user:default/y`;
