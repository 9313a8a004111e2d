/**
 * The routes. Every view and filter lives in the URL, so any page can be shared or reloaded:
 *
 *   /namespaces                                             namespaces
 *   /namespaces/:ns/workflows?query=…                       workflows list
 *   /namespaces/:ns/workflows/:workflowId/:runId/:tab       one workflow (tab: history, timeline, …)
 *   /namespaces/:ns/schedules                               schedules
 *   /namespaces/:ns/task-queues/:queue                      one task queue
 */
import { ErrorBoundary, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { useEffect } from 'preact/hooks';
import { Layout } from './components/layout';
import { NotFound } from './components/common';
import { SettingsProvider } from './settings';
import { NamespacesPage } from './pages/namespaces';
import { SchedulesPage } from './pages/schedules';
import { TaskQueuePage } from './pages/task-queue';
import { WorkflowsPage } from './pages/workflows';
import { WorkflowPage } from './pages/workflow/workflow-page';

export const DEFAULT_NAMESPACE = 'default';

function Home() {
  const { route } = useLocation();
  useEffect(() => route(`/namespaces/${DEFAULT_NAMESPACE}/workflows`, true), [route]);
  return null;
}

export function App() {
  return (
    <SettingsProvider>
      <LocationProvider>
        <Layout>
          <ErrorBoundary>
            <Router>
              <Route path="/" component={Home} />
              <Route path="/namespaces" component={NamespacesPage} />
              <Route path="/namespaces/:namespace/workflows" component={WorkflowsPage} />
              <Route path="/namespaces/:namespace/workflows/:workflowId/:runId/:tab?" component={WorkflowPage} />
              <Route path="/namespaces/:namespace/schedules" component={SchedulesPage} />
              <Route path="/namespaces/:namespace/task-queues/:queue" component={TaskQueuePage} />
              <Route default component={() => <NotFound what="page" />} />
            </Router>
          </ErrorBoundary>
        </Layout>
      </LocationProvider>
    </SettingsProvider>
  );
}
