import { useMemo, useState } from 'react';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import TextField from '@material-ui/core/TextField';
import {
  DEFAULT_EXEMPTION_MAX_DAYS,
  ExemptionRequest,
} from '@convergence/backstage-plugin-scorecards-common';
import {
  ActionDialog,
  scorecardsApiRef,
} from '@convergence/backstage-plugin-scorecards-react';
import { addUtcDays } from './time';

/** The expiry the dialog proposes, unless the maximum is shorter. */
const DEFAULT_EXEMPTION_DAYS = 30;
const MIN_REASON_LENGTH = 3;

/** How many days ahead an exemption may be asked for (`scorecards.exemptions.maxDays`). */
export function useMaxExemptionDays(): number {
  const config = useApi(configApiRef);
  const days = config.getOptionalNumber('scorecards.exemptions.maxDays');
  return days !== undefined && days >= 1
    ? Math.floor(days)
    : DEFAULT_EXEMPTION_MAX_DAYS;
}

/**
 * Asks for an exemption from one check: a reason and the day it ends
 * (00:00 UTC of that day, between tomorrow and today + maxDays). The server
 * decides whether the caller may; its refusal (e.g. a pending request
 * already exists) is shown in the dialog.
 */
export const RequestExemptionDialog = ({
  open,
  entityRef,
  checkId,
  checkTitle,
  onClose,
  onRequested,
}: {
  open: boolean;
  entityRef: string;
  checkId: string;
  checkTitle: string;
  onClose: () => void;
  onRequested: (request: ExemptionRequest) => void;
}) => {
  const api = useApi(scorecardsApiRef);
  const maxDays = useMaxExemptionDays();
  // The bounds are fixed when the dialog opens.
  const bounds = useMemo(() => {
    const now = new Date();
    return {
      min: addUtcDays(now, 1),
      max: addUtcDays(now, maxDays),
      initial: addUtcDays(now, Math.min(DEFAULT_EXEMPTION_DAYS, maxDays)),
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [maxDays, open]);
  const [reason, setReason] = useState('');
  const [reasonTouched, setReasonTouched] = useState(false);
  const [day, setDay] = useState(bounds.initial);

  const reasonError =
    reason.trim().length < MIN_REASON_LENGTH
      ? `Say why, in at least ${MIN_REASON_LENGTH} characters`
      : undefined;
  const dayError =
    !/^\d{4}-\d{2}-\d{2}$/.test(day) || day < bounds.min || day > bounds.max
      ? `Pick a day from ${bounds.min} to ${bounds.max}`
      : undefined;

  const reset = () => {
    setReason('');
    setReasonTouched(false);
    setDay(bounds.initial);
  };

  const close = () => {
    reset();
    onClose();
  };

  const submit = async () => {
    setReasonTouched(true);
    if (reasonError || dayError) return;
    const request = await api.requestExemption(entityRef, {
      checkId,
      reason: reason.trim(),
      expiresAt: `${day}T00:00:00.000Z`,
    });
    reset();
    onRequested(request);
  };

  return (
    <ActionDialog
      open={open}
      title={`Request an exemption from “${checkTitle}”`}
      description={
        <>
          The check stops counting against this entity once someone who manages
          its exemptions approves, until the day you pick.
        </>
      }
      action="Submit"
      actionRunning="Submitting…"
      actionDisabled={!!dayError || (reasonTouched && !!reasonError)}
      onAction={submit}
      onClose={close}
    >
      <TextField
        id="exemption-reason"
        label="Reason"
        required
        fullWidth
        multiline
        minRows={2}
        margin="normal"
        value={reason}
        onChange={e => setReason(e.target.value)}
        onBlur={() => setReasonTouched(true)}
        error={reasonTouched && !!reasonError}
        helperText={reasonTouched && reasonError ? reasonError : ' '}
        inputProps={{ 'data-testid': 'exemption-reason', maxLength: 10000 }}
      />
      <TextField
        id="exemption-expires"
        label="Expires on"
        type="date"
        required
        margin="normal"
        value={day}
        onChange={e => setDay(e.target.value)}
        error={!!dayError}
        helperText={
          dayError ??
          `The exemption ends at 00:00 UTC that day; at most ${maxDays} days ahead.`
        }
        InputLabelProps={{ shrink: true }}
        inputProps={{
          min: bounds.min,
          max: bounds.max,
          'data-testid': 'exemption-expires',
        }}
      />
    </ActionDialog>
  );
};
