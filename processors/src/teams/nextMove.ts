import type { CoordinationMode } from '@agent-platform/contracts';
import type { ActiveTeamRun } from '@agent-platform/command-api/commands';
import { parallelMove } from './modes/parallel.js';
import { roundRobinMove } from './modes/roundRobin.js';
import { sequentialMove } from './modes/sequential.js';
import { supervisorMove } from './modes/supervisor.js';
import { guard, type Move } from './moves.js';

const modes: Record<CoordinationMode, (run: ActiveTeamRun) => Move> = {
  sequential: sequentialMove,
  parallel: parallelMove,
  supervisor: supervisorMove,
  round_robin: roundRobinMove,
};

/** The orchestrator's next move, from the team run's journal alone: pure, so a resumed run decides what the first would have. */
export const nextMove = (run: ActiveTeamRun): Move => guard(run) ?? modes[run.request.definition.coordination_mode](run);
