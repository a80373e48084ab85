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
  Uuid,
} from '@agent-platform/contracts';
import { claimPending, route, settleDelivery, type Api, type DeliveryRow, type Knex } from '@agent-platform/infra';
import { accepted, type CommandDeps } from '../http.js';
import { integrationDecider } from './decider.js';

/** The seed's event record: integration events carry their own source and aggregate; the platform's name their stream. */
const toView = (row: DeliveryRow) => {
  const { event } = row;
  const integration = IntegrationEventData.safeParse(event.data);
  return DeliveryView.parse({
    id: event.event_id,
    event_type: event.type,
    source_service: integration.success ? integration.data.source_service : 'agent-platform',
    aggregate_type: integration.success ? integration.data.aggregate_type : categoryOf(event.type),
    aggregate_id: integration.success ? integration.data.aggregate_id : event.stream_id,
    payload_json: integration.success ? integration.data.payload_json : event.data,
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
    handler: async ({ body, ctx, req }) => {
      const result = await deps.handle(
        integrationDecider,
        integrationStreamId(body.aggregate_type, body.aggregate_id),
        { type: 'PublishIntegrationEvent', data: body },
        deps.contextOf(ctx, req, body),
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
