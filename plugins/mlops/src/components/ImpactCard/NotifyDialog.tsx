import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  LINEAGE_NOTICE_TYPES,
  LineageNotice,
  LineageNoticeRequest,
  LineageNoticeType,
} from '@convergence/backstage-plugin-mlops-common';
import { mlopsApiRef } from '../../api';
import { serverMessage } from './errors';

/** The longest message the backend accepts. */
export const NOTICE_MESSAGE_MAX = 2000;

/** How each notice type reads in the type select. */
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

function sendError(error: Error): string {
  if (ResponseError.is(error) && error.statusCode === 403) {
    return 'Only the owners of this entity can send notices';
  }
  return serverMessage(error);
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
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string>();

  const dateMissing = type === 'deprecation' && !effectiveDate;
  const messageMissing = type === 'other' && !message.trim();
  const messageTooLong = message.length > NOTICE_MESSAGE_MAX;
  const valid = !dateMissing && !messageMissing && !messageTooLong;

  const send = async () => {
    const request: LineageNoticeRequest = { type };
    if (effectiveDate) request.effectiveDate = effectiveDate;
    if (message.trim()) request.message = message.trim();
    setSending(true);
    setError(undefined);
    try {
      const notice = await api.sendNotice(entityRef, request);
      setType('deprecation');
      setEffectiveDate('');
      setMessage('');
      onSent(notice);
    } catch (e) {
      setError(sendError(e as Error));
    } finally {
      setSending(false);
    }
  };

  const close = () => {
    setError(undefined);
    onClose();
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      fullWidth
      maxWidth="sm"
      aria-labelledby="mlops-notify-title"
    >
      <DialogTitle id="mlops-notify-title">
        Notify downstream owners
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="textSecondary" paragraph>
          Every team owning something downstream of {entityRef} gets one
          notification, linking to this page.
        </Typography>
        <TextField
          select
          id="mlops-notice-type"
          label="Notice"
          value={type}
          onChange={e => setType(e.target.value as LineageNoticeType)}
          SelectProps={{ native: true }}
          fullWidth
          margin="normal"
        >
          {LINEAGE_NOTICE_TYPES.map(t => (
            <option key={t} value={t}>
              {TYPE_OPTIONS[t]}
            </option>
          ))}
        </TextField>
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
        {error && (
          <Typography role="alert" color="error">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={sending}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={send}
          disabled={!valid || sending}
        >
          Send
        </Button>
      </DialogActions>
    </Dialog>
  );
};
