import { useState } from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { SelectField } from './SelectField';

/** Values in an order that is neither alphabetical nor by label. */
const choices = {
  warning: 'Warning · «watch»',
  breaking: 'Breaking "change" \\ now',
  info: 'Info',
} as const;

type Choice = keyof typeof choices;

/** The field as its callers hold it: the value in state, set on change. */
const ControlledField = ({ onChange }: { onChange: (v: Choice) => void }) => {
  const [value, setValue] = useState<Choice>('breaking');
  return (
    <SelectField
      id="notice-type"
      label="Notice type"
      value={value}
      choices={choices}
      onChange={chosen => {
        onChange(chosen);
        setValue(chosen);
      }}
      inputProps={{ 'data-testid': 'notice-type-select' }}
    />
  );
};

const renderField = () => {
  const onChange = jest.fn();
  render(<ControlledField onChange={onChange} />);
  return { onChange };
};

describe('SelectField', () => {
  it('is named by its label and offers the choices in their order, with their labels', () => {
    renderField();
    const select = screen.getByRole('combobox', { name: 'Notice type' });
    expect(select).toBe(screen.getByTestId('notice-type-select'));
    expect(select).toHaveAttribute('id', 'notice-type');
    const options = within(select).getAllByRole(
      'option',
    ) as HTMLOptionElement[];
    expect(options.map(o => [o.value, o.textContent])).toEqual([
      ['warning', 'Warning · «watch»'],
      ['breaking', 'Breaking "change" \\ now'],
      ['info', 'Info'],
    ]);
    expect(select).toHaveValue('breaking');
    expect(
      screen.getByRole('option', { name: 'Breaking "change" \\ now' }),
    ).toHaveProperty('selected', true);
  });

  it('calls onChange with the value chosen, not its label', () => {
    const { onChange } = renderField();
    const select = screen.getByRole('combobox', { name: 'Notice type' });
    fireEvent.change(select, { target: { value: 'info' } });
    expect(select).toHaveValue('info');
    fireEvent.change(select, { target: { value: 'warning' } });
    expect(select).toHaveValue('warning');
    expect(onChange.mock.calls).toEqual([['info'], ['warning']]);
  });
});
