import { z } from 'zod';
import { defineCommand } from './commands.js';
import { streamId } from './events.js';

/**
 * Events other systems append to the log (the seed's event-service): published to the broker like any
 * other, on `agentplatform.events.integration.<event_type>`, and claimable over HTTP by systems that
 * cannot reach the broker.
 */
/**
 * Events from other systems (POST /events) are not in the catalog: they travel as `integration`. Defined
 * here, not in the catalog, so that a domain's contract may use the integration body without an import cycle.
 */
export const INTEGRATION_CATEGORY = 'integration';

const Name = z.string().min(1).max(200);

export const PublishIntegrationEventBody = z.object({
  event_type: Name.regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only'),
  source_service: Name,
  aggregate_type: Name,
  aggregate_id: Name,
  payload_json: z.record(z.string(), z.unknown()).default({}),
});
export type PublishIntegrationEventBody = z.infer<typeof PublishIntegrationEventBody>;

export const PublishIntegrationEvent = defineCommand('PublishIntegrationEvent', PublishIntegrationEventBody);
export type PublishIntegrationEvent = z.infer<typeof PublishIntegrationEvent>;

/** The data of an integration event; its type is the `event_type` it was published with, in the integration namespace. */
export const IntegrationEventData = PublishIntegrationEventBody.omit({ event_type: true });

/**
 * Integration events are stored under `integration.<event_type>`: a type no projector or processor
 * handles, since platform types never hold a dot. So an outsider publishing `AgentRunQueued` cannot
 * make a read model take it for the platform's own event.
 */
const INTEGRATION_TYPE_PREFIX = `${INTEGRATION_CATEGORY}.`;

export const integrationTypeOf = (eventType: string): string => `${INTEGRATION_TYPE_PREFIX}${eventType}`;

export const isIntegrationType = (type: string): boolean => type.startsWith(INTEGRATION_TYPE_PREFIX);

/** The type other systems see (CloudEvent `type`, broker subject, deliveries): what the publisher asked for. */
export const publishedTypeOf = (type: string): string => (isIntegrationType(type) ? type.slice(INTEGRATION_TYPE_PREFIX.length) : type);

/**
 * Events of one aggregate share a stream, so they keep their order on the broker. The stream belongs
 * to one workspace, so no other workspace can read or write it; each part is URI-encoded, so `:` in
 * a part cannot make two different triples name the same stream.
 */
export const integrationStreamId = (workspaceId: string, aggregateType: string, aggregateId: string): string =>
  streamId(INTEGRATION_CATEGORY, [workspaceId, aggregateType, aggregateId].map(encodeURIComponent).join(':'));

export const ClaimPendingBody = z.object({
  limit: z.number().int().min(1).max(500).default(50),
  consumer: z.string().min(1).max(200).regex(/^[A-Za-z0-9_.:-]+$/).default('default'),
  lease_seconds: z.number().int().min(1).max(3600).default(60),
});
export type ClaimPendingBody = z.infer<typeof ClaimPendingBody>;

export const DeliveryStatus = z.enum(['pending', 'delivered', 'failed']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const DeliveryStatusBody = z.object({
  status: DeliveryStatus.exclude(['pending']),
  consumer: z.string().min(1).max(200).default('default'),
  error: z.string().max(4000).optional(),
});
export type DeliveryStatusBody = z.infer<typeof DeliveryStatusBody>;

/** One event as an HTTP consumer claims it: seed fields, its delivery state, and the full envelope. */
export const DeliveryView = z.object({
  id: z.string().uuid(),
  event_type: z.string(),
  source_service: z.string(),
  aggregate_type: z.string(),
  aggregate_id: z.string(),
  payload_json: z.unknown(),
  status: DeliveryStatus,
  attempts: z.number().int(),
  lease_until: z.string().nullable(),
  global_position: z.number().int(),
  created_time: z.string(),
});
export type DeliveryView = z.infer<typeof DeliveryView>;
