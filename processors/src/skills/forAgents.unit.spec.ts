import { expect } from 'chai';
import pino from 'pino';
import { SKILL_RUNS_CATEGORY, SKILLS_CATEGORY, streamId, type SkillRuntimeType } from '@agent-platform/contracts';
import { sendCommand, skillDecider } from '@agent-platform/command-api/commands';
import { uuidFrom } from '@agent-platform/infra';
import { createInMemoryEventStore, type InMemoryEventStore } from '@agent-platform/infra/testing';
import { createRunKernel } from '../kernel/executor.js';
import { createSkillVersions } from './definitions.js';
import { skillRunExecutor } from './execute.js';
import { skillsForAgents } from './forAgents.js';
import { skillRunKind } from './kind.js';

const silent = pino({ level: 'silent' });
const AGENT_RUN = '55555555-5555-4555-8555-555555555555';
const VERSION = '00000000-0000-4000-8000-0000000000c1';
const ws = { workspaceId: 'ws-1' };
const ref = { skill_id: null, skill_code: 'summarize', skill_version_id: null, selected_by: 'default' as const, requires_approval: false };

describe("agent runs' skills, as skill runs", () => {
  let store: InMemoryEventStore;
  beforeEach(() => {
    store = createInMemoryEventStore();
  });
  const skills = () => {
    const kernel = createRunKernel(
      skillRunKind({ store, versions: createSkillVersions(store), callTool: () => Promise.reject(new Error('no calls')), secrets: new Map(), redact: (v) => v, maxCodeTimeoutSeconds: 30, log: silent }),
      { store, log: silent, leaseMs: 15_000, maxAttempts: 3 },
    );
    return skillsForAgents({ store, executor: skillRunExecutor(store, kernel), workerKey: 'w' });
  };
  const publish = async (runtime_type: SkillRuntimeType, implementation_json: Record<string, unknown>, parameter_schema_json: Record<string, unknown> = {}) => {
    const skillId = uuidFrom('skill', 'ws-1', 'summarize');
    const stream = streamId(SKILLS_CATEGORY, skillId);
    await sendCommand(store, skillDecider, stream, { type: 'CreateSkill', data: { skill_id: skillId, workspace_id: 'ws-1', code: 'summarize', name: 'S', skill_type: 't' } }, ws);
    await sendCommand(
      store,
      skillDecider,
      stream,
      { type: 'CreateSkillVersion', data: { skill_id: skillId, version_id: VERSION, workspace_id: 'ws-1', status: 'published', runtime_type, parameter_schema_json, output_schema_json: {}, implementation_json } },
      ws,
    );
  };
  const invoke = (index = 0) => skills().invoke({ agentRunId: AGENT_RUN, index, workspaceId: 'ws-1', correlationId: undefined, ref, input: { input_text: 'Order A-1 is late' } });

  it('runs the skill by its code with the run’s input, and answers its output', async () => {
    await publish('template', { template: 'Summary: $input_text' });
    expect(await invoke()).to.deep.equal({ output: { text: 'Summary: Order A-1 is late' } });
  });

  it('gets the same skill run back when the agent run asks again (a resumed invocation), running it once', async () => {
    await publish('template', { template: 'Summary: $input_text' });
    await invoke();
    expect(await invoke()).to.deep.equal({ output: { text: 'Summary: Order A-1 is late' } });
    const skillRun = uuidFrom('agent-skill-run', AGENT_RUN, '0');
    const events = await store.readStream(streamId(SKILL_RUNS_CATEGORY, skillRun));
    expect(events.map((e) => e.type)).to.deep.equal(['SkillRunQueued', 'SkillRunLeased', 'SkillRunCompleted']);
    expect(events[0]!.metadata.causation_id).to.equal(AGENT_RUN);
  });

  it('answers why it cannot run: an unknown skill, an input its schema refuses, an agent skill', async () => {
    expect(await invoke()).to.have.nested.property('error.code', 'SKILL_NOT_FOUND');
    await publish('template', { template: 'x' }, { order_id: { type: 'string' } });
    expect(await invoke()).to.have.nested.property('error.code', 'SKILL_INPUT_INVALID');
  });

  it('does not run an agent skill, which could select itself again without end', async () => {
    await publish('agent', { agent_id: '88888888-8888-4888-8888-888888888888' });
    expect(await invoke()).to.have.nested.property('error.code', 'SKILL_RUNTIME_NOT_ALLOWED');
  });
});
