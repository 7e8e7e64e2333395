import { render, screen } from '@testing-library/react';
import { formatScorePercent, ScorecardLevelChip } from './ScorecardLevelChip';

const BRONZE = 'rgb(160, 101, 45)';
const SILVER = 'rgb(142, 154, 166)';
const GOLD = 'rgb(201, 162, 39)';
const BLUE = 'rgb(79, 126, 168)';
const PURPLE = 'rgb(106, 76, 147)';
const INDIGO = 'rgb(92, 107, 192)';
const GREY = 'rgb(189, 189, 189)';

/** The chip's element (the root that carries the colour). */
const chip = (label: string) =>
  screen.getByText(label).closest('.MuiChip-root')!;

describe('ScorecardLevelChip', () => {
  it('colours a level by its position in the scorecard, lowest first', () => {
    const levels = ['Bronze', 'Silver', 'Gold', 'Platinum'];
    render(
      <>
        {levels.map(level => (
          <ScorecardLevelChip key={level} level={level} levels={levels} />
        ))}
      </>,
    );
    expect(chip('Bronze')).toHaveStyle({ backgroundColor: BRONZE });
    expect(chip('Silver')).toHaveStyle({ backgroundColor: SILVER });
    expect(chip('Gold')).toHaveStyle({ backgroundColor: GOLD });
    expect(chip('Platinum')).toHaveStyle({ backgroundColor: BLUE });
  });

  it('does not colour by name: other names, other orders', () => {
    const levels = [
      { name: 'L1', checks: ['a'] },
      { name: 'L2', checks: [] },
    ];
    render(
      <>
        <ScorecardLevelChip level="L1" levels={levels} />
        <ScorecardLevelChip level="L2" levels={levels} />
        <ScorecardLevelChip level="Gold" levels={['Gold', 'Silver']} />
        <ScorecardLevelChip
          level="Stufe 7 · «sehr gut»"
          levels={['1', '2', '3', '4', '5', '6', 'Stufe 7 · «sehr gut»']}
        />
      </>,
    );
    expect(chip('L1')).toHaveStyle({ backgroundColor: BRONZE });
    expect(chip('L2')).toHaveStyle({ backgroundColor: SILVER });
    expect(chip('Gold')).toHaveStyle({ backgroundColor: BRONZE });
    expect(chip('Stufe 7 · «sehr gut»')).toHaveStyle({
      backgroundColor: PURPLE,
    });
  });

  it('shows "No level" below the first level, and a level the scorecard does not name in neutral indigo', () => {
    render(
      <>
        <ScorecardLevelChip level={null} levels={['Bronze']} />
        <ScorecardLevelChip level="Retired" levels={['Bronze']} />
        <ScorecardLevelChip level="Gold" />
      </>,
    );
    expect(chip('No level')).toHaveStyle({ backgroundColor: GREY });
    expect(chip('Retired')).toHaveStyle({ backgroundColor: INDIGO });
    expect(chip('Gold')).toHaveStyle({ backgroundColor: INDIGO });
  });
});

describe('formatScorePercent', () => {
  it('rounds to a whole percentage', () => {
    expect(formatScorePercent(0.75)).toBe('75%');
    expect(formatScorePercent(0.666)).toBe('67%');
    expect(formatScorePercent(0)).toBe('0%');
    expect(formatScorePercent(1)).toBe('100%');
  });
});
