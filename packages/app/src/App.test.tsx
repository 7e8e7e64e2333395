import { fireEvent, render, screen, within } from '@testing-library/react';
import App from './App';
import appPackageJson from '../package.json';

// Nothing listens on port 9 (discard): every backend request fails at once,
// as it does when the backend is down.
const config = {
  app: {
    title: 'Test Portal',
    packages: 'all',
    // As in app-config.yaml: the catalog is the landing page.
    extensions: [{ 'page:catalog': { config: { path: '/' } } }],
  },
  organization: { name: 'Test Org' },
  backend: { baseUrl: 'http://127.0.0.1:9' },
  techdocs: { storageUrl: 'http://127.0.0.1:9/api/techdocs/static/docs' },
};

/**
 * What the CLI's bundler does for `app.packages: all`: every frontend plugin
 * or module among the app's dependencies, with its ./alpha export if any.
 */
function discoverPackagesLikeTheBundler() {
  const modules = Object.keys(appPackageJson.dependencies).flatMap(name => {
    const pkg = require(`${name}/package.json`);
    const role = pkg.backstage?.role;
    if (role !== 'frontend-plugin' && role !== 'frontend-plugin-module') {
      return [];
    }
    const found = [{ name, default: require(name).default }];
    if (pkg.exports && './alpha' in pkg.exports) {
      found.push({ name, default: require(`${name}/alpha`).default });
    }
    return found;
  });
  (window as any)['__@backstage/discovered__'] = { modules };
}

// Rendering the whole app is slow on a busy 2-core machine; the waits below
// allow 10 s, so the test itself must allow more than that.
jest.setTimeout(60_000);

describe('App', () => {
  beforeAll(() => {
    discoverPackagesLikeTheBundler();
  });

  beforeEach(() => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [{ data: config, context: 'test' }] as any,
    };
    localStorage.clear();
  });

  it('asks a signed-out person to sign in as the guest', async () => {
    render(App.createRoot());

    expect(
      await screen.findByText(/Enter as a Guest User/),
    ).toBeInTheDocument();
    expect(screen.getByText('Test Portal')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
    expect(screen.queryByTestId('sidebar-root')).not.toBeInTheDocument();
  });

  it("shows a signed-in person the sidebar with Convergence's pages", async () => {
    // A returning guest: the sign-in page remembers the provider, and the
    // guest provider signs in without the auth backend when told to.
    localStorage.setItem('@backstage/core:SignInPage:provider', 'guest');
    localStorage.setItem('enableLegacyGuestToken', 'true');
    render(App.createRoot());

    const sidebar = await screen.findByTestId('sidebar-root');
    const link = (name: string) => within(sidebar).getByRole('link', { name });
    expect(link('Catalog')).toHaveAttribute('href', '/');
    expect(link('ML assets')).toHaveAttribute('href', '/ml-assets');
    expect(link('Ownership scorecards')).toHaveAttribute('href', '/scorecards');
    expect(link('Scorecard campaigns')).toHaveAttribute('href', '/campaigns');
    expect(
      await screen.findByRole(
        'heading',
        { name: 'Test Org Catalog' },
        // The page's code is loaded lazily, as in the browser.
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Enter as a Guest User/)).not.toBeInTheDocument();
  });

  it('opens the campaigns page from the sidebar', async () => {
    localStorage.setItem('@backstage/core:SignInPage:provider', 'guest');
    localStorage.setItem('enableLegacyGuestToken', 'true');
    render(App.createRoot());

    const sidebar = await screen.findByTestId('sidebar-root');
    fireEvent.click(
      within(sidebar).getByRole('link', { name: 'Scorecard campaigns' }),
    );
    // The backend is down: the page itself says so (the page and the
    // permission API its New campaign button asks both resolved).
    expect(
      await screen.findByText(
        /Could not load campaigns/,
        {},
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Campaigns' }),
    ).toBeInTheDocument();
  });
});
