import { createHmac } from 'crypto';
import { verifyMlflowSignature } from './webhooks';

const secret = 'whsec-0123';
const body =
  '{"entity":"model_version","action":"created","data":{"name":"m"}}';
const sign = (deliveryId: string, timestamp: string, payload: string) =>
  `v1,${createHmac('sha256', secret)
    .update(`${deliveryId}.${timestamp}.${payload}`)
    .digest('base64')}`;

describe('verifyMlflowSignature', () => {
  const now = 1_764_000_000;
  const ok = {
    secret,
    body,
    deliveryId: 'd1',
    timestamp: String(now),
    nowSeconds: now,
  };

  it('accepts what MLflow signs', () => {
    expect(
      verifyMlflowSignature({
        ...ok,
        signature: sign('d1', String(now), body),
      }),
    ).toBeUndefined();
  });

  it('refuses a changed body, another delivery id or secret', () => {
    const signature = sign('d1', String(now), body);
    expect(verifyMlflowSignature({ ...ok, body: `${body} `, signature })).toBe(
      'signature does not match',
    );
    expect(verifyMlflowSignature({ ...ok, deliveryId: 'd2', signature })).toBe(
      'signature does not match',
    );
    expect(verifyMlflowSignature({ ...ok, secret: 'other', signature })).toBe(
      'signature does not match',
    );
  });

  it('refuses replays, missing headers and unknown versions', () => {
    const old = String(now - 301);
    expect(
      verifyMlflowSignature({
        ...ok,
        timestamp: old,
        signature: sign('d1', old, body),
      }),
    ).toBe('timestamp too old or invalid');
    expect(verifyMlflowSignature({ ...ok, signature: undefined })).toMatch(
      /^missing /,
    );
    expect(
      verifyMlflowSignature({
        ...ok,
        signature: sign('d1', String(now), body).replace('v1', 'v2'),
      }),
    ).toBe('unsupported signature version');
  });
});
