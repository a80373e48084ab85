import { expect } from 'chai';
import pino from 'pino';
import {
  AGENTS_CATEGORY,
  streamId,
  TEAM_RUNS_CATEGORY,
  type CoordinationMode,
  type RecordedEvent,
  type TeamRunCommand,
} from '@agent-platform/contracts';
import { agentDecider, openSteps, sendCommand, teamRunDecider, evolveAll, type ActiveTeamRun } from '@agent-platform/command-api/commands';
import { createInMemoryEventStore, type InMemoryEventStore } from '@agent-platform/infra/testing';
import { createRunKernel } from '../kernel/executor.js';
import { teamRunKind } from './kind.js';

const silent = pino({ level: 'silent' });
const RUN = 'c3d4e5f6-a7b8-4c9d-8fa6-d7e8f90a1b23';
const SESSION = 'd4e5f6a7-b8c9-4dae-9ab7-e8f90a1b2c34';
const TEAM = 'e5f6a7b8-c9da-4ebf-8bc8-f90a1b2c3d45';
const ctx = { workspaceId: 'ws' };

const defineAgent = async (store: InMemoryEventStore, agentId: string, code: string) => {
  const stream = streamId(AGENTS_CATEGORY, agentId);
  await sendCommand(store, agentDecider, stream, { type: 'CreateAgent', data: { agent_id: agentId, workspace_id: 'ws', code, name: code, agent_type: 'assistant' } }, ctx);
  await sendCommand(
    store,
    agentDecider,
    stream,
    {
      type: 'CreateAgentVersion',
      data: {
        agent_id: agentId,
        version_id: agentId.replace(/^./, 'f'),
        workspace_id: 'ws',
        status: 'published',
        role: null,
        goal: null,
        system_prompt: null,
        model_config: { react_enabled: false, react_max_steps: 5, ask_human_enabled: false },
        memory_policy: { enabled: false, memory_scope: 'session', read_top_k: 5, write_enabled: false, config_json: {} },
        tool_refs: [],
        skill_refs: [],
        knowledge_refs: [],
      },
    },
    ctx,
  );
};
const AGENTS = ['a1a1a1a1-0000-4000-8000-000000000001', 'a2a2a2a2-0000-4000-8000-000000000002', 'a3a3a3a3-0000-4000-8000-000000000003'];
const teamStream = streamId(TEAM_RUNS_CATEGORY, RUN);

/** A queued team run of three members (the first a supervisor) in the given mode. */
const queueTeam = async (store: InMemoryEventStore, mode: CoordinationMode) => {
  for (const [i, id] of AGENTS.entries()) await defineAgent(store, id, `agent_${i}`);
  const command: TeamRunCommand = {
    type: 'QueueTeamRun',
    data: {
      team_run_id: RUN,
      team_id: TEAM,
      team_version_id: TEAM,
      session_id: SESSION,
      input_text: 'Plan the launch.',
      auto_execute: false,
      dry_run: false,
      workspace_id: 'ws',
      definition: {
        coordination_mode: mode,
        objective: 'Ship it',
        member_refs: AGENTS.map((agent_id, i) => ({ member_key: ['lead', 'x', 'y'][i]!, agent_id, role: i === 0 ? 'supervisor' : 'executor', responsibility: '' })),
        config_json: { max_rounds: 2, failure_policy: 'fail_fast' },
      },
    },
  };
  await sendCommand(store, teamRunDecider, teamStream, command, ctx, { newStream: true });
};

const teamOf = async (store: InMemoryEventStore) => evolveAll(teamRunDecider, teamRunDecider.initialState(), await store.readStream(teamStream)) as ActiveTeamRun;
const everyEvent = async (store: InMemoryEventStore) => (await store.readAll({ after: { transactionId: '0', globalPosition: 0 }, limit: 10_000 })).events;
const memberRunStreams = async (store: InMemoryEventStore) => (await everyEvent(store)).filter((e) => e.stream_id.startsWith('agentrun-'));

/**
 * Drives the team run to its end as the platform would: a worker leases and orchestrates it until it waits,
 * then each open member run "ends" (its ending recorded as the member-endings reaction records it: a
 * deterministic answer per member and step), which wakes the team run, and a worker starts it again.
 */
const driveToEnd = async (store: InMemoryEventStore) => {
  const kernel = createRunKernel(teamRunKind({ store }), { store, log: silent, leaseMs: 1, maxAttempts: 50 });
  for (let round = 0; round < 40; round++) {
    const team = await teamOf(store);
    if (['completed', 'failed', 'cancelled'].includes(team.status)) return team;
    if (!team.waiting) await (await kernel.start(RUN, { workerKey: `w${round}` })).done;
    for (const step of openSteps(await teamOf(store))) {
      const output = step.purpose === 'plan' ? '{"assignments":[{"member_key":"y","task":"numbers"}]}' : `${step.member_key} answers step ${step.step_no}`;
      await sendCommand(
        store,
        teamRunDecider,
        teamStream,
        { type: 'EndTeamMemberStep', data: { team_run_id: RUN, agent_run_id: step.agent_run_id, status: 'completed', output_text: output, error: null } },
        ctx,
        { retryOnConflict: 5 },
      );
    }
  }
  throw new Error('the team run did not end');
};

/** A new store holding what the reference held up to and including `upTo` (a global position): a process killed right after it. */
const storeAsOf = async (events: RecordedEvent[], upTo: number) => {
  const store = createInMemoryEventStore();
  for (const e of events.filter((e) => e.global_position <= upTo)) {
    await store.append(e.stream_id, [{ type: e.type, data: e.data, schema_version: e.schema_version, metadata: e.metadata }], { expectedVersion: 'any' });
  }
  return store;
};
const decisions = (team: ActiveTeamRun) => team.steps.map((s) => `${s.step_no}:${s.member_key}:${s.purpose}:${s.round}:${s.input_text}`);

for (const mode of ['sequential', 'parallel', 'supervisor', 'round_robin'] as const) {
  describe(`a ${mode} team run on the kernel`, () => {
    let reference: { team: ActiveTeamRun; events: RecordedEvent[] };
    before(async () => {
      const store = createInMemoryEventStore();
      await queueTeam(store, mode);
      reference = { team: await driveToEnd(store), events: await everyEvent(store) };
    });

    it('ends with a team-level answer, one agent run per member step, each naming its team run and member', async () => {
      expect(reference.team.status).to.equal('completed');
      expect(reference.team.answer).to.be.a('string').and.not.equal('');
      const queued = reference.events.filter((e) => e.type === 'AgentRunQueued');
      expect(queued.map((e) => (e.data as { run_id: string }).run_id)).to.deep.equal(reference.team.steps.map((s) => s.agent_run_id));
      for (const [i, e] of queued.entries()) expect(e.data).to.deep.include({ team_run_id: RUN, member_key: reference.team.steps[i]!.member_key, auto_execute: true });
    });

    it('killed after any event of its journal, resumes to the same decisions and answer, creating each member run once', async () => {
      const journal = reference.events.filter((e) => e.stream_id === teamStream);
      // An append is atomic: a process dies between appends, so the journal is cut after the last event of each.
      const cuts = journal.filter((e, i) => journal[i + 1] && journal[i + 1]!.transaction_id !== e.transaction_id);
      expect(cuts.length).to.be.greaterThan(3);
      for (const cut of cuts) {
        const store = await storeAsOf(reference.events, cut.global_position);
        const team = await driveToEnd(store);
        const where = `killed after ${cut.type} (version ${cut.stream_version})`;
        expect(decisions(team), where).to.deep.equal(decisions(reference.team));
        expect(team.answer, where).to.equal(reference.team.answer);
        const queued = (await memberRunStreams(store)).filter((e) => e.type === 'AgentRunQueued');
        expect(queued.map((e) => e.stream_id).sort(), where).to.deep.equal(reference.team.steps.map((s) => `agentrun-${s.agent_run_id}`).sort());
      }
    });
  });
}

describe('a team run whose member cannot run', () => {
  it('ends that step failed with why, and fails the team under fail_fast', async () => {
    const store = createInMemoryEventStore();
    await queueTeam(store, 'sequential');
    // The first member's agent loses its only published version: a member run of it cannot be created.
    await sendCommand(store, agentDecider, streamId(AGENTS_CATEGORY, AGENTS[0]!), { type: 'ArchiveAgentVersion', data: { agent_id: AGENTS[0]!, version_id: AGENTS[0]!.replace(/^./, 'f'), workspace_id: 'ws' } }, ctx);
    const team = await driveToEnd(store);
    expect(team.status).to.equal('failed');
    expect(team.steps[0]).to.deep.include({ status: 'failed', error: { code: 'AGENT_NOT_PUBLISHED', message: `agent ${AGENTS[0]} has no published version to run` } });
    expect(await memberRunStreams(store)).to.have.length(0);
  });
});
