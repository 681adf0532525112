import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ValidationException } from '@gatehouse/shared';
import { DataSource } from 'typeorm';
import { compilePolicy, type CompiledPolicy } from '../decision/compiled-policy';
import { scanDecisionInputs } from '../decision-input/decision-input.store';
import type { SimulatePolicyInput } from '../policy-store/dto/policy.inputs';
import { parsePolicySource } from '../policy-store/policy-source';
import { PolicyService } from '../policy-store/policy.service';
import { toPolicySimulationModel, type PolicySimulation } from './simulation.model';
import { inputPathsRead } from './input-projection';
import { replayDecisions } from './simulation.replay';

/** SimulationService backtests a candidate policy over the stored inputs of past decisions. */
@Injectable()
export class SimulationService {
  constructor(
    private readonly policies: PolicyService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async simulate(input: SimulatePolicyInput): Promise<PolicySimulation> {
    const hasVersion = input.candidate.version !== undefined && input.candidate.version !== null;
    const hasDocument = input.candidate.document !== undefined && input.candidate.document !== null;
    const problems = [
      ...(hasVersion === hasDocument ? [{ path: 'input.candidate', message: 'must give exactly one of version or document' }] : []),
      ...(input.since && input.until && input.since >= input.until ? [{ path: 'input.until', message: 'must be after since' }] : []),
    ];
    if (problems.length) throw new ValidationException(problems);
    const candidate = await this.candidate(input);
    const since = input.since ?? null;
    const until = input.until ?? null;
    const environment = input.environment ?? null;
    const summary = await replayDecisions(candidate, scanDecisionInputs(this.dataSource, { policy: input.name, environment, since, until }, 2000, inputPathsRead(candidate.document)));
    return toPolicySimulationModel({ policy: input.name, version: candidate.version, hash: candidate.hash, environment, since, until }, summary);
  }

  private async candidate(input: SimulatePolicyInput): Promise<CompiledPolicy> {
    if (input.candidate.document !== undefined && input.candidate.document !== null) {
      return compilePolicy(parsePolicySource(input.candidate.document, 'input.candidate.document', 'input.candidate.document'));
    }
    return this.policies.compile(await this.policies.findVersionRow(input.name, input.candidate.version!));
  }
}
