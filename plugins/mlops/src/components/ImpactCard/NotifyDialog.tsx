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
  SelectField,
} from '@convergence/backstage-plugin-scorecards-react';
import { mlopsApiRef } from '../../api';
import { serverMessage } from './errors';

/** The longest message the backend accepts. */
export const NOTICE_MESSAGE_MAX = 2000;

/** How each notice type reads in the type select, in the order offered. */
const TYPE_OPTIONS: Record<LineageNoticeType, string> = {
  deprecation: 'Deprecated from a date',
  'personal-data': 'Contains personal data',
  incident: 'Incident',
  other: 'Other',
};

/** "Deprecated from 2027-03-01", "Contains personal data", ... */
export function noticeLabel(notice: {
  type: LineageNoticeType;
  effectiveDate?: string;
}): string {
  switch (notice.type) {
    case 'deprecation':
      return `Deprecated from ${notice.effectiveDate ?? 'a date not given'}`;
    case 'personal-data':
      return 'Contains personal data';
    case 'incident':
      return 'Incident';
    default:
      return 'Other';
  }
}

function sendError(error: unknown): string {
  if (ResponseError.is(error) && error.statusCode === 403) {
    return 'Only the owners of this entity can send notices';
  }
  return serverMessage(error as Error);
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

  const dateMissing = type === 'deprecation' && !effectiveDate;
  const messageMissing = type === 'other' && !message.trim();
  const messageTooLong = message.length > NOTICE_MESSAGE_MAX;
  const valid = !dateMissing && !messageMissing && !messageTooLong;

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
        label={type === 'deprecation' ? 'Deprecated from' : 'Date'}
        type="date"
        value={effectiveDate}
        onChange={e => setEffectiveDate(e.target.value)}
        required={type === 'deprecation'}
        error={dateMissing}
        helperText={
          dateMissing ? 'A deprecation needs the date it applies from' : ' '
        }
        InputLabelProps={{ shrink: true }}
        // The backend refuses a date before today (UTC).
        inputProps={{ min: new Date().toISOString().slice(0, 10) }}
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
