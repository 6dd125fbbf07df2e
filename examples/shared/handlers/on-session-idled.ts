import type { Handler } from '@hookline/webhooks';

/**
 * A handler in its own file, typed by its event. Payloads are thin: fetch the session for its
 * state (client.beta.sessions.retrieve(event.data.id)) rather than trusting the event's order.
 */
export const onSessionIdled: Handler<'session.status_idled'> = async (event) => {
  console.info(`session ${event.data.id} is idle (workspace ${event.data.workspace_id})`);
};
