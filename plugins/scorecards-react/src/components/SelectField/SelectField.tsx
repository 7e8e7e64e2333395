import { CSSProperties } from 'react';
import TextField from '@material-ui/core/TextField';

/**
 * Props of {@link SelectField}.
 *
 * @public
 */
export interface SelectFieldProps<T extends string> {
  /** The `<select>` element's id. */
  id: string;
  /** The field's label, also the select's accessible name. */
  label: string;
  /** The value chosen. */
  value: T;
  /**
   * Each value with its label, in the order offered. Values are text that is
   * not number-like: JavaScript lists keys such as `'7'` first, in numeric
   * order, whatever order they were written in.
   */
  choices: Readonly<Record<T, string>>;
  /** Called with the value chosen. */
  onChange: (value: T) => void;
  /** As the width of the form it stands in. */
  fullWidth?: boolean;
  /** The space above and below, as a MUI `TextField`'s. */
  margin?: 'none' | 'dense' | 'normal';
  /** Attributes of the `<select>` element, e.g. a `data-testid`. */
  inputProps?: Record<string, unknown>;
  /** The field's own style, e.g. a minimum width. */
  style?: CSSProperties;
}

/**
 * A labelled native drop-down of a fixed set of values, such as a notice's
 * type or the state a list shows.
 *
 * @public
 */
export const SelectField = <T extends string>({
  choices,
  onChange,
  ...props
}: SelectFieldProps<T>) => (
  <TextField
    {...props}
    select
    onChange={e => onChange(e.target.value as T)}
    SelectProps={{ native: true }}
  >
    {(Object.keys(choices) as T[]).map(choice => (
      <option key={choice} value={choice}>
        {choices[choice]}
      </option>
    ))}
  </TextField>
);
