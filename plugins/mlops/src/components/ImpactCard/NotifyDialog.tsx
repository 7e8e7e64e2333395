import { useState } from 'react';
import TextField from '@material-ui/core/TextField';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  LineageNotice,
  LineageNoticeRequest,
  LineageNoticeType,
} from '@convergence/backstage-plugin-mlops-common';
import {
  ActionDialog,
  errorMessage,
  SelectField,
} from '@convergence/backstage-plugin-scorecards-react';
import { mlopsApiRef } from '../../api';

/** The longest message the backend accepts. */
export const NOTICE_MESSAGE_MAX = 2000;

/** How each notice type reads in the type select, in the order offered. */
const TYPE_OPTIONS: Record<LineageNoticeType, string> = {
  deprecation: 'Deprecated from a date',
  'personal-data': 'Contains personal data',
  incident: 'Incident',
  other: 'Other',
};

/** "Deprecated from 2027-03-01", "Contains personal data", "Incident (2026-11-29)", ... */
export function noticeLabel(notice: {
  type: LineageNoticeType;
  effectiveDate?: string;
}): string {
  const dated = notice.effectiveDate ? ` (${notice.effectiveDate})` : '';
  switch (notice.type) {
    case 'deprecation':
      return `Deprecated from ${notice.effectiveDate ?? 'a date not given'}`;
    case 'personal-data':
      return `Contains personal data${dated}`;
    case 'incident':
      return `Incident${dated}`;
    default:
      return `Other${dated}`;
  }
}

function sendError(error: unknown): string {
  if (ResponseError.is(error) && error.statusCode === 403) {
    return 'Only the owners of this entity can send notices';
  }
  return errorMessage(error);
}

/**
 * The form that sends a notice about an entity to the teams owning what is
 * downstream of it.
 */
export const NotifyDialog = ({
  entityRef,
  open,
  onClose,
  onSent,
}: {
  entityRef: string;
  open: boolean;
  onClose: () => void;
  onSent: (notice: LineageNotice) => void;
}) => {
  const api = useApi(mlopsApiRef);
  const [type, setType] = useState<LineageNoticeType>('deprecation');
  const [effectiveDate, setEffectiveDate] = useState('');
  const [message, setMessage] = useState('');

  const deprecation = type === 'deprecation';
  // UTC, as the backend, which refuses a deprecation before it. Other notices
  // may look back: an incident's date is when it started.
  const today = new Date().toISOString().slice(0, 10);
  let dateError: string | undefined;
  if (deprecation && !effectiveDate)
    dateError = 'A deprecation needs the date it applies from';
  else if (deprecation && effectiveDate < today)
    dateError = `A deprecation applies from today (${today} UTC) or later`;
  const messageMissing = type === 'other' && !message.trim();
  const messageTooLong = message.length > NOTICE_MESSAGE_MAX;
  const valid = !dateError && !messageMissing && !messageTooLong;

  const send = async () => {
    const request: LineageNoticeRequest = { type };
    if (effectiveDate) request.effectiveDate = effectiveDate;
    if (message.trim()) request.message = message.trim();
    const notice = await api.sendNotice(entityRef, request);
    setType('deprecation');
    setEffectiveDate('');
    setMessage('');
    onSent(notice);
  };

  return (
    <ActionDialog
      open={open}
      title="Notify downstream owners"
      description={
        <>
          Every team owning something downstream of {entityRef} gets one
          notification, linking to this page.
        </>
      }
      action="Send"
      actionRunning="Sending…"
      actionDisabled={!valid}
      onAction={send}
      onClose={onClose}
      describeError={sendError}
    >
      <SelectField
        id="mlops-notice-type"
        label="Notice"
        value={type}
        choices={TYPE_OPTIONS}
        onChange={setType}
        fullWidth
        margin="normal"
      />
      <TextField
        id="mlops-notice-date"
        label={
          deprecation ? 'Deprecated from' : 'Date (when it started or applies)'
        }
        type="date"
        value={effectiveDate}
        onChange={e => setEffectiveDate(e.target.value)}
        required={deprecation}
        error={!!dateError}
        helperText={dateError ?? ' '}
        InputLabelProps={{ shrink: true }}
        inputProps={deprecation ? { min: today } : {}}
        fullWidth
        margin="normal"
      />
      <TextField
        id="mlops-notice-message"
        label="Message"
        value={message}
        onChange={e => setMessage(e.target.value)}
        required={type === 'other'}
        error={messageTooLong}
        helperText={
          messageTooLong
            ? `At most ${NOTICE_MESSAGE_MAX} characters (${message.length})`
            : `${message.length}/${NOTICE_MESSAGE_MAX}`
        }
        multiline
        minRows={3}
        fullWidth
        margin="normal"
      />
    </ActionDialog>
  );
};
