import { z } from 'zod';
import {
  ClaimPendingBody,
  CommandAccepted,
  DeliveryStatusBody,
  DeliveryView,
  NotFoundError,
  PublishIntegrationEventBody,
  categoryOf,
  integrationStreamId,
  IntegrationEventData,
  INTEGRATION_CATEGORY,
  publishedTypeOf,
  Uuid,
} from '@agent-platform/contracts';
import { claimPending, route, settleDelivery, type Api, type DeliveryRow, type Knex } from '@agent-platform/infra';
import { accepted, type CommandDeps } from '../http.js';
import { integrationDecider } from './decider.js';

/**
 * The seed's event record: integration events carry their own source and aggregate, and show the type
 * their publisher gave; the platform's name their stream.
 */
const toView = (row: DeliveryRow) => {
  const { event } = row;
  // Not by the namespace alone: events recorded before it existed are stored under their bare type.
  const parsed = categoryOf(event.type) === INTEGRATION_CATEGORY ? IntegrationEventData.safeParse(event.data) : undefined;
  const integration = parsed?.success ? parsed.data : undefined;
  return DeliveryView.parse({
    id: event.event_id,
    event_type: publishedTypeOf(event.type),
    source_service: integration ? integration.source_service : 'agent-platform',
    aggregate_type: integration ? integration.aggregate_type : categoryOf(event.type),
    aggregate_id: integration ? integration.aggregate_id : event.stream_id,
    payload_json: integration ? integration.payload_json : event.data,
    status: row.status,
    attempts: row.attempts,
    lease_until: row.lease_until ? new Date(row.lease_until).toISOString() : null,
    global_position: row.global_position,
    created_time: event.recorded_at,
  });
};

export const integrationRoutes = (api: Api, deps: CommandDeps & { knex: Knex }): void => {
  route(api, {
    method: 'post',
    path: '/events',
    summary: "Record another service's event in the log, to be published like any other",
    tags: ['events'],
    body: PublishIntegrationEventBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Recorded; `id` is the event id.', schema: CommandAccepted } },
    errors: [422],
    handler: async ({ body, headers, ctx, req }) => {
      const result = await deps.handle(
        integrationDecider,
        integrationStreamId(ctx.workspaceId, body.aggregate_type, body.aggregate_id),
        { type: 'PublishIntegrationEvent', data: body },
        deps.contextOf(ctx, req, headers, body),
        { stateless: true },
      );
      return accepted(201, result.events[0]!.event_id, result);
    },
  });

  route(api, {
    method: 'post',
    path: '/events/claim-pending',
    summary: "Lease a batch of the workspace's undelivered events to an HTTP consumer",
    description:
      'For systems that cannot reach the broker. Each consumer has its own place in the log; an event stays ' +
      'claimable until the consumer marks it delivered, and returns to the pool when its lease runs out.',
    tags: ['events'],
    body: ClaimPendingBody,
    responses: { 200: { description: 'The leased events, oldest first.', schema: z.object({ items: z.array(DeliveryView) }) } },
    handler: async ({ body, ctx }) => {
      const rows = await claimPending(deps.knex, deps.store, {
        workspaceId: ctx.workspaceId,
        consumer: body.consumer,
        limit: body.limit,
        leaseSeconds: body.lease_seconds,
      });
      return { status: 200, body: { items: rows.map(toView) } };
    },
  });

  route(api, {
    method: 'post',
    path: '/events/:id/status',
    summary: 'Mark a claimed event delivered, or failed (to be claimed again)',
    tags: ['events'],
    params: z.object({ id: Uuid }),
    body: DeliveryStatusBody,
    responses: { 200: { description: 'The delivery as it is now.', schema: DeliveryView } },
    errors: [404],
    handler: async ({ params, body, ctx }) => {
      const row = await settleDelivery(deps.knex, {
        workspaceId: ctx.workspaceId,
        consumer: body.consumer,
        eventId: params.id,
        status: body.status,
        ...(body.error ? { error: body.error } : {}),
      });
      if (!row) throw new NotFoundError('DELIVERY_NOT_FOUND', `consumer ${body.consumer} was never offered event ${params.id}`);
      return { status: 200, body: toView(row) };
    },
  });
};
