import { ChangeEvent, FormEvent, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi, useApiHolder, useRouteRef } from '@backstage/core-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormGroup from '@material-ui/core/FormGroup';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  CampaignInput,
  CampaignTarget,
  ScorecardDefinition,
} from '@convergence/backstage-plugin-scorecards-common';
import {
  errorMessage,
  scorecardsApiRef,
  ScorecardDefinitions,
  useScorecardDefinitions,
} from '@convergence/backstage-plugin-scorecards-react';
import { campaignRouteRef } from '../../routes';

/** What the filter field holds at first: every Model. */
export const DEFAULT_CAMPAIGN_FILTER = '{"kind":"Model"}';

type Fields = {
  title: string;
  description: string;
  scorecardId: string;
  targetKind: 'level' | 'checks';
  level: string;
  checks: string[];
  filter: string;
  startsAt: string;
  deadline: string;
  owner: string;
};

/** The fields typed in as text. */
type TextKey = Exclude<keyof Fields, 'targetKind' | 'checks' | 'scorecardId'>;

/** The filter as an object, or why it is not one. */
function parseFilter(
  text: string,
): { filter: Record<string, unknown> } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { error: `Not JSON: ${(e as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      error: 'Must be a JSON object, such as {"kind":"Model"}',
    };
  }
  return { filter: parsed as Record<string, unknown> };
}

/** The owner as a full group ref (`ml-platform` → `group:default/ml-platform`). */
function parseOwner(text: string): { owner: string } | { error: string } {
  const trimmed = text.trim();
  if (!trimmed) return { error: 'Required' };
  try {
    return {
      owner: stringifyEntityRef(
        parseEntityRef(trimmed, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      ),
    };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Each check of a scorecard's levels once, with the level that needs it. */
const checksOf = (scorecard?: ScorecardDefinition) =>
  (scorecard?.levels ?? []).flatMap(level =>
    level.checks.map(checkId => ({ checkId, level: level.name })),
  );

/** The catalog's groups, offered as owners (none when there is no catalog API). */
function useGroups() {
  const catalogApi = useApiHolder().get(catalogApiRef);
  return useAsync(async () => {
    if (!catalogApi) return [];
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Group' },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
    });
    return items.map(g => ({
      ref: stringifyEntityRef(g),
      title: g.metadata.title ?? g.metadata.name,
    }));
  }, [catalogApi]).value;
}

/** The props the form's drop-downs share: native selects, full width, dense. */
const NATIVE_SELECT = {
  select: true,
  fullWidth: true,
  margin: 'dense',
  SelectProps: { native: true },
} as const;

/** The `<option>`s of a native select or a datalist, one per item. */
const Options = <T,>({
  items,
  value,
  label = value,
}: {
  items: readonly T[];
  value: (item: T) => string;
  label?: (item: T) => string;
}) => (
  <>
    {items.map(item => (
      <option key={value(item)} value={value(item)}>
        {label(item)}
      </option>
    ))}
  </>
);

const CampaignForm = ({
  definitions,
  onClose,
}: {
  definitions: ScorecardDefinitions;
  onClose: () => void;
}) => {
  const api = useApi(scorecardsApiRef);
  const navigate = useNavigate();
  const campaignLink = useRouteRef(campaignRouteRef);
  const first = definitions.scorecards[0];
  const [fields, setFields] = useState<Fields>({
    title: '',
    description: '',
    scorecardId: first?.id ?? '',
    targetKind: 'level',
    level: first?.levels[0]?.name ?? '',
    checks: [],
    filter: DEFAULT_CAMPAIGN_FILTER,
    startsAt: '',
    deadline: '',
    owner: '',
  });
  const groups = useGroups();
  const [touched, setTouched] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [serverError, setServerError] = useState<string>();

  const set = <K extends keyof Fields>(key: K, value: Fields[K]) =>
    setFields(f => ({ ...f, [key]: value }));
  const scorecard = definitions.scorecards.find(
    s => s.id === fields.scorecardId,
  );
  const checkTitle = (id: string) =>
    definitions.checks.find(c => c.id === id)?.title ?? id;

  const filter = parseFilter(fields.filter);
  const owner = parseOwner(fields.owner);
  let targetError: string | undefined;
  if (fields.targetKind === 'level') {
    targetError = fields.level ? undefined : 'Choose a level';
  } else if (fields.checks.length === 0) {
    targetError = 'Choose at least one check';
  }
  const errors = {
    title: fields.title.trim() ? undefined : 'Required',
    scorecardId: scorecard ? undefined : 'Choose a scorecard',
    target: targetError,
    filter: 'error' in filter ? filter.error : undefined,
    deadline: fields.deadline ? undefined : 'Required',
    owner: 'error' in owner ? owner.error : undefined,
  };
  // The filter's JSON error shows as soon as it is typed; the others on submit.
  const shown = (key: keyof typeof errors) =>
    key === 'filter' || touched ? errors[key] : undefined;
  /** A text field's value and change handler. */
  const bind = (key: TextKey) => ({
    value: fields[key],
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      set(key, e.target.value),
  });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (Object.values(errors).some(Boolean)) return;
    const target: CampaignTarget =
      fields.targetKind === 'level'
        ? { level: fields.level }
        : { checks: fields.checks };
    const input: CampaignInput = {
      title: fields.title.trim(),
      ...(fields.description.trim()
        ? { description: fields.description.trim() }
        : {}),
      scorecardId: fields.scorecardId,
      target,
      filter: (filter as { filter: Record<string, unknown> }).filter,
      ...(fields.startsAt ? { startsAt: fields.startsAt } : {}),
      deadline: fields.deadline,
      owner: (owner as { owner: string }).owner,
    };
    setSubmitting(true);
    setServerError(undefined);
    try {
      const created = await api.createCampaign(input);
      navigate(campaignLink({ campaignId: created.id }));
      onClose();
    } catch (err) {
      setServerError(errorMessage(err));
      setSubmitting(false);
    }
  };

  const scorecardChecks = checksOf(scorecard);
  return (
    <form onSubmit={submit} noValidate aria-label="New campaign">
      <DialogContent>
        <TextField
          id="campaign-title"
          label="Title"
          required
          fullWidth
          margin="dense"
          {...bind('title')}
          error={!!shown('title')}
          helperText={shown('title')}
          inputProps={{ 'data-testid': 'campaign-title' }}
        />
        <TextField
          id="campaign-description"
          label="Description"
          fullWidth
          multiline
          minRows={2}
          margin="dense"
          {...bind('description')}
          inputProps={{ 'data-testid': 'campaign-description' }}
        />
        <TextField
          id="campaign-scorecard"
          label="Scorecard"
          {...NATIVE_SELECT}
          required
          value={fields.scorecardId}
          onChange={e => {
            const next = definitions.scorecards.find(
              s => s.id === e.target.value,
            );
            setFields(f => ({
              ...f,
              scorecardId: e.target.value,
              level: next?.levels[0]?.name ?? '',
              checks: [],
            }));
          }}
          error={!!shown('scorecardId')}
          helperText={shown('scorecardId')}
          inputProps={{ 'data-testid': 'campaign-scorecard' }}
        >
          <Options
            items={definitions.scorecards}
            value={s => s.id}
            label={s => s.title}
          />
        </TextField>
        <TextField
          id="campaign-target-kind"
          label="Target"
          {...NATIVE_SELECT}
          value={fields.targetKind}
          onChange={e =>
            set('targetKind', e.target.value as Fields['targetKind'])
          }
          inputProps={{ 'data-testid': 'campaign-target-kind' }}
        >
          <option value="level">Reach a level</option>
          <option value="checks">Pass chosen checks</option>
        </TextField>
        {fields.targetKind === 'level' ? (
          <TextField
            id="campaign-target-level"
            label="Level"
            {...NATIVE_SELECT}
            {...bind('level')}
            error={!!shown('target')}
            helperText={shown('target')}
            inputProps={{ 'data-testid': 'campaign-target-level' }}
          >
            <Options items={scorecard?.levels ?? []} value={l => l.name} />
          </TextField>
        ) : (
          <FormControl
            component="fieldset"
            margin="dense"
            error={!!shown('target')}
            data-testid="campaign-target-checks"
          >
            <FormLabel component="legend">Checks</FormLabel>
            <FormGroup>
              {scorecardChecks.map(({ checkId, level }) => (
                <FormControlLabel
                  key={checkId}
                  label={`${checkTitle(checkId)} (${level})`}
                  control={
                    <Checkbox
                      checked={fields.checks.includes(checkId)}
                      onChange={(_, checked) =>
                        set(
                          'checks',
                          checked
                            ? [...fields.checks, checkId]
                            : fields.checks.filter(c => c !== checkId),
                        )
                      }
                      inputProps={
                        {
                          'data-testid': `campaign-check-${checkId}`,
                        } as any
                      }
                    />
                  }
                />
              ))}
            </FormGroup>
            {shown('target') && (
              <FormHelperText>{shown('target')}</FormHelperText>
            )}
          </FormControl>
        )}
        <TextField
          id="campaign-filter"
          label="Entities (catalog filter, JSON)"
          required
          fullWidth
          multiline
          minRows={2}
          margin="dense"
          {...bind('filter')}
          error={!!shown('filter')}
          helperText={
            shown('filter') ??
            'A catalog filter predicate, e.g. {"kind":"Model","spec.lifecycle":"production"}'
          }
          inputProps={{
            'data-testid': 'campaign-filter',
            style: { fontFamily: 'monospace' },
          }}
        />
        <div style={{ display: 'flex', gap: 16 }}>
          <TextField
            id="campaign-starts-at"
            label="Starts (optional)"
            type="date"
            margin="dense"
            InputLabelProps={{ shrink: true }}
            {...bind('startsAt')}
            helperText="Empty: today"
            inputProps={{ 'data-testid': 'campaign-starts-at' }}
          />
          <TextField
            id="campaign-deadline"
            label="Deadline"
            type="date"
            required
            margin="dense"
            InputLabelProps={{ shrink: true }}
            {...bind('deadline')}
            error={!!shown('deadline')}
            helperText={shown('deadline') ?? 'The end of that day (UTC)'}
            inputProps={{ 'data-testid': 'campaign-deadline' }}
          />
        </div>
        <TextField
          id="campaign-owner"
          label="Owner (group)"
          required
          fullWidth
          margin="dense"
          placeholder="group:default/ml-platform"
          {...bind('owner')}
          error={!!shown('owner')}
          helperText={shown('owner') ?? 'The team that runs the campaign'}
          inputProps={{
            'data-testid': 'campaign-owner',
            list: 'campaign-owner-groups',
          }}
        />
        <datalist id="campaign-owner-groups">
          <Options
            items={groups ?? []}
            value={g => g.ref}
            label={g => g.title}
          />
        </datalist>
        {serverError && (
          <Typography
            role="alert"
            color="error"
            data-testid="campaign-dialog-error"
            style={{ marginTop: 8 }}
          >
            {serverError}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          type="submit"
          color="primary"
          variant="contained"
          disabled={submitting}
          data-testid="campaign-create-submit"
        >
          Create
        </Button>
      </DialogActions>
    </form>
  );
};

/**
 * A dialog to create a campaign; on success it opens the new campaign's page.
 */
export const CreateCampaignDialog = ({
  open,
  onClose,
}: {
  open: boolean;
  onClose: () => void;
}) => {
  const { value, loading, error } = useScorecardDefinitions();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      fullWidth
      maxWidth="sm"
      aria-labelledby="create-campaign-title"
    >
      <DialogTitle id="create-campaign-title">New campaign</DialogTitle>
      {loading && (
        <DialogContent>
          <Progress />
        </DialogContent>
      )}
      {error && (
        <DialogContent>
          <ResponseErrorPanel
            error={error}
            title="Could not load the scorecards"
          />
        </DialogContent>
      )}
      {value && <CampaignForm definitions={value} onClose={onClose} />}
    </Dialog>
  );
};
