import { expect } from 'chai';
import type { RecordedEvent as KurrentRecordedEvent } from '@kurrent/kurrentdb-client';
import { LOG_START } from '../port.js';
import {
  commandEventId,
  isAfter,
  MissingPositionError,
  toCheckpoint,
  toEventData,
  toReadPosition,
  toRecordedEvent,
  toStreamState,
  uuidV5,
  versionOfRevision,
} from './wire.js';

describe('KurrentDB wire mapping', () => {
  it('maps 1-based expected versions onto 0-based revisions', () => {
    expect(toStreamState('any')).to.equal('any');
    expect(toStreamState('no_stream')).to.equal('no_stream');
    expect(toStreamState(0)).to.equal('no_stream');
    expect(toStreamState(1)).to.equal(0n);
    expect(toStreamState(42)).to.equal(41n);
    expect(versionOfRevision('no_stream')).to.equal(0);
    expect(versionOfRevision(1n)).to.equal(2);
  });

  it('maps checkpoints onto {commit, prepare} and back, with the log start as START', () => {
    expect(toReadPosition(LOG_START)).to.equal('start');
    expect(toReadPosition({ transactionId: '1200', globalPosition: 1200 })).to.deep.equal({ commit: 1200n, prepare: 1200n });
    expect(toCheckpoint({ commit: 1200n, prepare: 1100n })).to.deep.equal({ transactionId: '1200', globalPosition: 1100 });
  });

  it('orders positions by commit, then prepare', () => {
    const at = { transactionId: '100', globalPosition: 100 };
    expect(isAfter({ commit: 101n, prepare: 101n }, at)).to.equal(true);
    expect(isAfter({ commit: 100n, prepare: 100n }, at)).to.equal(false);
    expect(isAfter({ commit: 100n, prepare: 101n }, at)).to.equal(true);
    expect(isAfter({ commit: 99n, prepare: 200n }, at)).to.equal(false);
    expect(isAfter({ commit: 1n, prepare: 1n }, LOG_START)).to.equal(true);
  });

  it('derives the same event ids from the same command id, and RFC 9562 v5 ids', () => {
    // The RFC's example: the DNS namespace and www.example.com.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).to.equal('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(commandEventId('cmd-1', 0)).to.equal(commandEventId('cmd-1', 0));
    expect(commandEventId('cmd-1', 0)).to.not.equal(commandEventId('cmd-1', 1));
    expect(commandEventId('cmd-1', 0)).to.not.equal(commandEventId('cmd-2', 0));
  });

  it('round-trips an event: metadata keeps only our fields, the schema version rides in the metadata', () => {
    const metadata = { workspace_id: 'ws', correlation_id: 'c', causation_id: 'k' };
    const data = toEventData({ type: 'T', schema_version: 3, data: { x: 1 }, metadata }, 'id-1');
    expect(data.metadata).to.include({ $correlationId: 'c', $causationId: 'k' });
    const read = toRecordedEvent({
      streamId: 's-1',
      id: '7d444840-9dc0-11d1-b245-5ffdce74fad2',
      isJson: true,
      revision: 4n,
      type: 'T',
      created: new Date('2024-01-01T00:00:00Z'),
      data: { x: 1 },
      metadata: data.metadata,
      position: { commit: 500n, prepare: 500n },
    } as KurrentRecordedEvent);
    expect(read).to.deep.include({ stream_version: 5, schema_version: 3, global_position: 500, transaction_id: '500', metadata });
    expect(read.recorded_at).to.equal('2024-01-01T00:00:00.000Z');
  });

  it('refuses an event without a position (servers before 22.6)', () => {
    const event = { streamId: 's', id: 'x', revision: 0n, type: 'T', created: new Date(), data: {}, metadata: {} };
    expect(() => toRecordedEvent(event as unknown as KurrentRecordedEvent)).to.throw(MissingPositionError);
  });
});
