import { ConfigReader } from '@backstage/config';
import { readBaseUrl, readHttpUrl, readPlatformSources } from './config';
import { DEFAULT_CRAWL_SCHEDULE } from './CrawlingEntityProvider';

type JsonObject = NonNullable<ConstructorParameters<typeof ConfigReader>[0]>;

const PASSWORD = 's3cr3t-Pa55';

/** The message `fn` throws; fails the test when it throws nothing. */
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('readBaseUrl', () => {
  const read = (value: unknown) =>
    readBaseUrl(
      new ConfigReader({ baseUrl: value } as JsonObject),
      'baseUrl',
      'catalog.providers.mlflow.prod',
    );

  it('accepts http(s) URLs, with a port and a path', () => {
    for (const url of [
      'http://mlflow:5000',
      'https://mlflow.example.com',
      'https://kubeflow.example.com:8443/pipeline/',
      'http://127.0.0.1:5000/mlflow?x=1',
    ]) {
      expect(read(url)).toBe(url);
    }
  });

  it.each([
    [`https://admin:${PASSWORD}@mlflow.example.com`],
    [`http://admin:${PASSWORD}@mlflow.example.com:5000/api`],
    [`https://${PASSWORD}@mlflow.example.com/`],
    [`https://:${PASSWORD}@mlflow.example.com/`],
    [
      `https://admin:${encodeURIComponent(
        `${PASSWORD}@/#`,
      )}@mlflow.example.com`,
    ],
  ])('refuses a URL carrying credentials: %s', url => {
    const message = messageOf(() => read(url));
    expect(message).toMatch(
      /^Invalid catalog\.providers\.mlflow\.prod\.baseUrl: the URL carries a user name or password/,
    );
    expect(message).toContain('catalog.providers.mlflow.prod.token');
    expect(message).toContain('mlflow.example.com');
    expect(message).not.toContain(PASSWORD);
    expect(message).not.toContain(encodeURIComponent(PASSWORD));
    expect(message).not.toContain('admin');
  });

  it('refuses what is not an http(s) URL, without echoing credentials', () => {
    expect(() => read('ftp://mlflow.example.com')).toThrow(
      "Invalid catalog.providers.mlflow.prod.baseUrl: 'ftp://mlflow.example.com' is not an http(s) URL",
    );
    expect(() => read('mlflow.example.com')).toThrow(
      "Invalid catalog.providers.mlflow.prod.baseUrl: 'mlflow.example.com' is not an http(s) URL",
    );
    // Scheme-less and mistyped forms still keep the secret out of the message.
    for (const value of [
      `admin:${PASSWORD}@mlflow.example.com`,
      `http//admin:${PASSWORD}@mlflow.example.com`,
      `ftp://admin:${PASSWORD}@mlflow.example.com`,
    ]) {
      const message = messageOf(() => read(value));
      expect(message).toMatch(
        /'.*\*\*\*@mlflow\.example\.com' is not an http\(s\) URL$/,
      );
      expect(message).not.toContain(PASSWORD);
    }
  });

  it('names the key when the value is missing', () => {
    expect(() =>
      readBaseUrl(new ConfigReader({}), 'baseUrl', 'catalog.providers.x.y'),
    ).toThrow(/baseUrl/);
  });
});

describe('readHttpUrl', () => {
  it('is undefined when absent and names a root key without a prefix', () => {
    const config = new ConfigReader({
      scaffolder: {
        mlflow: { baseUrl: `https://bot:${PASSWORD}@mlflow.example.com` },
      },
    });
    expect(readHttpUrl(config, 'scaffolder.mlflow.uiUrl')).toBeUndefined();
    const message = messageOf(() =>
      readHttpUrl(config, 'scaffolder.mlflow.baseUrl'),
    );
    expect(message).toMatch(
      /^Invalid scaffolder\.mlflow\.baseUrl: the URL carries a user name or password.*scaffolder\.mlflow\.token$/,
    );
    expect(message).not.toContain(PASSWORD);
  });
});

describe('readPlatformSources', () => {
  const read = (source: JsonObject) => () =>
    readPlatformSources(
      new ConfigReader({ catalog: { providers: { kfp: { prod: source } } } }),
      'kfp',
      { frequency: { minutes: 30 }, timeout: { minutes: 10 } },
      (_c, s) => s,
    );

  it('refuses credentials in baseUrl and in uiUrl (links show it)', () => {
    expect(
      read({
        baseUrl: `https://ml:${PASSWORD}@kfp.example.com/pipeline`,
        defaultOwner: 'group:ml',
      }),
    ).toThrow(
      /^Invalid catalog\.providers\.kfp\.prod\.baseUrl: the URL carries/,
    );
    expect(
      read({
        baseUrl: 'https://kfp.example.com/pipeline',
        uiUrl: `https://ml:${PASSWORD}@kfp.example.com/pipeline`,
        defaultOwner: 'group:ml',
      }),
    ).toThrow(/^Invalid catalog\.providers\.kfp\.prod\.uiUrl: the URL carries/);
    expect(
      messageOf(
        read({
          baseUrl: `https://ml:${PASSWORD}@kfp.example.com/pipeline`,
          defaultOwner: 'group:ml',
        }),
      ),
    ).not.toContain(PASSWORD);
  });

  it('fills in the default schedule: the shared one under the given fields', () => {
    const source = { baseUrl: 'https://kfp.example.com', defaultOwner: 'g' };
    const schedule = (defaultSchedule: object) =>
      readPlatformSources(
        new ConfigReader({ catalog: { providers: { kfp: { prod: source } } } }),
        'kfp',
        defaultSchedule,
        (_c, s) => s.schedule,
      );
    expect(schedule({})).toEqual([DEFAULT_CRAWL_SCHEDULE]);
    expect(schedule({ timeout: { minutes: 10 } })).toEqual([
      {
        frequency: { minutes: 30 },
        timeout: { minutes: 10 },
        initialDelay: { seconds: 15 },
      },
    ]);
  });

  it('reads a clean source', () => {
    expect(
      read({
        baseUrl: 'https://kfp.example.com:8443/pipeline',
        token: PASSWORD,
        defaultOwner: 'group:ml',
      })(),
    ).toEqual([
      expect.objectContaining({
        providerId: 'prod',
        baseUrl: 'https://kfp.example.com:8443/pipeline',
        uiUrl: 'https://kfp.example.com:8443/pipeline',
        token: PASSWORD,
      }),
    ]);
  });
});
