import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  jsonEvent,
  NO_STREAM,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type KurrentDBClient,
} from '@kurrent/kurrentdb-client';

/*
 * What a command id appended, recorded in a stream of its own so a retry can answer with the first
 * result (KurrentDB keeps no such table). The stream is named by a hash of the id, so any
 * Idempotency-Key fits a stream name. The record's type starts with `$`, which makes it a system
 * event: `$all` readers that exclude system events (ours do) never see it. The stream itself is an
 * ordinary one, so an application user without `$admins` rights may write it.
 */

export const COMMAND_RECORD_TYPE = '$ApCommandRecorded';

export const CommandRecord = z.object({
  command_id: z.string(),
  stream_id: z.string(),
  fingerprint: z.string().nullable(),
  first_version: z.number().int().positive(),
  last_version: z.number().int().positive(),
  last_position: z.number().int().positive(),
});
export type CommandRecord = z.infer<typeof CommandRecord>;

export const commandStreamOf = (commandId: string): string =>
  `ap_command-${createHash('sha256').update(commandId, 'utf8').digest('hex')}`;

export const findCommandRecord = async (client: KurrentDBClient, commandId: string): Promise<CommandRecord | undefined> => {
  try {
    for await (const resolved of client.readStream(commandStreamOf(commandId), { maxCount: 1 })) {
      if (resolved.event) return CommandRecord.parse(resolved.event.data);
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return undefined;
    throw error;
  }
  return undefined;
};

/**
 * Records the command's result unless another append of the same command recorded first; returns
 * whether this one won. The record gets a fresh id on purpose: with the same id, the server would
 * treat the loser's write as an idempotent retry and report success to both.
 */
export const saveCommandRecord = async (client: KurrentDBClient, record: CommandRecord): Promise<boolean> => {
  try {
    await client.appendToStream(
      commandStreamOf(record.command_id),
      jsonEvent({ id: randomUUID(), type: COMMAND_RECORD_TYPE, data: record }),
      { streamState: NO_STREAM },
    );
    return true;
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) return false;
    throw error;
  }
};
