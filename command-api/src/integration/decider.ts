import { integrationTypeOf, type DomainEvent, type PublishIntegrationEvent } from '@agent-platform/contracts';
import type { Decider } from '../decider.js';

/**
 * Another system's event, recorded as it was sent but under `integration.<event_type>`, so it can never
 * pass for a platform event. There is no rule to keep, so the stream's past is never needed.
 */
export const integrationDecider: Decider<null, PublishIntegrationEvent, DomainEvent> = {
  initialState: () => null,
  evolve: (state) => state,
  decide: ({ data: { event_type, ...data } }) => [{ type: integrationTypeOf(event_type), data }],
};
