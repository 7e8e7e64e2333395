import { TableOptions } from '@backstage/core-components';

/** The options of the plugin's tables: no search, dense rows, one page. */
export const TABLE_OPTIONS: TableOptions = {
  search: false,
  paging: false,
  padding: 'dense',
};

/** {@link TABLE_OPTIONS} with pages of `pageSize` rows once there are more. */
export const pagedTableOptions = (
  rowCount: number,
  pageSize: number,
): TableOptions => ({
  ...TABLE_OPTIONS,
  paging: rowCount > pageSize,
  pageSize,
});
